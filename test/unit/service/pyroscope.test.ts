import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePyroscopeName, restoreNodespyNames } from '../../../src/service/routes/ingest';
import type { RunningService } from '../../../src/service/server';
import { json, startTestService, tempDir } from './support';

const ROOT = path.join(__dirname, '..', '..', '..');

/** A live Node process profiled by the real @pyroscope/nodejs agent, pushing to `serverAddress`. */
const AGENT_PROGRAM = `
const Pyroscope = require(${JSON.stringify(require.resolve('@pyroscope/nodejs', { paths: [ROOT] }))});
Pyroscope.init({ serverAddress: process.env.SERVER, appName: 'pyro-app', flushIntervalMs: 700, tags: { region: 'eu' }, wall: { samplingDurationMs: 700 } });
Pyroscope.start();
function spinHotLoop(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
  return x;
}
const deadline = Date.now() + Number(process.env.RUN_MS);
(function tick() {
  spinHotLoop(50);
  if (Date.now() < deadline) setImmediate(tick);
  else Pyroscope.stop().then(() => process.exit(0));
})();
`;

describe('service: Pyroscope-compatible ingest', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startTestService();
  });
  after(async () => {
    await svc.close();
  });

  it('restores function names the Node agent rewrote to path:name:line', () => {
    const frames = [
      { name: '/srv/app/agent.js:spin:5', file: '/srv/app/agent.js', line: 5 },
      { name: './lib/x.js:(anonymous:L#1:C#1):1', file: '/srv/app/lib/x.js', line: 1 },
      { name: 'node:internal/timers:processImmediate:438', file: 'node:internal/timers' },
      { name: 'plain', file: '/srv/app/agent.js' },
    ];
    const set: any = { format: 'pprof', profiles: [{ frames }], activeIndex: 0 };
    restoreNodespyNames(set);
    assert.deepEqual(frames.map((f) => f.name), ['spin', '(anonymous:L#1:C#1)', 'processImmediate', 'plain']);
  });

  it('parses Pyroscope application names', () => {
    assert.deepEqual(parsePyroscopeName('app.cpu{env=prod,region=eu}'), { service: 'app', type: 'cpu', labels: { env: 'prod', region: 'eu' } });
    assert.deepEqual(parsePyroscopeName('my.app{}'), { service: 'my.app', type: undefined, labels: {} });
    assert.deepEqual(parsePyroscopeName('svc.alloc_space'), { service: 'svc', type: 'alloc_space', labels: {} });
  });

  it('stores what the real @pyroscope/nodejs agent pushes from a live process', async function () {
    this.timeout(60_000);
    const dir = tempDir('hotpath-pyro-');
    const program = path.join(dir, 'agent.js');
    fs.writeFileSync(program, AGENT_PROGRAM);
    const child = spawn(process.execPath, [program], { env: { ...process.env, SERVER: svc.url, RUN_MS: '3000' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, err);

    const services = (await json(await fetch(`${svc.url}/api/v1/services`))).services;
    const app = services.find((s: any) => s.name === 'pyro-app');
    assert.ok(app, `services: ${JSON.stringify(services)}`);
    assert.ok(app.profileCount >= 2, `${app.profileCount} profiles pushed`);
    const types = app.types.map((t: any) => t.type);
    assert.ok(types.includes('wall'), `types: ${types}`);
    const profiles = (await json(await fetch(`${svc.url}/api/v1/profiles?service=pyro-app`))).profiles;
    assert.ok(profiles.every((p: any) => p.source === 'pyroscope' && p.format === 'pprof'));
    assert.equal(profiles[0].labels.region, 'eu');
    assert.equal(profiles[0].labels.spyName, 'nodespy');

    const fns = (await json(await fetch(`${svc.url}/api/v1/services/pyro-app/functions?type=wall&minShare=0.01`))).functions;
    const hot = fns.find((f: any) => f.name === 'spinHotLoop');
    assert.ok(hot, `functions: ${fns.map((f: any) => f.name).join(', ')}`);
    assert.ok(hot.maxInclusive > 0.2, `spinHotLoop share ${hot.maxInclusive}`);
    assert.ok(hot.file.endsWith('agent.js'));
  });

  it('accepts folded stacks and multipart pprof, and names bad fields', async () => {
    const from = Math.floor(Date.parse('2026-03-01T00:00:00Z') / 1000);
    const folded = await fetch(`${svc.url}/ingest?name=${encodeURIComponent('shop.cpu{env=prod}')}&from=${from}&until=${from + 10}&format=folded&sampleRate=100&spyName=pyspy`, {
      method: 'POST',
      body: 'main;handle;parse 30\nmain;idle 70\n',
    });
    assert.equal(folded.status, 200, await folded.clone().text());
    const stored = await json(folded);
    assert.equal(stored.service, 'shop');
    assert.equal(stored.time, from * 1000);
    assert.deepEqual(stored.labels, { env: 'prod', spyName: 'pyspy' });
    assert.deepEqual(stored.windows.map((w: any) => w.type), ['cpu']);

    // A pprof made by the agent's own encoder, sent as a multipart form like Pyroscope's Go agents do.
    const pprof = require(require.resolve('@datadog/pprof', { paths: [ROOT] }));
    const pending = pprof.time.profile({ durationMillis: 300 });
    const end = Date.now() + 300;
    let sink = 0;
    while (Date.now() < end) sink += Math.sqrt(Math.random());
    assert.ok(sink > 0);
    const profile = await pending;
    const bytes: Buffer = await pprof.encode(profile);
    const form = new FormData();
    form.append('profile', new Blob([new Uint8Array(bytes)]), 'profile.pprof');
    const multipart = await fetch(`${svc.url}/ingest?name=shop.wall&from=${from + 20}&until=${from + 30}&format=pprof`, { method: 'POST', body: form });
    assert.equal(multipart.status, 200, await multipart.clone().text());
    assert.equal((await json(multipart)).format, 'pprof');

    const cases: [string, string, string][] = [
      ['', 'main 1', 'name'],
      ['name=x&from=yesterday', 'main 1', 'from'],
      ['name=x&format=trie', 'main 1', 'format'],
      ['name=x&format=pprof', 'main 1', 'format'],
      ['name=x&from=20&until=10', 'main 1', 'until'],
    ];
    for (const [query, body, field] of cases) {
      const res = await fetch(`${svc.url}/ingest?${query}`, { method: 'POST', body });
      const out = await json(res);
      assert.equal(res.status, 400, `${query}: ${JSON.stringify(out)}`);
      assert.equal(out.error.field, field, `${query}: ${JSON.stringify(out)}`);
    }
    const noPart = new FormData();
    noPart.append('other', 'x');
    const missing = await fetch(`${svc.url}/ingest?name=x&format=pprof`, { method: 'POST', body: noPart });
    assert.equal((await json(missing)).error.field, 'profile');
  });
});
