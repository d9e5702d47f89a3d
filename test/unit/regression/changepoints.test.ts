import assert from 'node:assert/strict';
import { bestEnergySplit, ChangePointDetector, detectChangePoints, withTimes, type SignificanceTest } from '../../../src/core/regression/changepoints';
import { erfc, mannWhitneyPValue, momentsOf, studentTest, studentTwoSidedP } from '../../../src/core/regression/stats';
import { stepSeries } from './generators';

const tests: SignificanceTest[] = ['auto', 'mann-whitney', 't-test'];

describe('regression statistics', () => {
  it('matches reference values of the t and normal distributions', () => {
    // R: 2 * pt(-2, 10) = 0.07338803; 2 * pt(-3, 5) = 0.03009925; erfc(1) = 0.1572992
    assert.ok(Math.abs(studentTwoSidedP(2, 10) - 0.07338803) < 1e-7);
    assert.ok(Math.abs(studentTwoSidedP(3, 5) - 0.03009925) < 1e-7);
    assert.ok(Math.abs(erfc(1) - 0.1572992) < 1e-6);
  });

  it('computes the Mann–Whitney p-value with ties', () => {
    // U = 0 against mean 12.5, sd √(25·11/12) = 4.787: z = (12.5 − 0.5) / 4.787 = 2.507, p = 0.01219
    assert.ok(Math.abs(mannWhitneyPValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 5, 10) - 0.01219) < 1e-4);
    // Ranks 1.5 1.5 4 4 | 4 6.5 6.5 8: U = 15 against 8; tie-corrected variance 11.143: z = 1.947, p = 0.0515
    assert.ok(Math.abs(mannWhitneyPValue([1, 1, 2, 2, 2, 3, 3, 4], 0, 4, 8) - 0.0515) < 1e-3);
    assert.equal(mannWhitneyPValue([3, 3, 3, 3], 0, 2, 4), 1);
  });

  it("gives Student's t confidence interval of the difference", () => {
    // Pooled SD √10, se = 2, t = 2.5 on 8 df (p = 0.03694), CI 5 ± 2.306·2
    const r = studentTest(momentsOf([1, 3, 5, 7, 9]), momentsOf([6, 8, 10, 12, 14]));
    assert.equal(r.difference, 5);
    assert.ok(Math.abs(r.pValue - 0.03694) < 1e-4);
    assert.ok(Math.abs(r.ci95[0] - 0.388) < 1e-3 && Math.abs(r.ci95[1] - 9.612) < 1e-3, String(r.ci95));
  });
});

