import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');
const CPUPROFILE = path.join(ROOT, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');

/**
 * The real bundled CLI in a child process: exit codes and stderr as a shell sees them.
 * The bundle is built like esbuild.mjs builds dist/cli.js, into a temporary folder so the
 * test never races a build of dist/.
 */
describe('cli: the bundled hotpath binary', function () {
  this.timeout(30000);
  let dir: string;
  let cliJs: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bundle-'));
    cliJs = path.join(dir, 'cli.js');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
      outfile: cliJs,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
      external: ['vscode', 'better-sqlite3', '@datadog/pprof', '@pyroscope/nodejs', 'web-tree-sitter'],
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]) {
    const r = spawnSync(process.execPath, [cliJs, ...args], {
      encoding: 'utf8',
      timeout: 20000,
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), HOTPATH_DEBUG: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  const noStack = (text: string) => assert.equal(/^\s+at .+:\d+:\d+\)?$/m.test(text), false, text);

  it('summarises a real profile with exit code 0', () => {
    const r = run('profile', 'summary', CPUPROFILE, '--top', '3');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /buildReport\s+file:\/\/.*busy\.js:15/);
  });

  it('fails with exit 2 and one line for a missing file', () => {
    const missing = path.join(dir, 'nope.cpuprofile');
    const r = run('profile', 'summary', missing);
    assert.equal(r.code, 2);
    assert.equal(r.err, `hotpath: ${missing}: file not found\n`);
    assert.equal(r.out, '');
  });

  it('fails with exit 2 and one line for an unknown format', () => {
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe]));
    const r = run('profile', 'summary', junk);
    assert.equal(r.code, 2);
    assert.match(r.err, /^hotpath: .*junk\.bin: unknown format \(tried .*\)[^\n]*\n$/);
    noStack(r.err);
  });

  it('fails with exit 2 for a truncated file, as one line or as JSON', () => {
    const truncated = path.join(dir, 'cut.cpuprofile');
    const text = fs.readFileSync(CPUPROFILE, 'utf8');
    fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.7)));
    const r = run('profile', 'summary', truncated);
    assert.equal(r.code, 2);
    assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
    assert.match(r.err, /^hotpath: .*cut\.cpuprofile: cpuprofile: /);
    noStack(r.err);
    const j = run('profile', 'summary', truncated, '--json');
    assert.equal(j.code, 2);
    const { error } = JSON.parse(j.out);
    assert.equal(error.file, truncated);
    assert.equal(error.format, 'cpuprofile');
    assert.equal(typeof error.message, 'string');
    noStack(j.out + j.err);
  });
});
