import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { ServiceLedger } from '../../../src/extension/ledger/serviceLedger';
import { ServiceClient, ServiceError } from '../../../src/extension/service/client';
import type { VerifiedFix } from '../../../src/core/ledger/schema';
import type { RunningService } from '../../../src/service/server';
import { startTestService } from '../service/support';

describe('ledger: the service as the ledger store (extension client)', () => {
  let svc: RunningService & { dataDir: string };
  const token = 'ledger-test-token';
  const entry: VerifiedFix = { kind: 'fix', id: 'fix:1', time: 1000, function: 'f', file: 'a.js', relativeChange: -0.2, ci: [-0.3, -0.1], verdict: 'faster', proposer: 'person', service: 'api', cpuShare: 0.5 };

  before(async () => {
    svc = await startTestService({ token, fleet: { api: { cores: 40, wattsPerCore: 200 } } });
  });
  after(async () => {
    await svc.close();
    fs.rmSync(svc.dataDir, { recursive: true, force: true });
  });

  it('appends once and lists entries with the fleet cores', async () => {
    const ledger = new ServiceLedger(new ServiceClient({ url: svc.url, token }));
    assert.equal(await ledger.append(entry), true);
    assert.equal(await ledger.append(entry), false);
    assert.deepEqual(await ledger.listWithFleet(), { entries: [entry], problems: [], fleet: { api: 40 } });
  });

  it('fails with one line naming the request and the service\'s reason', async () => {
    const ledger = new ServiceLedger(new ServiceClient({ url: svc.url, token: 'wrong-token' }));
    await assert.rejects(ledger.list(), (e: unknown) => e instanceof ServiceError && e.status === 401 && /^GET \/api\/v1\/ledger: HTTP 401: invalid token$/.test(e.message));
    const down = new ServiceLedger(new ServiceClient({ url: 'http://127.0.0.1:9' }));
    await assert.rejects(down.append(entry), (e: unknown) => e instanceof ServiceError && e.status === 0 && /cannot reach the Hotpath service/.test(e.message));
  });
});