describe('detectChangePoints', () => {
  it('places the energy split exactly on a noiseless step', () => {
    const values = [...Array(20).fill(1), ...Array(30).fill(3)];
    assert.equal(bestEnergySplit(values, 0, values.length, 5), 20);
  });

  for (const test of tests) {
    it(`finds a clear step at the right index (${test})`, () => {
      for (let seed = 1; seed <= 10; seed++) {
        const { values } = stepSeries({ seed, length: 300, changeAt: 180, step: 3 });
        // Unrelated noise change points far away are the false-positive tests' business.
        const cps = detectChangePoints(values, { test }).filter((c) => Math.abs(c.index - 180) <= 20);
        assert.equal(cps.length, 1, `seed ${seed}: ${cps.map((c) => c.index)}`);
        const cp = cps[0];
        assert.ok(Math.abs(cp.index - 180) <= 2, `seed ${seed}: index ${cp.index}`);
        assert.ok(cp.pValue < 1e-6);
        assert.ok(cp.ci95[0] < 3 && 3 < cp.ci95[1], `CI ${cp.ci95} should contain the true step`);
        assert.ok(Math.abs(cp.relativeChange! - (cp.after - cp.before) / cp.before) < 1e-12);
        assert.ok(cp.beforeCount > 0 && cp.afterCount > 0 && cp.afterCount <= 200);
      }
    });
  }

  it('reports a step down as well as up, and several steps', () => {
    const up = stepSeries({ seed: 3, length: 200, changeAt: 100, step: 4 }).values;
    const values = up.map((v, i) => (i >= 150 ? v - 8 : v));
    const cps = detectChangePoints(values);
    assert.deepEqual(
      cps.map((c) => Math.sign(c.absoluteChange)),
      [1, -1],
    );
    assert.ok(Math.abs(cps[0].index - 100) <= 2 && Math.abs(cps[1].index - 150) <= 2, String(cps.map((c) => c.index)));
  });

  for (const noise of ['gaussian', 'heavy-tailed'] as const) {
    it(`keeps false positives under 1.5 per 1000 points of pure ${noise} noise at the default p`, () => {
      let found = 0;
      for (let seed = 0; seed < 20; seed++) found += detectChangePoints(stepSeries({ seed: 500 + seed, length: 500, changeAt: 0, step: 0, noise }).values).length;
      assert.ok(found <= 15, `${found} change points in 10 000 points of noise`);
    });
  }

  it('localizes 1-SD steps within ±2 points in most series (the band estimate, t-test)', () => {
    // The single most likely split manages about two thirds on these; the ±2 band about three quarters.
    let found = 0;
    let localized = 0;
    for (let seed = 1; seed <= 120; seed++) {
      const near = detectChangePoints(stepSeries({ seed, length: 200, changeAt: 100, step: 1 }).values, { test: 't-test' }).filter((c) => Math.abs(c.index - 100) <= 10);
      if (near.length === 0) continue;
      found++;
      if (near.some((c) => Math.abs(c.index - 100) <= 2)) localized++;
    }
    assert.ok(found >= 100, `found ${found}`);
    assert.ok(localized / found >= 0.7, `localized ${localized} of ${found}`);
  });

  it('keeps a step at the edge of what it can test there, not pulled inwards', () => {
    // 8 points after a 3-SD step: fewer than minSegment (10), so the split can sit at n − 10 at best.
    let atEdge = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const cps = detectChangePoints(stepSeries({ seed, length: 44, changeAt: 36, step: 3 }).values);
      if (cps.length === 1 && cps[0].index === 34) atEdge++;
    }
    assert.ok(atEdge >= 18, `${atEdge} of 20 at index 34`);
  });

  it('follows a large step at the end as points arrive instead of settling early (ranks test, energy locates)', () => {
    // Ranks alone let noise among the points before a fresh 13-SD step pull the split several
    // points early and hold it there (8 of 40 series); the energy split moves with the edge.
    let early = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const detector = new ChangePointDetector({ test: 'mann-whitney' });
      let wrong = false;
      stepSeries({ seed, length: 60, changeAt: 39, step: 13 }).values.forEach((v, i) => {
        detector.append(v);
        // With fewer than minSegment (10) points after the step, the split can sit at n − 10 at best.
        if (detector.changePoints().some((c) => c.index < Math.min(39, i + 1 - 10) - 2)) wrong = true;
      });
      if (wrong) early++;
    }
    assert.ok(early <= 2, `${early} of 40 series held a change point more than 2 points early`);
  });

  it('attaches the time of the first point after the change', () => {
    const values = [...Array(30).fill(1), ...Array(30).fill(2)];
    const times = values.map((_, i) => 1000 + 60_000 * i);
    const [cp] = withTimes(detectChangePoints(values), times);
    assert.equal(cp.index, 30);
    assert.equal(cp.time, 1000 + 60_000 * 30);
  });

  it('drops changes under the minimum magnitude', () => {
    // A 3-SD step at level 100 is a 3% change: kept at a 1% floor, dropped at 5%.
    const { values } = stepSeries({ seed: 11, length: 200, changeAt: 100, step: 3 });
    assert.equal(detectChangePoints(values, { minChange: 0.01 }).length, 1);
    assert.equal(detectChangePoints(values, { minChange: 0.05 }).length, 0);
  });

  it('rejects invalid options and values with a clear message', () => {
    assert.throws(() => detectChangePoints([1, 2, 3], { pValue: 2 }), /pValue must be in \(0, 1\)/);
    assert.throws(() => detectChangePoints([1, 2, 3], { minSegment: 40 }), /minSegment/);
    assert.throws(() => detectChangePoints([1, NaN, 3]), /point 1 is not a finite number/);
  });

  it('handles series shorter than two segments and constant series', () => {
    assert.deepEqual(detectChangePoints([]), []);
    assert.deepEqual(detectChangePoints([1, 2, 3]), []);
    assert.deepEqual(detectChangePoints(Array(100).fill(5)), []);
    const steps = [...Array(40).fill(5), ...Array(40).fill(7)];
    assert.deepEqual(
      detectChangePoints(steps).map((c) => [c.index, c.before, c.after]),
      [[40, 5, 7]],
    );
  });
});

describe('ChangePointDetector (incremental)', () => {
  const cases = [
    { name: 'pure noise', values: stepSeries({ seed: 21, length: 260, changeAt: 0, step: 0 }).values },
    { name: 'one step', values: stepSeries({ seed: 22, length: 260, changeAt: 130, step: 1.5 }).values },
    { name: 'heavy tails', values: stepSeries({ seed: 23, length: 260, changeAt: 90, step: 2, noise: 'heavy-tailed' }).values },
    {
      name: 'three steps',
      values: stepSeries({ seed: 24, length: 260, changeAt: 60, step: 2 }).values.map((v, i) => v + (i >= 140 ? -3 : 0) + (i >= 200 ? 5 : 0)),
    },
  ];
  for (const test of tests) {
    for (const c of cases) {
      it(`equals batch detection after every appended point: ${c.name} (${test})`, () => {
        const detector = new ChangePointDetector({ test });
        for (let n = 1; n <= c.values.length; n++) {
          const incremental = detector.append(c.values[n - 1]);
          assert.deepEqual(incremental, detectChangePoints(c.values.slice(0, n), { test }), `after ${n} points`);
        }
        assert.equal(detector.length, c.values.length);
      });
    }
  }

  it('accepts several points at once and keeps the values', () => {
    const { values } = stepSeries({ seed: 25, length: 150, changeAt: 75, step: 3 });
    const detector = new ChangePointDetector();
    detector.append(...values.slice(0, 100));
    const cps = detector.append(...values.slice(100));
    assert.deepEqual(cps, detectChangePoints(values));
    assert.deepEqual(detector.changePoints(), cps);
    assert.deepEqual(detector.values(), values);
  });
});
