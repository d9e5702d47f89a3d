import { strict as assert } from 'node:assert';
import { diffFunctions, diffTree, lineCost, mergeProfiles, rankChanges, topChanges, type DiffTree } from '../../../src/core/profile/analysis/index';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { folded, profileOf } from './profiles';

/** `path before/after` for every diff-tree node, weights as totals. */
function diffRows(t: DiffTree): string[] {
  const rows: string[] = [];
  for (let node = 1; node < t.nodeCount; node++) {
    const names: string[] = [];
    for (let n = node; n > 0; n = t.nodeParent[n]) names.push(t.frames[t.nodeFrame[n]].name);
    rows.push(`${names.reverse().join(';')} ${t.beforeTotal[node]}/${t.afterTotal[node]} self ${t.beforeSelf[node]}/${t.afterSelf[node]}`);
  }
  return rows;
}

describe('analysis: merge', () => {
  it('adds equal stacks, sample counts, totals and line tables', () => {
    const a = new ProfileBuilder('cpu', 'samples');
    const main = a.frame({ name: 'main', file: 'm.js', line: 1 });
    a.appendSample([main, a.frame({ name: 'f', file: 'm.js', line: 5 })], 3, [2, 6]);
    const b = new ProfileBuilder('cpu', 'samples');
    b.appendSample([b.frame({ name: 'g' }), b.frame({ name: 'h' })], 1);
    b.appendSample([b.frame({ name: 'main', file: 'm.js', line: 1 }), b.frame({ name: 'f', file: 'm.js', line: 5 })], 2, [2, 7]);
    const merged = mergeProfiles([a.build(), b.build()]);
    assert.deepEqual(folded(merged), ['g;h 1', 'main;f 5']);
    assert.equal(merged.totalWeight, 6);
    assert.equal(merged.sampleCount, 3);
    assert.equal(merged.name, 'cpu');
    assert.equal(merged.frames.length, 4);
    assert.deepEqual(lineCost(merged, 'm.js').lines.map((l) => [l.line, l.self, l.total]), [
      [2, 0, 5],
      [6, 3, 3],
      [7, 2, 2],
    ]);
  });

  it('refuses profiles in different units', () => {
    assert.throws(() => mergeProfiles([profileOf([['a', 1]]), profileOf([['a', 1]], { unit: 'bytes' })]), /different units.*samples.*bytes/);
  });
});

describe('analysis: diff', () => {
  const before = profileOf([
    ['main@a.js:1;parse@p.js:3', 50],
    ['main@a.js:1;render@r.js:9', 40],
    ['main@a.js:1;old@o.js:2', 10],
  ]);
  // twice as many samples; parse moved to another line (same function)
  const after = profileOf([
    ['main@a.js:1;parse@p.js:4', 140],
    ['main@a.js:1;render@r.js:9', 40],
    ['main@a.js:1;fresh@n.js:1', 20],
  ]);

  it('compares each function\'s share of the total', () => {
    const diffs = diffFunctions(before, after);
    const parse = diffs.find((d) => d.name === 'parse')!;
    assert.deepEqual(parse.self, { before: 50, after: 140, beforePercent: 50, afterPercent: 70, delta: 20, relative: 0.4 });
    assert.equal(parse.line, 4);
    const render = diffs.find((d) => d.name === 'render')!;
    assert.deepEqual([render.self.beforePercent, render.self.afterPercent, render.self.delta, render.self.relative], [40, 20, -20, -0.5]);
    const fresh = diffs.find((d) => d.name === 'fresh')!;
    assert.deepEqual([fresh.self.beforePercent, fresh.self.afterPercent, fresh.self.relative], [0, 10, null]);
    const old = diffs.find((d) => d.name === 'old')!;
    assert.deepEqual([old.total.before, old.total.after, old.total.delta, old.total.relative], [10, 0, -10, -1]);
    const main = diffs.find((d) => d.name === 'main')!;
    assert.equal(main.total.delta, 0);
  });

  it('ranks the largest changes by absolute delta, unchanged functions left out', () => {
    const ranked = rankChanges(diffFunctions(before, after), { by: 'total', top: 3 });
    assert.deepEqual(ranked.map((d) => [d.name, d.total.delta]), [
      ['parse', 20],
      ['render', -20],
      ['fresh', 10],
    ]);
    assert.equal(rankChanges(diffFunctions(before, after), { by: 'total' }).some((d) => d.name === 'main'), false);
  });

  it('picks the same top changes as ranking every row, ties and one-sided functions included', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8;
    const sample = (n: number, names: number, files: boolean): [string, number][] =>
      Array.from({ length: n }, () => [`main;f${next() % 30}${files ? `@m${next() % 3}.js:${1 + (next() % 9)}` : ''};g${next() % names}`, 1 + (next() % 2)]);
    // Different function sets on each side (g300… only after, some g only before), few
    // distinct weights so that deltas tie.
    const b = profileOf([...sample(2000, 300, false), ['main;gone', 3], ['main;dup@a.js:1', 2], ['main;dup@b.js:1', 2]]);
    const a = profileOf([...sample(2500, 360, false), ['main;dup@a.js:5', 4], ['main;fresh', 1]]);
    const b2 = profileOf(sample(1500, 200, true));
    const a2 = profileOf(sample(1500, 220, true));
    for (const [before, after] of [[b, a], [b2, a2], [a, b]]) {
      for (const by of ['self', 'total'] as const) {
        const all = rankChanges(diffFunctions(before, after), { by, top: Infinity });
        assert.ok(all.length > 150, `${all.length} changes`);
        for (const top of [1, 5, 20, 64, 65, 1000]) assert.deepEqual(topChanges(before, after, { by, top }), all.slice(0, top), `${by} top ${top}`);
        assert.deepEqual(topChanges(before, after, { by, top: 0 }), []);
      }
    }
    const gone = topChanges(b, a, { by: 'self', top: 1000 }).find((d) => d.name === 'gone')!;
    assert.equal(gone.self.after, 0);
    assert.equal(gone.self.before, 3);
    const dup = topChanges(b, a, { by: 'self', top: 1000 }).find((d) => d.name === 'dup' && d.file === 'a.js')!;
    assert.equal(dup.line, 5, "the after profile's line");
  });

  it('builds a diff tree: after paths first, before-only paths with after weight 0', () => {
    assert.deepEqual(diffRows(diffTree(before, after)), [
      'main 100/200 self 0/0',
      'main;parse 50/140 self 50/140',
      'main;render 40/40 self 40/40',
      'main;fresh 0/20 self 0/20',
      'main;old 10/0 self 10/0',
    ]);
    const t = diffTree(before, after);
    assert.equal(t.beforeTotalWeight, 100);
    assert.equal(t.afterTotalWeight, 200);
    assert.equal(t.beforeTotal[0], 100);
    assert.equal(t.afterTotal[0], 200);
  });

  it('refuses to compare different units', () => {
    assert.throws(() => diffFunctions(before, profileOf([['a', 1]], { unit: 'bytes' })), /different units/);
  });
});
