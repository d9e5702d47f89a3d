import assert from 'node:assert/strict';
import { detectChangePoints, type ChangePoint } from '../../../src/core/regression/changepoints';
import { deseasonalize, outlierDriven, seasonalPeriods, wentAway } from '../../../src/core/regression/filters';
import { findRegressions, groupRegressions } from '../../../src/core/regression/regressions';
import { excludingRuntime, functionSeries, type WindowAggregate } from '../../../src/core/regression/series';
import { noiseSource, seededRandom } from './generators';

const hour = 3_600_000;

/** Windows built from per-function (inclusive, self) share functions of the window index. */
function windows(
  count: number,
  seed: number,
  shares: Record<string, (i: number) => [inclusive: number, self: number]>,
  callers: Record<string, string[]>,
  noiseSd = 0.002,
): WindowAggregate[] {
  const noise = noiseSource('gaussian', seededRandom(seed));
  return Array.from({ length: count }, (_, i) => {
    const inclusive = new Map<string, number>();
    const self = new Map<string, number>();
    for (const [fn, share] of Object.entries(shares)) {
      const [inc, own] = share(i);
      const n = noise() * noiseSd;
      // The same sampling noise moves a function's self and inclusive shares together.
      inclusive.set(fn, inc + n);
      self.set(fn, own + n);
    }
    return { time: i * hour, inclusive, self, callers: new Map(Object.entries(callers)) };
  });
}

describe('functionSeries', () => {
  it('orders windows by time, fills absent functions with 0 and merges callers', () => {
    const set = functionSeries([
      { time: 2, inclusive: new Map([['a', 0.5]]), self: new Map([['a', 0.1]]), callers: new Map([['a', ['main']]]) },
      { time: 1, inclusive: new Map([['b', 0.2]]), self: new Map([['b', 0.2]]), callers: new Map([['b', ['a', 'b']]]) },
    ]);
    assert.deepEqual(set.times, [1, 2]);
    assert.deepEqual(set.functions.get('a')?.inclusive, [0, 0.5]);
    assert.deepEqual(set.functions.get('b')?.self, [0.2, 0]);
    assert.deepEqual([...set.callers.get('b')!], ['a']);
    assert.deepEqual([...set.callers.get('a')!], ['main']);
  });

  it('drops functions that never reach the minimum share', () => {
    const set = functionSeries([{ time: 0, inclusive: new Map([['big', 0.3], ['tiny', 0.001]]), self: new Map() }], { minPeakShare: 0.01 });
    assert.deepEqual([...set.functions.keys()], ['big']);
  });
});

