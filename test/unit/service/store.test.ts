import * as assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import * as path from 'node:path';
import { MIGRATIONS, SCHEMA_VERSION, SqliteProfileStore } from '../../../src/service/store/sqlite';
import type { NewProfile } from '../../../src/service/store/store';
import { tempDir } from './support';

function profile(service: string, time: number, shares: Record<string, number>): NewProfile {
  const functions = Object.entries(shares).map(([name, inclusive]) => ({ name, file: 'app.js', line: 1, endLine: 1, inclusive, self: inclusive / 2 }));
  return {
    meta: { service, time, labels: {}, source: 'api' },
    format: 'collapsed',
    rawGzip: new Uint8Array([0x1f, 0x8b]),
    rawSize: 2,
    windows: [{ type: 'cpu', unit: 'samples', totalWeight: 100, sampleCount: 100, functions, edges: functions.length > 1 ? [[0, 1]] : [] }],
  };
}

describe('service: SQLite store', () => {
  it('uses WAL and migrates an older data directory forward, keeping its data', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'hotpath.db'));
    db.exec(MIGRATIONS[0]);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO functions(name, file, line) VALUES ('old', 'a.js', 7)").run();
    db.close();

    const store = new SqliteProfileStore(dir);
    try {
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      const check = new Database(path.join(dir, 'hotpath.db'), { readonly: true });
      assert.equal(check.pragma('journal_mode', { simple: true }), 'wal');
      assert.deepEqual(check.prepare("SELECT name, line, end_line FROM functions").all(), [{ name: 'old', line: 7, end_line: 0 }]);
      check.close();
    } finally {
      store.close();
    }
  });

  it('refuses a database written by a newer version', () => {
    const dir = tempDir();
    const db = new Database(path.join(dir, 'hotpath.db'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => new SqliteProfileStore(dir), /schema is version \d+, newer than this hotpath/);
  });

  it('reads series with zeros where a function was not sampled, and the call edges', () => {
    const store = new SqliteProfileStore(':memory:');
    try {
      store.addProfile(profile('s', 1000, { main: 1, hot: 0.5 }));
      store.addProfile(profile('s', 2000, { main: 1 }));
      store.addProfile(profile('s', 3000, { main: 1, hot: 0.25 }));
      assert.deepEqual(store.functionSeries('s', 'cpu', { name: 'hot', file: 'app.js' }).map((p) => [p.time, p.inclusive, p.self]), [
        [1000, 0.5, 0.25],
        [2000, 0, 0],
        [3000, 0.25, 0.125],
      ]);
      assert.deepEqual(store.listCallEdges('s', 'cpu'), [{ caller: { name: 'main', file: 'app.js' }, callee: { name: 'hot', file: 'app.js' } }]);
      assert.deepEqual(store.listFunctions('s', 'cpu', 0.4, 10).map((f) => [f.name, f.maxInclusive]), [['main', 1], ['hot', 0.5]]);
      assert.equal(store.countProfiles('s'), 3);
      assert.equal(store.countProfiles('other'), 0);
    } finally {
      store.close();
    }
  });

  it('keeps the first time each status was reached', () => {
    const store = new SqliteProfileStore(':memory:');
    try {
      const r = store.addRegression({ service: 's', type: 'cpu', function: { name: 'f', file: '', line: 0 }, changeTime: 10, detectedAt: 20, evidence: {} });
      store.setRegressionStatus(r.id, 'acknowledged', 30);
      store.setRegressionStatus(r.id, 'open', 35);
      store.setRegressionStatus(r.id, 'acknowledged', 40, 'again');
      const after = store.setRegressionStatus(r.id, 'fixed', 50)!;
      assert.deepEqual([after.status, after.acknowledgedAt, after.fixedAt, after.falsePositiveAt, after.note], ['fixed', 30, 50, null, 'again']);
      assert.deepEqual(store.listRegressions({ status: 'fixed' }).map((x) => x.id), [r.id]);
      assert.deepEqual(store.listRegressions({ status: 'open' }), []);
      assert.equal(store.setRegressionStatus(999, 'fixed', 1), undefined);
    } finally {
      store.close();
    }
  });
});
