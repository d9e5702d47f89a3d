import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegressionDetection, defaultDetectionOptions, type FilteredChange, type WentAway } from '../../../src/service/detection';
import { GitRepository } from '../../../src/service/git';
import { SqliteProfileStore } from '../../../src/service/store/sqlite';
import type { NewRegression } from '../../../src/service/store/store';
import { seeded, tempDir } from './support';

/** Feeds windows of `hot` at the given shares (plus noise) through the store and the detector. */
function run(
  shares: number[],
  order: number[] = shares.map((_, i) => i),
  wentAway: WentAway[] = [],
  totals: number[] = shares.map(() => 1000),
  inspect: (detection: RegressionDetection) => void = () => undefined,
  /** The work beside hot in window i (default: one function, rest, holding the other 90%). */
  others: (i: number, hot: number) => { name: string; share: number }[] = (_, hot) => [{ name: 'rest', share: 0.9 - hot }],
  options = defaultDetectionOptions,
): NewRegression[] {
  const store = new SqliteProfileStore(':memory:');
  const detection = new RegressionDetection(store, options);
  const random = seeded(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const noisy = shares.map((s) => s + 0.004 * gauss());
  const found: NewRegression[] = [];
  try {
    for (const i of order) {
      // hot's rise displaces unrelated work (rest), not its caller's own time: no cost shift.
      const functions = [
        { name: 'main', file: 'a.js', line: 1, endLine: 1, inclusive: 1, self: 0.1 },
        { name: 'hot', file: 'a.js', line: 5, endLine: 9, inclusive: noisy[i], self: noisy[i] },
        ...others(i, noisy[i]).map((o, k) => ({ name: o.name, file: 'b.js', line: 1 + k * 10, endLine: 1 + k * 10, inclusive: o.share, self: o.share })),
      ];
      const edges = functions.slice(1).map((_, k): [number, number] => [0, k + 1]);
      const window = { type: 'cpu', unit: 'samples', totalWeight: totals[i], sampleCount: totals[i], functions, edges };
      const time = 1_000_000 + i * 60_000;
      const { windowIds } = store.addProfile({ meta: { service: 's', time, labels: {}, source: 'api' }, format: 'collapsed', rawGzip: new Uint8Array(), rawSize: 0, windows: [window] });
      for (const r of detection.onWindow({ service: 's', type: 'cpu', windowId: windowIds[0], time, commit: null, totalWeight: window.totalWeight, functions, edges: window.edges })) {
        found.push(r);
        store.addRegression(r);
      }
      wentAway.push(...detection.takeWentAway());
    }
    inspect(detection);
  } finally {
    store.close();
  }
  return found;
}

const level = (n: number, v: number) => Array<number>(n).fill(v);

describe('service: incremental detection', () => {
  it('reports a lasting step once, on the function that rose', () => {
    const found = run([...level(40, 0.2), ...level(30, 0.23)]);
    assert.equal(found.length, 1);
    assert.equal(found[0].function.name, 'hot');
    assert.ok(Math.abs((found[0].evidence.changePoint as { index: number }).index - 40) <= 2);
  });

  it('files a share that rose only because the rest got cheaper as such, not as a regression', () => {
    // hot keeps 200 samples per window and other 400 while fast falls from 300 to 100: hot's share goes 0.2 → 0.25 and other's with it.
    const totals = [...level(40, 1000), ...level(40, 800)];
    const shares = totals.map((t) => 200 / t);
    const others = (i: number, hot: number) => {
      const fast = (i < 40 ? 300 : 100) / totals[i];
      return [
        { name: 'fast', share: fast },
        { name: 'other', share: 0.9 - hot - fast },
      ];
    };
    let filtered: FilteredChange[] = [];
    assert.deepEqual(run(shares, undefined, [], totals, (d) => (filtered = d.filteredChanges('s').filter((f) => f.function.startsWith('hot'))), others), []);
    assert.equal(filtered[0]?.reason, 'rest-got-cheaper');
    assert.match(filtered[0].evidence, /share rose by \+2\d\.\d% because the rest got cheaper: .*other .*\+[23]\d\.\d%.*while fast .*fell -[56]\d\.\d%; total weight per window -20\.0%/);
    // The same share rise with the rest falling alike is hot's own doing, even when the whole
    // machine got faster at the same time (the total fell, hot's weight barely moved).
    assert.equal(run(shares).length, 1);
    assert.equal(run(shares, undefined, [], totals).length, 1);
  });

  it('reports a small rise only when its confidence interval clears the absolute floor', () => {
    // A 0.5-point step under noise of 0.4 points: the mean clears a 0.4-point floor, the interval does not.
    const shares = [...level(40, 0.2), ...level(30, 0.205)];
    let filtered: FilteredChange[] = [];
    const strict = { ...defaultDetectionOptions, minAbsoluteChange: 0.004 };
    assert.deepEqual(run(shares, undefined, [], undefined, (d) => (filtered = d.filteredChanges('s')), undefined, strict), []);
    assert.equal(filtered.length, 1, JSON.stringify(filtered));
    assert.equal(filtered[0].reason, 'below-floor');
    assert.match(filtered[0].evidence, /^rose by 0\.[4-6]\d pp \(95% CI 0\.[1-3]\d pp … 0\.[6-9]\d pp\), not surely above the 0\.40 pp floor$/);
    const found = run(shares, undefined, [], undefined, undefined, undefined, { ...defaultDetectionOptions, minAbsoluteChange: 0.002 });
    assert.equal(found.length, 1, 'the same step clears a 0.2-point floor with confidence');
    assert.equal(found[0].function.name, 'hot');
  });

  it('stays quiet on noise and on a spike that goes away before it is confirmed', () => {
    assert.deepEqual(run(level(120, 0.2)), []);
    assert.deepEqual(run([...level(40, 0.2), ...level(5, 0.26), ...level(40, 0.2)]), []);
  });

  it('says when a reported rise later goes away by itself, once', () => {
    const gone: WentAway[] = [];
    const found = run([...level(40, 0.2), ...level(25, 0.24), ...level(40, 0.2)], undefined, gone);
    assert.equal(found.length, 1, 'the rise lasted long enough to be reported');
    assert.equal(gone.length, 1);
    assert.equal(gone[0].name, 'hot');
    assert.ok(Math.abs(gone[0].index - (found[0].evidence.changePoint as { index: number }).index) <= 2);
    assert.match(gone[0].evidence, /and back to/);
    const lasting: WentAway[] = [];
    run([...level(40, 0.2), ...level(60, 0.24)], undefined, lasting);
    assert.deepEqual(lasting, []);
  });

  it('rebuilds a series when a late window lands in its past', () => {
    const shares = [...level(40, 0.2), ...level(30, 0.23)];
    const order = shares.map((_, i) => i);
    // Window 20 arrives last.
    order.splice(20, 1);
    order.push(20);
    const found = run(shares, order);
    assert.equal(found.length, 1);
    assert.equal(found[0].function.name, 'hot');
  });
});

describe('service: git adapter', () => {
  it('reads commits between two revisions with the lines each touched', async () => {
    const dir = tempDir('hotpath-git-');
    const env = { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@x', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@x' };
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, 'a.js'), 'one\ntwo\nthree\nfour\n');
    fs.writeFileSync(path.join(dir, 'gone.js'), 'x\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    const base = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(dir, 'a.js'), 'one\nTWO\nthree\nfour\nfive\n');
    git('commit', '-q', '-am', 'edit a');
    fs.rmSync(path.join(dir, 'gone.js'));
    fs.writeFileSync(path.join(dir, 'new file.js'), 'n\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'delete and add');
    const head = git('rev-parse', 'HEAD');

    const commits = await new GitRepository(dir).commitsBetween(base, head);
    assert.deepEqual(commits.map((c) => [c.subject, c.author]), [['edit a', 'A'], ['delete and add', 'A']]);
    assert.equal(commits[1].sha, head);
    assert.deepEqual(commits[0].files, [{ path: 'a.js', ranges: [{ start: 2, end: 2 }, { start: 5, end: 5 }] }]);
    assert.deepEqual(commits[1].files.map((f) => f.path).sort(), ['gone.js', 'new file.js']);
    await assert.rejects(new GitRepository(dir).commitsBetween(base, 'no-such-ref'), /git log in .* failed: fatal: /);
  });
});
