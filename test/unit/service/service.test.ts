import * as assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import type { RunningService } from '../../../src/service/server';
import { SCHEMA_VERSION } from '../../../src/service/store/sqlite';
import { folded, json, startTestService, upload } from './support';

const T0 = Date.parse('2026-01-05T00:00:00Z');
const MIN = 60_000;

describe('service: ingest and query over HTTP', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startTestService();
  });
  after(async () => {
    await svc.close();
  });

  it('binds 127.0.0.1 by default and answers health', async () => {
    assert.match(svc.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await json(await fetch(`${svc.url}/api/v1/health`));
    assert.equal(health.status, 'ok');
    assert.equal(health.schemaVersion, SCHEMA_VERSION);
  });

  it('stores uploads and serves services, functions, series, merged profiles, diffs and raw bytes', async () => {
    const stacks = [
      { 'main;handle;hot': 30, 'main;handle;cold': 50, 'main;idle': 20 },
      { 'main;handle;hot': 40, 'main;handle;cold': 40, 'main;idle': 20 },
      { 'main;handle;hot': 60, 'main;handle;cold': 20, 'main;idle': 20 },
    ];
    const bodies = stacks.map(folded);
    for (let i = 0; i < bodies.length; i++) {
      const res = await upload(svc.url, { service: 'checkout', time: String(T0 + i * MIN), commit: `c${i}`, version: `v${i}`, labels: 'env=prod,region=eu' }, bodies[i]);
      assert.equal(res.status, 201, await res.clone().text());
      const body = await json(res);
      assert.equal(body.service, 'checkout');
      assert.equal(body.format, 'collapsed');
      assert.deepEqual(body.labels, { env: 'prod', region: 'eu' });
      assert.deepEqual(body.windows.map((w: any) => [w.type, w.totalWeight]), [['cpu', 100]]);
    }

    const services = (await json(await fetch(`${svc.url}/api/v1/services`))).services;
    assert.deepEqual(services.map((s: any) => [s.name, s.profileCount, s.firstTime, s.lastTime]), [['checkout', 3, T0, T0 + 2 * MIN]]);
    assert.deepEqual(services[0].types, [{ type: 'cpu', unit: 'samples', windows: 3 }]);

    const fns = (await json(await fetch(`${svc.url}/api/v1/services/checkout/functions`))).functions;
    assert.deepEqual(fns.slice(0, 3).map((f: any) => [f.name, f.maxInclusive]), [['main', 1], ['handle', 0.8], ['hot', 0.6]]);

    const series = await json(await fetch(`${svc.url}/api/v1/services/checkout/series?function=hot`));
    assert.deepEqual(series.points.map((p: any) => [p.time, p.commit, p.inclusive, p.self]), [
      [T0, 'c0', 0.3, 0.3],
      [T0 + MIN, 'c1', 0.4, 0.4],
      [T0 + 2 * MIN, 'c2', 0.6, 0.6],
    ]);
    const handle = await json(await fetch(`${svc.url}/api/v1/services/checkout/series?function=handle&from=${T0 + MIN}`));
    assert.deepEqual(handle.points.map((p: any) => [p.inclusive, p.self]), [[0.8, 0], [0.8, 0]]);

    const merged = await json(await fetch(`${svc.url}/api/v1/services/checkout/profile?from=${T0}&to=${T0 + 2 * MIN}`));
    assert.equal(merged.$schema, 'https://www.speedscope.app/file-format-schema.json');
    const ours = await json(await fetch(`${svc.url}/api/v1/services/checkout/profile?format=hotpath`));
    assert.equal(ours.profile.totalWeight, 300);
    const hotFrame = ours.profile.frames.findIndex((f: any) => f.name === 'hot');
    const hotWeight = ours.profile.nodeFrame.reduce((s: number, f: number, n: number) => (f === hotFrame ? s + ours.profile.nodeSelf[n] : s), 0);
    assert.equal(hotWeight, 130);

    const diff = await json(await fetch(`${svc.url}/api/v1/services/checkout/diff?beforeTo=${T0 + MIN}&afterFrom=${T0 + 2 * MIN}`));
    const hot = diff.functions.find((f: any) => f.name === 'hot');
    assert.equal(hot.total.beforePercent, 30);
    assert.equal(hot.total.afterPercent, 60);
    assert.equal(diff.functions[0].name, 'hot');

    const list = await json(await fetch(`${svc.url}/api/v1/profiles?service=checkout`));
    assert.equal(list.total, 3);
    const raw = await fetch(`${svc.url}/api/v1/profiles/${list.profiles[1].id}/raw`);
    assert.equal(raw.headers.get('content-type'), 'application/gzip');
    assert.equal(zlib.gunzipSync(Buffer.from(await raw.arrayBuffer())).toString('utf8'), bodies[1]);
  });

  it('accepts gzip content and Content-Encoding: gzip alike', async () => {
    const body = folded({ 'a;b': 10 });
    const inner = await upload(svc.url, { service: 'gz', time: String(T0) }, zlib.gzipSync(body));
    assert.equal(inner.status, 201);
    const encoded = await upload(svc.url, { service: 'gz', time: String(T0 + 1) }, zlib.gzipSync(body), { 'content-encoding': 'gzip' });
    assert.equal(encoded.status, 201);
    const list = await json(await fetch(`${svc.url}/api/v1/profiles?service=gz`));
    assert.equal(list.total, 2);
  });

  it('stores metrics and deploy events and returns them', async () => {
    const points = [
      { series: 'latency_p99', labels: { route: '/pay' }, time: T0, value: 120.5, commit: 'abc123' },
      { series: 'latency_p99', labels: { route: '/pay' }, time: '2026-01-05T00:01:00Z', value: 130 },
      { series: 'latency_p99', labels: { route: '/home' }, time: T0, value: 10 },
    ];
    const added = await fetch(`${svc.url}/api/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ points }) });
    assert.equal(added.status, 201);
    assert.deepEqual(await json(added), { added: 3 });
    const listed = await json(await fetch(`${svc.url}/api/v1/metrics`));
    assert.deepEqual(listed.series.map((s: any) => [s.series, s.labels.route, s.points]), [['latency_p99', '/home', 1], ['latency_p99', '/pay', 2]]);
    const pay = await json(await fetch(`${svc.url}/api/v1/metrics/series?series=latency_p99&labels=route=/pay`));
    assert.deepEqual(pay.points.map((p: any) => [p.time, p.value, p.commit]), [[T0, 120.5, 'abc123'], [T0 + MIN, 130, undefined]]);

    const events = [{ type: 'deploy', service: 'checkout', commit: 'c1', version: 'v1', time: T0 + MIN }];
    const res = await fetch(`${svc.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    assert.equal(res.status, 201);
    const got = await json(await fetch(`${svc.url}/api/v1/events?service=checkout`));
    assert.deepEqual(got.events.map((e: any) => [e.commit, e.version, e.time]), [['c1', 'v1', T0 + MIN]]);
  });

  it('names the field of every invalid request', async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${svc.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const cases: [Promise<Response>, number, string][] = [
      [upload(svc.url, {}, 'a;b 1'), 400, 'service'],
      [upload(svc.url, { service: 's', time: 'yesterday' }, 'a;b 1'), 400, 'time'],
      [upload(svc.url, { service: 's', labels: 'novalue' }, 'a;b 1'), 400, 'labels'],
      [upload(svc.url, { service: 's', commit: '--output=/etc/x' }, 'a;b 1'), 400, 'commit'],
      [upload(svc.url, { service: 's' }, ''), 400, 'body'],
      [upload(svc.url, { service: 's' }, new Uint8Array([0, 1, 2, 3, 250, 251, 252])), 400, 'body'],
      [post('/api/v1/metrics', { points: [{ series: 'x', time: 1, value: 1 }, { series: 'x', time: 2, value: 'fast' }] }), 400, 'points[1].value'],
      [post('/api/v1/metrics', { points: [] }), 400, 'points'],
      [post('/api/v1/events', { events: [{ service: 'x', time: 1 }] }), 400, 'events[0].commit'],
      [fetch(`${svc.url}/api/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"points": [' }), 400, 'body'],
      [fetch(`${svc.url}/api/v1/metrics`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }), 415, 'content-type'],
      [fetch(`${svc.url}/api/v1/services/checkout/series`), 400, 'function'],
      [fetch(`${svc.url}/api/v1/services/checkout/series?function=hot&type=alloc`), 404, 'type'],
      [fetch(`${svc.url}/api/v1/services/nope/functions`), 404, 'service'],
      [fetch(`${svc.url}/api/v1/services/checkout/diff?beforeTo=1`), 400, 'afterFrom'],
      [fetch(`${svc.url}/api/v1/profiles/abc`), 400, 'id'],
      [fetch(`${svc.url}/api/v1/regressions?status=closed`), 400, 'status'],
      [fetch(`${svc.url}/api/v1/regressions/1`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"status":"done"}' }), 400, 'status'],
      [fetch(`${svc.url}/api/v1/nothing`), 404, 'path'],
      [fetch(`${svc.url}/api/v1/profiles/1`, { method: 'PATCH' }), 405, 'method'],
    ];
    for (const [pending, status, field] of cases) {
      const res = await pending;
      const body = await json(res);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(body.error.field, field, JSON.stringify(body));
      assert.equal(typeof body.error.message, 'string');
      assert.ok(!/\n\s+at /.test(body.error.message), 'no stack trace');
    }
  });

  it('serves an OpenAPI document that lists every route', async () => {
    const doc = await json(await fetch(`${svc.url}/api/v1/openapi.json`));
    assert.equal(doc.openapi, '3.1.0');
    for (const route of svc.service.routes) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op, `${route.method} ${path} documented`);
      for (const name of Object.keys(route.query?.shape ?? {})) assert.ok(op.parameters.some((p: any) => p.name === name && p.in === 'query'), `${path} ?${name}`);
    }
    const metrics = doc.paths['/api/v1/metrics'].post.requestBody.content['application/json'].schema;
    // labels has a default, so a client may leave it out
    assert.deepEqual(metrics.properties.points.items.required.sort(), ['series', 'time', 'value']);
  });

  it('loses nothing under many parallel uploads', async () => {
    const n = 60;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) => upload(svc.url, { service: 'parallel', time: String(T0 + i * 1000), commit: `p${i}` }, folded({ 'main;work': 10 + i, 'main;io': 5 }))),
    );
    assert.deepEqual(responses.map((r) => r.status), Array(n).fill(201));
    const ids = new Set((await Promise.all(responses.map(json))).map((b) => b.id));
    assert.equal(ids.size, n);
    assert.equal((await json(await fetch(`${svc.url}/api/v1/profiles?service=parallel`))).total, n);
    const series = await json(await fetch(`${svc.url}/api/v1/services/parallel/series?function=work`));
    assert.equal(series.points.length, n);
    assert.deepEqual(series.points.map((p: any) => p.commit), Array.from({ length: n }, (_, i) => `p${i}`));
  });
});

describe('service: limits and token', () => {
  it('refuses bodies over the limit and gzip bombs with 413, and keeps serving', async () => {
    const svc = await startTestService({ maxBodyBytes: 64 * 1024, maxDecompressedBytes: 1024 * 1024 });
    try {
      const big = await upload(svc.url, { service: 's' }, Buffer.alloc(100 * 1024, 'a'));
      assert.equal(big.status, 413);
      assert.equal((await json(big)).error.field, 'body');

      // 64 MiB of zeros compresses to about 64 KiB: small on the wire, huge when inflated.
      const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
      assert.ok(bomb.length < 64 * 1024, `bomb is ${bomb.length} bytes`);
      for (const headers of [{}, { 'content-encoding': 'gzip' }] as Record<string, string>[]) {
        const res = await upload(svc.url, { service: 's' }, bomb, headers);
        const body = await json(res);
        assert.equal(res.status, 413, JSON.stringify(body));
        assert.equal(body.error.field, 'body');
        assert.match(body.error.message, /decompressed content exceeds the 1048576-byte limit/);
      }
      const ok = await upload(svc.url, { service: 's' }, folded({ 'a;b': 1 }));
      assert.equal(ok.status, 201);
    } finally {
      await svc.close();
    }
  });

  it('closes with a stream client connected, ending its stream', async () => {
    const svc = await startTestService();
    const res = await fetch(`${svc.url}/api/v1/stream`);
    const reader = res.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /: connected/);
    assert.equal((await json(await fetch(`${svc.url}/api/v1/health`))).streams, 1);
    await svc.close();
    for (;;) if ((await reader.read()).done) break;
  });

  it('requires the bearer token when one is configured (health stays open)', async () => {
    const svc = await startTestService({ token: 's3cret-token' });
    try {
      const none = await upload(svc.url, { service: 's' }, folded({ 'a;b': 1 }));
      assert.equal(none.status, 401);
      assert.equal((await json(none)).error.field, 'authorization');
      const wrong = await upload(svc.url, { service: 's' }, folded({ 'a;b': 1 }), { authorization: 'Bearer nope' });
      assert.equal(wrong.status, 401);
      const list = await fetch(`${svc.url}/api/v1/services`);
      assert.equal(list.status, 401);
      const right = await upload(svc.url, { service: 's' }, folded({ 'a;b': 1 }), { authorization: 'Bearer s3cret-token' });
      assert.equal(right.status, 201);
      assert.equal((await fetch(`${svc.url}/api/v1/health`)).status, 200);
    } finally {
      await svc.close();
    }
  });
});
