import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ServiceClient, ServiceError, evidenceOf, type Regression } from '../../../src/extension/service/client';
import { startLocalService, type LocalService } from '../../../src/extension/service/localService';
import { SseParser, backoffDelay, subscribeRegressions, type StreamStatus } from '../../../src/extension/service/stream';
import { regressionHeadline } from '../../../src/extension/regressions/format';
import { beforeAfter, diffMessage, loadInvestigation } from '../../../src/extension/regressions/investigationData';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;

/** Deterministic noise (mulberry32 → Box–Muller), so the series and its change point are reproducible. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Collapsed stacks where parseConfig takes `share` of the samples and the rest keep their count. */
function folded(share: number): string {
  const others = 2000;
  const hot = Math.round((others * share) / (1 - share));
  return [`main;handle;parseConfig ${hot}`, `main;handle;render ${600}`, `main;idle ${others - 600}`].join('\n');
}

/** 24 windows at ~20% then 16 at ~23% (deploy "r2" with commit c0ffee2 at the step). */
async function pushRegression(client: ServiceClient, service: string): Promise<number[]> {
  const noise = gaussian(11);
  const found: number[] = [];
  await client.addDeploys([
    { service, commit: 'c0ffee1', version: 'r1', time: T0 },
    { service, commit: 'c0ffee2', version: 'r2', time: T0 + 24 * MIN },
  ]);
  for (let w = 0; w < 40; w++) {
    const share = (w >= 24 ? 0.23 : 0.2) + 0.003 * noise();
    const res = await client.uploadProfile(folded(share), { service, time: T0 + w * MIN, commit: w >= 24 ? 'c0ffee2' : 'c0ffee1', type: 'cpu' });
    found.push(...res.regressions);
  }
  return found;
}