describe('regression filters', () => {
  it('marks a level that went back as went-away', () => {
    const set = functionSeries(windows(160, 1, { f: (i) => (i >= 60 && i < 100 ? [0.13, 0.13] : [0.1, 0.1]) }, {}));
    const regs = findRegressions(set);
    assert.equal(regs.length, 1);
    assert.equal(regs[0].filtered?.reason, 'went-away');
    assert.match(regs[0].filtered!.evidence, /and back to 0\.1/);
    assert.deepEqual(groupRegressions(regs, set.callers), []);
  });

  it('keeps a step that stays, and reports it with its time', () => {
    const set = functionSeries(windows(160, 2, { f: (i) => (i >= 60 ? [0.13, 0.13] : [0.1, 0.1]) }, {}));
    const regs = findRegressions(set);
    assert.equal(regs.length, 1);
    assert.equal(regs[0].filtered, undefined);
    assert.ok(Math.abs(regs[0].changePoint.index - 60) <= 2);
    assert.equal(regs[0].time, regs[0].changePoint.index * hour);
  });

  it('does not call a partial return "went away"', () => {
    const cps = [
      { index: 50, before: 100, after: 110, absoluteChange: 10 },
      { index: 80, before: 110, after: 107, absoluteChange: -3 },
    ] as ChangePoint[];
    assert.equal(wentAway(cps, 0), undefined);
    assert.equal(wentAway([cps[0], { ...cps[1], after: 103, absoluteChange: -7 }], 0)?.reason, 'went-away');
  });

  it('recognizes a cost shift from caller to callee', () => {
    // Work moved from a's own code into b: b rises, a's self falls, a's inclusive stays.
    const set = functionSeries(
      windows(140, 3, { a: (i) => [0.15, i >= 70 ? 0.07 : 0.1], b: (i) => (i >= 70 ? [0.08, 0.08] : [0.05, 0.05]) }, { b: ['a'] }),
    );
    const regs = findRegressions(set);
    const b = regs.find((r) => r.function === 'b');
    assert.equal(b?.filtered?.reason, 'cost-shift');
    assert.match(b!.filtered!.evidence, /a's self share fell/);
    assert.equal(regs.filter((r) => !r.filtered).length, 0);
  });

  it('recognizes a cost shift whose refactor also made the caller cheaper', () => {
    // b rises by 3 pp, a's self falls by 7 pp: a's inclusive falls by 4 pp, more than half of b's rise.
    const set = functionSeries(
      windows(140, 3, { a: (i) => (i >= 70 ? [0.11, 0.03] : [0.15, 0.1]), b: (i) => (i >= 70 ? [0.08, 0.08] : [0.05, 0.05]) }, { b: ['a'] }),
    );
    const b = findRegressions(set).find((r) => r.function === 'b');
    assert.equal(b?.filtered?.reason, 'cost-shift');
  });

  it('keeps a callee regression whose cost reaches the caller', () => {
    const set = functionSeries(
      windows(140, 4, { a: (i) => [i >= 70 ? 0.18 : 0.15, 0.1], b: (i) => (i >= 70 ? [0.08, 0.08] : [0.05, 0.05]) }, { b: ['a'] }),
    );
    const live = findRegressions(set).filter((r) => !r.filtered);
    assert.deepEqual(live.map((r) => r.function).sort(), ['a', 'b']);
  });

  it('derives daily and weekly periods from the window times', () => {
    const times = Array.from({ length: 24 * 30 }, (_, i) => i * hour);
    assert.deepEqual(seasonalPeriods(times), [24, 168]);
    assert.deepEqual(seasonalPeriods(times.slice(0, 100)), [24]);
  });

  it('does not report a daily pattern, but does report a step on top of it', () => {
    const daily = (i: number) => 0.1 + 0.02 * Math.sin((2 * Math.PI * i) / 24);
    const plain = functionSeries(windows(24 * 14, 5, { f: (i) => [daily(i), daily(i)] }, {}));
    const regs = findRegressions(plain);
    assert.ok(regs.length > 0, 'the daily rise should produce change points for the filter to judge');
    assert.deepEqual(
      regs.filter((r) => !r.filtered),
      [],
    );
    assert.ok(regs.every((r) => r.filtered?.reason === 'seasonal'));

    const withStep = functionSeries(windows(24 * 14, 6, { f: (i) => [daily(i) + (i >= 24 * 10 + 3 ? 0.015 : 0), daily(i)] }, {}));
    const live = findRegressions(withStep).filter((r) => !r.filtered);
    assert.equal(live.length, 1, JSON.stringify(live.map((r) => r.changePoint.index)));
    assert.ok(Math.abs(live[0].changePoint.index - (24 * 10 + 3)) <= 2);
    assert.deepEqual(
      live[0].seasonal?.map((s) => s.period),
      [24],
    );
    assert.ok(Math.abs(live[0].changePoint.absoluteChange - 0.015) < 0.002);
  });

  it('leaves a series without a cycle alone, steps included', () => {
    const noise = noiseSource('gaussian', seededRandom(12));
    const values = Array.from({ length: 24 * 10 }, (_, i) => 5 + noise() + (i >= 100 ? 2 : 0));
    assert.deepEqual(deseasonalize(values, [24, 168]), { values, patterns: [] });
  });

  it('flags a change carried by outliers', () => {
    const noise = noiseSource('gaussian', seededRandom(7));
    const values = Array.from({ length: 80 }, (_, i) => 10 + noise() * 0.1 + (i === 60 || i === 65 ? 8 : 0));
    const cp = { index: 55, beforeCount: 55, afterCount: 25 } as ChangePoint;
    const verdict = outlierDriven(values, cp, { pValue: 0.001, test: 't-test' });
    assert.equal(verdict?.reason, 'outlier');
    assert.match(verdict!.evidence, /without 2 outlier points/);
    const stepped = values.map((v, i) => (i >= 55 ? v + 1 : v));
    assert.equal(outlierDriven(stepped, cp, { pValue: 0.001, test: 't-test' }), undefined);
  });

  it('never turns a lone outlier into a change point', () => {
    const noise = noiseSource('gaussian', seededRandom(8));
    const values = Array.from({ length: 120 }, (_, i) => 10 + noise() + (i === 70 ? 30 : 0));
    assert.deepEqual(detectChangePoints(values), []);
    assert.deepEqual(detectChangePoints(values, { test: 't-test' }), []);
  });
});

describe('groupRegressions', () => {
  it('groups a callee regression with its callers and names the callee', () => {
    // c got slower; b and a (its callers) rise with it; d changes at the same time, unrelated.
    const set = functionSeries(
      windows(
        140,
        9,
        {
          a: (i) => [i >= 80 ? 0.33 : 0.3, 0.05],
          b: (i) => [i >= 80 ? 0.23 : 0.2, 0.05],
          c: (i) => (i >= 80 ? [0.13, 0.13] : [0.1, 0.1]),
          d: (i) => (i >= 80 ? [0.06, 0.06] : [0.04, 0.04]),
        },
        { b: ['a'], c: ['b'] },
      ),
    );
    const groups = groupRegressions(findRegressions(set), set.callers);
    assert.equal(groups.length, 2);
    const main = groups.find((g) => g.members.length === 3)!;
    assert.equal(main.headline.function, 'c');
    assert.deepEqual(main.members.map((m) => m.function).sort(), ['a', 'b', 'c']);
    assert.ok(Math.abs(main.index - 80) <= 2);
    assert.equal(groups.find((g) => g !== main)?.headline.function, 'd');
  });

  it('does not group related functions whose changes are far apart', () => {
    const set = functionSeries(
      windows(160, 10, { a: (i) => [i >= 40 ? 0.33 : 0.3, 0.3], b: (i) => (i >= 110 ? [0.13, 0.13] : [0.1, 0.1]) }, { b: ['a'] }),
    );
    assert.equal(groupRegressions(findRegressions(set), set.callers).length, 2);
  });
});

describe('excludingRuntime', () => {
  it('re-expresses a share of all samples as a share of the non-runtime samples', () => {
    assert.equal(excludingRuntime(0.2, 0.2), 0.25);
    assert.equal(excludingRuntime(0.3, 0), 0.3);
    assert.equal(excludingRuntime(0, 1), 0);
  });
});
