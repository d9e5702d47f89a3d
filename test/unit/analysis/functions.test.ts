import { strict as assert } from 'node:assert';
import { frameWeights, functionIndex, functionWeights, rankHotFunctions } from '../../../src/core/profile/analysis/index';
import { profileOf } from './profiles';

describe('analysis: frame and function weights', () => {
  it('counts total once per stack under recursion, self per leaf', () => {
    const p = profileOf([
      ['main;fib;fib;fib', 5],
      ['main;fib', 3],
      ['main;other;fib', 2],
      ['main', 1],
    ]);
    const w = frameWeights(p);
    const idx = (name: string) => p.frames.findIndex((f) => f.name === name);
    assert.equal(w.self[idx('fib')], 10);
    assert.equal(w.total[idx('fib')], 10);
    assert.equal(w.total[idx('main')], 11);
    assert.equal(w.self[idx('main')], 1);
    assert.equal(w.total[idx('other')], 2);
    assert.equal(w.self[idx('other')], 0);
  });

  it('counts a function once per stack when recursion alternates (a→b→a)', () => {
    const p = profileOf([['a;b;a;b', 4], ['b;a', 1]]);
    const w = frameWeights(p);
    const a = p.frames.findIndex((f) => f.name === 'a');
    const b = p.frames.findIndex((f) => f.name === 'b');
    assert.equal(w.total[a], 5);
    assert.equal(w.total[b], 5);
    assert.equal(w.self[b], 4);
    assert.equal(w.self[a], 1);
  });

  it('groups frames of one function (same name, file, module) across lines and columns', () => {
    const p = profileOf([
      ['main@app.js:1;parse@lib.js:10', 3],
      ['main@app.js:1;parse@lib.js:14', 2],
      ['main@app.js:1;parse@other.js:10', 1],
      ['main@app.js:1;(anonymous)@lib.js:20;parse@lib.js:12', 4],
      ['main@app.js:1;(anonymous)@lib.js:30', 5],
    ]);
    const { functions, frameFunction } = functionIndex(p);
    const parseLib = functions.findIndex((f) => f.name === 'parse' && f.file === 'lib.js');
    assert.equal(Array.from(frameFunction).filter((id) => id === parseLib).length, 3);
    assert.equal(frameFunction[functions[parseLib].frame], parseLib);
    assert.equal(functions[parseLib].line, 10);
    // anonymous functions at different lines stay apart
    assert.equal(functions.filter((f) => f.name === '(anonymous)').length, 2);
    assert.equal(frameFunction.length, p.frames.length);
    const w = functionWeights(p);
    assert.equal(w.self[parseLib], 9);
    assert.equal(w.total[parseLib], 9);
  });

  it('counts a function once when two of its lines are on one stack', () => {
    const p = profileOf([['f@x.js:1;f@x.js:5;g', 7]]);
    const { functions } = functionIndex(p);
    const f = functions.findIndex((fn) => fn.name === 'f');
    assert.equal(functionWeights(p).total[f], 7);
  });

  it('ranks hot functions by self and by total with percents of the total weight', () => {
    const p = profileOf([
      ['main@a.js:1;work@a.js:5;hash@b.js:2', 6],
      ['main@a.js:1;work@a.js:5', 2],
      ['main@a.js:1;io@c.js:9', 2],
    ]);
    const bySelf = rankHotFunctions(p, { by: 'self', top: 2 });
    assert.deepEqual(
      bySelf.map((f) => [f.name, f.file, f.line, f.self, f.total, f.selfPercent, f.totalPercent]),
      [
        ['hash', 'b.js', 2, 6, 6, 60, 60],
        // equal self weight: the larger total wins the tie
        ['work', 'a.js', 5, 2, 8, 20, 80],
      ],
    );
    const byTotal = rankHotFunctions(p, { by: 'total' });
    assert.deepEqual(
      byTotal.map((f) => [f.name, f.total, f.totalPercent]),
      [
        ['main', 10, 100],
        ['work', 8, 80],
        ['hash', 6, 60],
        ['io', 2, 20],
      ],
    );
    // main has no self weight: left out of the self ranking
    assert.equal(rankHotFunctions(p, { by: 'self' }).some((f) => f.name === 'main'), false);
  });

  it('picks the same top functions in one pass as by sorting them all, ties included', () => {
    // 400 functions with few distinct weights, so ties on self and on total are common.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 8;
    const samples: [string, number][] = [];
    for (let i = 0; i < 3000; i++) samples.push([`main;f${next() % 40};g${next() % 400}`, 1 + (next() % 3)]);
    // Functions that differ only by file share a name: the name tie-break is not enough.
    samples.push(['main;dup@a.js', 2], ['main;dup@b.js', 2], ['main;zero', 0]);
    const p = profileOf(samples);
    for (const by of ['self', 'total'] as const) {
      const all = rankHotFunctions(p, { by, top: Infinity });
      assert.ok(all.length > 300, `${all.length} functions`);
      for (const top of [1, 2, 10, 63, 64, 65, 500]) {
        assert.deepEqual(rankHotFunctions(p, { by, top }).map((f) => f.id), all.slice(0, top).map((f) => f.id), `${by} top ${top}`);
      }
      assert.deepEqual(rankHotFunctions(p, { by, top: 0 }), []);
      assert.equal(all.some((f) => f.name === 'zero'), false);
    }
  });

  it('gives frames one function per key, and distinct keys distinct functions, over thousands of frames', () => {
    const samples: [string, number][] = [];
    // 3000 functions, each seen at two lines; anonymous ones at four places, two per line.
    for (let i = 0; i < 3000; i++) samples.push([`main;fn${i}@f${i % 7}.js:${i % 50};fn${i}@f${i % 7}.js:${100 + (i % 50)}`, 1]);
    for (let i = 0; i < 4; i++) samples.push([`main;(anonymous)@a.js:${i >> 1}:${i}`, 1]);
    const p = profileOf(samples);
    const { functions, frameFunction, keys } = functionIndex(p);
    assert.equal(functions.length, 1 + 3000 + 4);
    assert.equal(new Set(keys).size, keys.length);
    p.frames.forEach((frame, i) => {
      const fn = functions[frameFunction[i]];
      assert.equal(fn.name, frame.name);
      assert.equal(fn.file, frame.file);
      assert.equal(frameFunction[fn.frame], frameFunction[i]);
    });
    const fn7 = functions.find((f) => f.name === 'fn7')!;
    assert.equal(fn7.line, 7, 'the smallest line of its frames');
  });
});
