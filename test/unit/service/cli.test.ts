import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { serveConfig } from '../../../src/cli/commands/serve';
import { folded, json, tempDir, upload } from './support';

const ROOT = path.join(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const T0 = 1_700_000_000_000;

/** Spawns `node dist/cli.js serve` on an ephemeral port and resolves with its URL once it prints it. */
function serve(dataDir: string): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data', dataDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ child, url: JSON.parse(line).url, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

/** Starts an upload, sends the first half of the body now and the rest when `finish` is called. */
function slowUpload(base: string, query: string, body: string): { finish(): Promise<number> } {
  const url = new URL(`${base}/api/v1/profiles?${query}`);
  const bytes = Buffer.from(body);
  const req = http.request(url, { method: 'POST', headers: { 'content-type': 'text/plain', 'content-length': bytes.length } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  req.write(bytes.subarray(0, bytes.length >> 1));
  return {
    finish() {
      req.end(bytes.subarray(bytes.length >> 1));
      return status;
    },
  };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('hotpath serve (built CLI)', () => {
  before(function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
  });

  it('finishes uploads in flight on SIGTERM, closes cleanly, and keeps the data for the next start', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 10; i++) assert.equal((await upload(first.url, { service: 'api', time: String(T0 + i) }, folded({ 'main;work': 10 + i }))).status, 201);
    // Three uploads are half sent when SIGTERM arrives; the server must finish and store them.
    const inFlight = Array.from({ length: 3 }, (_, i) => slowUpload(first.url, `service=api&time=${T0 + 100 + i}`, folded({ 'main;slow': 5 + i })));
    await new Promise((r) => setTimeout(r, 200));
    first.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    const statuses = await Promise.all(inFlight.map((u) => u.finish()));
    assert.deepEqual(statuses, [201, 201, 201]);
    const code = await exited(first.child);
    assert.equal(code, 0, first.stderr());
    assert.match(first.stderr(), /SIGTERM: finishing requests in flight\n.*stopped/s);
    const accepted = 13;

    const second = await serve(dataDir);
    try {
      const list = await json(await fetch(`${second.url}/api/v1/profiles?service=api`));
      assert.equal(list.total, accepted, 'every accepted upload survived the restart');
      const more = await upload(second.url, { service: 'api' }, folded({ 'main;work': 1 }));
      assert.equal(more.status, 201);
      assert.equal((await json(await fetch(`${second.url}/api/v1/health`))).profiles, accepted + 1);
    } finally {
      second.child.kill('SIGINT');
      assert.equal(await exited(second.child), 0);
    }
  });

  it('reports a port in use as one line, exit 2', async () => {
    const dataDir = tempDir();
    const first = await serve(dataDir);
    try {
      const port = new URL(first.url).port;
      const res = spawn(process.execPath, [CLI, 'serve', '--port', port, '--data', tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      res.stderr!.on('data', (d) => (err += d));
      assert.equal(await exited(res), 2);
      assert.equal(err.trim(), `hotpath: port ${port} on 127.0.0.1 is already in use (choose another with --port)`);
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
  });
});

describe('hotpath serve options', () => {
  it('builds the configuration from flags over the config file', () => {
    const dir = tempDir();
    const repo = tempDir('hotpath-repo-');
    execFileSync('git', ['-C', repo, 'init', '-q']);
    const file = path.join(dir, 'hotpath.json');
    fs.writeFileSync(file, JSON.stringify({ port: 9999, services: { api: { fleet: { cores: 100 } } }, detection: { pValue: 0.0001 } }));
    const config = serveConfig({ data: dir, config: file, port: '0', 'max-body': '2M', 'max-decompressed': '1G', repo: [`api=${repo}`, repo], token: 'long-enough' });
    assert.equal(config.port, 0);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.maxBodyBytes, 2 * 1024 * 1024);
    assert.equal(config.maxDecompressedBytes, 1024 ** 3);
    assert.deepEqual(config.repos, { api: repo, '*': repo });
    assert.deepEqual(config.fleet, { api: { cores: 100, wattsPerCore: 200 } });
    assert.equal(config.detection.pValue, 0.0001);
    assert.equal(config.token, 'long-enough');
    assert.throws(() => serveConfig({ data: dir, 'max-body': 'lots' }), /--max-body must be a size such as 32M/);
    assert.throws(() => serveConfig({ data: dir, port: '70000' }), /--port must be an integer in 0\.\.65535/);
  });
});
