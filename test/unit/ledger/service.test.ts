import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type { RunningService } from '../../../src/service/server';
import { json, startTestService } from '../service/support';

const MIN = 60_000;

describe('ledger: service endpoint', () => {
  let svc: RunningService & { dataDir: string };
  const post = (body: unknown) => fetch(`${svc.url}/api/v1/ledger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const fix = {
    kind: 'fix',
    id: 'fix:abc:123',
    time: 1_700_000_000_000,
    skill: 'js-linear-lookup-in-loop',
    function: 'parseRows',
    file: 'src/csv.js',
    line: 3,
    relativeChange: -0.5,
    ci: [-0.55, -0.45],
    verdict: 'faster',
    cpuShare: 0.2,
    proposer: 'engine',
    service: 'checkout',
  };

  before(async () => {
    svc = await startTestService({ fleet: { checkout: { cores: 100, wattsPerCore: 200 } } });
  });
  after(async () => {
    await svc.close();
    fs.rmSync(svc.dataDir, { recursive: true, force: true });
  });

  it('stores a fix once, derives fixed regressions from their status times, and totals with the fleet', async () => {
    let res = await post(fix);
    assert.equal(res.status, 201);
    assert.deepEqual(await json(res), { id: fix.id, added: true });
    assert.deepEqual(await json(await post(fix)), { id: fix.id, added: false });

    const r = svc.service.store.addRegression({
      service: 'checkout',
      type: 'cpu',
      function: { name: 'render', file: 'src/report.js', line: 10 },
      changeTime: 1_700_000_000_000,
      detectedAt: 1_700_000_000_000 + 10 * MIN,
      evidence: { changePoint: { absoluteChange: 0.03, relativeChange: 0.6 } },
    });
    // open regressions are not in the ledger
    assert.equal((await json(await fetch(`${svc.url}/api/v1/ledger`))).entries.length, 1);
    const patch = (status: string, time: number) =>
      fetch(`${svc.url}/api/v1/regressions/${r.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status, time }) });
    await patch('acknowledged', r.detectedAt + 30 * MIN);
    await patch('fixed', r.detectedAt + 120 * MIN);

    res = await fetch(`${svc.url}/api/v1/ledger`);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(body.fleet, { checkout: 100 });
    assert.deepEqual(body.entries.map((e: { kind: string }) => e.kind), ['fix', 'regression']);
    const reg = body.entries[1];
    assert.deepEqual([reg.regressionId, reg.detectedAt, reg.acknowledgedAt, reg.fixedAt, reg.magnitude], [r.id, r.detectedAt, r.detectedAt + 30 * MIN, r.detectedAt + 120 * MIN, 0.03]);
    assert.equal(body.totals.fixes, 1);
    assert.equal(body.totals.regressionsResolved, 1);
    assert.equal(body.totals.medianTimeToMitigateMs, 120 * MIN);
    assert.ok(Math.abs(body.totals.cpuShareSaved - 0.13) < 1e-12);
    assert.ok(Math.abs(body.totals.coresSaved - 13) < 1e-9);

    // the extension recording the same regression does not count it twice
    assert.deepEqual(await json(await post(reg)), { id: reg.id, added: true });
    assert.equal((await json(await fetch(`${svc.url}/api/v1/ledger`))).entries.length, 2);
  });

  it('rejects an invalid entry with one line naming the field', async () => {
    const res = await post({ ...fix, id: 'fix:bad', proposer: 'robot' });
    assert.equal(res.status, 400);
    const body = await json(res);
    assert.match(body.error.message, /proposer/);
  });

  it('lists the ledger routes in the OpenAPI document', async () => {
    const doc = await json(await fetch(`${svc.url}/api/v1/openapi.json`));
    assert.ok(doc.paths['/api/v1/ledger'].get);
    assert.ok(doc.paths['/api/v1/ledger'].post.requestBody);
  });
});
