import { strict as assert } from 'node:assert';
import { callersAndCallees, findFunctions, functionIndex, heaviestPaths, parseFramePattern, sandwich } from '../../../src/core/profile/analysis/index';
import type { Profile } from '../../../src/core/profile/model';
import { folded, profileOf } from './profiles';

function names(p: Profile, ids: number[]): string[] {
  const { functions } = functionIndex(p);
  return ids.map((id) => (id < 0 ? '(root)' : functions[id].name));
}

describe('analysis: call paths, callers and callees', () => {
  const p = profileOf([
    ['main;route;handle;parse', 5],
    ['main;route;handle;parse;parse', 2],
    ['main;cron;parse', 3],
    ['main;route;render', 4],
    ['worker;parse', 1],
    ['main;route;handle', 1],
  ]);
  const parse = findFunctions(p, parseFramePattern('parse'))[0];

  it('finds functions by pattern, heaviest total first', () => {
    assert.deepEqual(names(p, findFunctions(p, parseFramePattern('/^(parse|render)$/'))), ['parse', 'render']);
    assert.deepEqual(findFunctions(p, parseFramePattern('nothing')), []);
  });

  it('ranks the distinct root-to-function paths; weights add up to the total', () => {
    const paths = heaviestPaths(p, parse, 10);
    assert.deepEqual(
      paths.map((x) => [names(p, x.path).join(';'), x.weight, x.percent]),
      [
        ['main;route;handle;parse', 7, 43.75],
        ['main;cron;parse', 3, 18.75],
        ['worker;parse', 1, 6.25],
      ],
    );
    assert.equal(heaviestPaths(p, parse, 1).length, 1);
  });

  it('gives callers and callees with weights, recursion counted once per stack', () => {
    const n = callersAndCallees(p, parse);
    assert.equal(n.self, 11);
    assert.equal(n.total, 11);
    assert.deepEqual(
      n.callers.map((c) => [names(p, [c.id])[0], c.weight]),
      [
        ['handle', 7],
        ['cron', 3],
        ['parse', 2],
        ['worker', 1],
      ],
    );
    assert.deepEqual(n.callees.map((c) => [names(p, [c.id])[0], c.weight, c.percent]), [['parse', 2, 12.5]]);

    const route = findFunctions(p, parseFramePattern('route'))[0];
    const r = callersAndCallees(p, route);
    assert.deepEqual(r.callers.map((c) => [names(p, [c.id])[0], c.weight]), [['main', 12]]);
    assert.deepEqual(r.callees.map((c) => [names(p, [c.id])[0], c.weight]), [['handle', 8], ['render', 4]]);
  });

  it('reports the root as caller of a root frame and counts a mutual recursion edge once', () => {
    const q = profileOf([['a;b;a;b', 4], ['a', 1]]);
    const a = findFunctions(q, parseFramePattern('a'))[0];
    const b = findFunctions(q, parseFramePattern('b'))[0];
    const na = callersAndCallees(q, a);
    assert.deepEqual(na.callers.map((c) => [c.id, c.weight]), [[-1, 5], [b, 4]]);
    assert.deepEqual(na.callees.map((c) => [c.id, c.weight]), [[b, 4]]);
  });
});

describe('analysis: sandwich trees', () => {
  it('merges the function\'s callees and inverts its callers, outermost call counted once', () => {
    const p = profileOf([
      ['main;route;parse@p.js:3;scan', 4],
      ['main;route;parse@p.js:7', 2],
      ['main;cron;parse@p.js:3;parse@p.js:3;scan', 3],
      ['main;render', 5],
    ]);
    const parse = findFunctions(p, parseFramePattern('parse'))[0];
    const { callers, callees } = sandwich(p, parse);
    assert.deepEqual(folded(callees), ['parse 2', 'parse;parse;scan 3', 'parse;scan 4']);
    assert.equal(callees.totalWeight, 9);
    assert.equal(callees.nodeTotal[0], 9);
    assert.deepEqual(folded(callers), ['parse;cron;main 3', 'parse;route;main 6']);
    assert.equal(callers.nodeTotal[0], 9);
    assert.equal(callers.name, 'parse (callers)');
    assert.equal(callers.sampleCount, 3);
  });
});