describe('extension: service client against a real `hotpath serve`', function () {
  this.timeout(60_000);
  let local: LocalService;
  let client: ServiceClient;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-ext-svc-'));

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing; run node esbuild.mjs first`);
    local = await startLocalService({ cliPath: CLI, dataDir: data, node: process.execPath });
    client = new ServiceClient({ url: local.url, token: local.token });
  });
  after(async () => {
    await local?.stop();
    fs.rmSync(data, { recursive: true, force: true });
  });

  it('starts a token-protected service on 127.0.0.1 and refuses requests without the token, in one line', async () => {
    assert.match(local.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await client.health()).status, 'ok');
    const anonymous = new ServiceClient({ url: local.url });
    await assert.rejects(anonymous.regressions(), (e: unknown) => e instanceof ServiceError && e.status === 401 && /^GET \/api\/v1\/regressions: HTTP 401/.test(e.message) && !e.message.includes('\n'));
  });

  it('reports an unreachable service as one line with status 0', async () => {
    // A port that was just free: nothing listens on it.
    const probe = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const dead = new ServiceClient({ url: `http://127.0.0.1:${port}/` });
    await assert.rejects(dead.health(), (e: unknown) => e instanceof ServiceError && e.status === 0 && e.message === `GET /api/v1/health: cannot reach the Hotpath service at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('streams a new regression, then reads its series, merged profiles and deploys, and patches its status', async () => {
    const received: Regression[] = [];
    const statuses: StreamStatus[] = [];
    let connected!: () => void;
    const isConnected = new Promise<void>((r) => (connected = r));
    let gotOne!: () => void;
    const streamed = new Promise<void>((r) => (gotOne = r));
    const sub = subscribeRegressions(client, {
      onRegression: (r) => (received.push(r), gotOne()),
      onStatus: (s) => (statuses.push(s), s.state === 'connected' && connected()),
    });
    try {
      await isConnected;
      const ids = await pushRegression(client, 'checkout');
      assert.equal(ids.length, 1, `regressions: ${ids}`);
      await streamed;
      assert.equal(received[0].id, ids[0]);
      assert.equal(sub.lastEventId, String(ids[0]));
    } finally {
      sub.dispose();
    }
    const r = await client.regression(received[0].id);
    assert.equal(r.function.name, 'parseConfig');
    const ev = evidenceOf(r)!;
    assert.ok(ev.changePoint.absoluteChange > 0.02 && ev.changePoint.absoluteChange < 0.04, `change ${ev.changePoint.absoluteChange}`);
    assert.ok(Math.abs(r.changeTime - (T0 + 24 * MIN)) <= 2 * MIN);

    const deploys = await client.deploys('checkout');
    assert.deepEqual(deploys.map((d) => d.version), ['r1', 'r2']);
    assert.match(regressionHeadline(r, deploys), /^parseConfig \+(2|3)\.\d% CPU since deploy r(1|2) \(commit c0ffee[12]\)$/);

    const series = await client.series(r.service, r.function, r.type);
    assert.equal(series.points.length, 40);
    assert.ok(series.points[30].inclusive > series.points[5].inclusive);
    const before = await client.mergedProfile(r.service, r.type, { to: r.changeTime });
    const after = await client.mergedProfile(r.service, r.type, { from: r.changeTime });
    assert.equal(before.nodeCount, after.nodeCount);
    assert.ok(before.totalWeight > 0 && after.frames.some((f) => f.name === 'parseConfig'));

    const { investigation } = await loadInvestigation(client, r);
    assert.equal(investigation.points.length, 40);
    assert.deepEqual(investigation.markers.map((m) => m.label), ['deploy r1 (c0ffee1)', 'deploy r2 (c0ffee2)']);
    assert.equal(investigation.points[investigation.changePoint.index].time, r.changeTime);
    const pair = await beforeAfter(client, r);
    const diff = diffMessage(pair.before, pair.after, r.function.name);
    const node = Array.from(diff.profile.nodeFrame).findIndex((f) => diff.profile.frames[f]?.name === 'parseConfig');
    const share = (w: number, total: number) => w / total;
    assert.ok(share(diff.profile.nodeTotal[node], diff.profile.totalWeight) - share(diff.beforeTotal[node], diff.beforeTotalWeight) > 0.02, 'parseConfig gained share after the change');

    const acked = await client.setStatus(r.id, 'acknowledged', 'looking');
    assert.equal(acked.status, 'acknowledged');
    assert.equal(acked.note, 'looking');
    assert.deepEqual((await client.regressions({ status: 'open' })).map((x) => x.id), []);
    await assert.rejects(client.setStatus(999_999, 'fixed'), /PATCH \/api\/v1\/regressions\/999999: HTTP 404: no regression 999999/);
  });

  it('reconnects after the service restarts and replays what it missed by Last-Event-ID', async () => {
    const statuses: StreamStatus[] = [];
    const received: number[] = [];
    let replayed!: () => void;
    const gotReplay = new Promise<void>((r) => (replayed = r));
    // Resume after event 0: the service replays regression 1 on every (re)connection.
    const sub = subscribeRegressions(client, { lastEventId: '0', baseDelayMs: 50, maxDelayMs: 400, onRegression: (r) => (received.push(r.id), replayed()), onStatus: (s) => statuses.push(s) });
    try {
      await gotReplay;
      const port = new URL(local.url).port;
      await local.stop();
      // The same port again so the client's URL stays valid.
      local = await restartOnPort(Number(port), local.token);
      await waitFor(() => statuses.filter((s) => s.state === 'connected').length >= 2, 15_000);
    } finally {
      sub.dispose();
    }
    const gaps = statuses.filter((s): s is Extract<StreamStatus, { state: 'disconnected' }> => s.state === 'disconnected');
    assert.ok(gaps.length >= 1);
    assert.equal(gaps[0].retryInMs, 50);
    assert.ok(gaps.every((g) => g.retryInMs <= 400));
    assert.deepEqual(received, [1], 'Last-Event-ID 1 after the first event: nothing is replayed twice');
  });

  async function restartOnPort(port: number, token: string): Promise<LocalService> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', data, '--json'], { env: { ...process.env, HOTPATH_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d) => String(d).includes('{') && resolve());
      child.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
    });
    return {
      url: `http://127.0.0.1:${port}`,
      token,
      pid: child.pid!,
      stop: () => new Promise<void>((r) => (child.once('exit', () => r()), child.kill('SIGTERM'))),
    };
  }
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('extension: server-sent events parsing and back-off', () => {
  it('parses events split across chunks, comments, multi-line data, CRLF and retry', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('retry: 2000\n: connected\n\nid: 4\nevent: regr'), []);
    assert.equal(p.retry, 2000);
    assert.deepEqual(p.push('ession\ndata: {"a":\ndata: 1}\n\n'), [{ id: '4', event: 'regression', data: '{"a":\n1}' }]);
    assert.deepEqual(p.push('data: x\r\n\r\n'), [{ id: '4', event: 'message', data: 'x' }], 'the id persists; event resets');
    assert.deepEqual(p.push('event: only\n\n'), [], 'no data, no event');
  });

  it('doubles the delay per attempt up to the cap', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 60].map((a) => backoffDelay(a, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});
