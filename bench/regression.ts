/**
 * Regression-detection benchmark (issue 4, "Measured quality"): sensitivity next to an oracle,
 * false positives per 1 000 points, localization, filter false-report rates and speed, on
 * seeded synthetic series (test/unit/regression/generators.ts), so every number replays.
 *
 *   npx tsx bench/regression.ts              full run (the numbers to report)
 *   BENCH_QUICK=1 npx tsx bench/regression.ts   smoke run with small sizes
 *
 * Environment: BENCH_SERIES (series per sensitivity cell; default 200, quick 20),
 * BENCH_APPEND_SERIES (series for the append timing; default 10 000, quick 300).
 *
 * Definitions:
 * - detected within 30: the step is at k; on the first k+30 points (or the whole series if
 *   shorter) a change point is reported in [k−10, k+30].
 * - oracle: a test told k, on up to 200 points before and the same points after, at the same p.
 * - false positives per 1 000 points: change points on pure-noise series of the same lengths.
 * - localization: on the whole series, the share of steps found within ±2 points of k among
 *   those found within ±10. Next to it, on the same series, two references: the single-change
 *   maximum-likelihood split, and the best possible for the ±2 criterion when the two levels
 *   and the noise SD are known (the centre of the 5-point band with the most posterior mass,
 *   Gaussian likelihood, flat prior): no localizer can beat the latter on Gaussian noise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangePointDetector, detectChangePoints, type SignificanceTest } from '../src/core/regression/changepoints';
import { findRegressions } from '../src/core/regression/regressions';
import { functionSeries, type WindowAggregate } from '../src/core/regression/series';
import { mannWhitneyPValue, momentsOf, studentPValue } from '../src/core/regression/stats';
import { noiseSource, seededRandom, stepSeries, type Noise } from '../test/unit/regression/generators';

const quick = process.env.BENCH_QUICK === '1';
const perCell = Number(process.env.BENCH_SERIES ?? (quick ? 20 : 200));
const appendSeries = Number(process.env.BENCH_APPEND_SERIES ?? (quick ? 300 : 10_000));
const pValue = 0.001;
const steps = [0.25, 0.5, 1, 2, 3, 5];
const lengths = [50, 100, 200, 500];
const noises: Noise[] = ['gaussian', 'heavy-tailed', 'bimodal'];
const tests: SignificanceTest[] = ['auto', 'mann-whitney', 't-test'];

function oracleDetects(values: number[], k: number, test: SignificanceTest): boolean {
  const from = Math.max(0, k - 200);
  if (k - from < 2 || values.length - k < 2) return false;
  const p = test === 'mann-whitney' ? mannWhitneyPValue(values, from, k, values.length) : studentPValue(momentsOf(values, from, k), momentsOf(values, k, values.length));
  return p <= pValue;
}

interface SensitivityRow {
  noise: Noise;
  test: SignificanceTest;
  length: number;
  step: number;
  detectedWithin30: number;
  oracleStudent: number;
  oracleRank: number;
  localizedWithin2: number | null;
  /** Steps found within ±10 points on the whole series, and of those within ±2. */
  found: number;
  localized: number;
  /** Of the same found steps, how many the single-change maximum-likelihood split puts within ±2. */
  mleLocalized: number;
  /** Of the same found steps, how many the told-the-levels ±2-band posterior maximum puts within ±2 (the bound). */
  bandOracleLocalized: number;
}

/**
 * The best ±2 localization possible when the levels before and after (`level`, `level + step`)
 * and the noise SD (1) are known: the centre of the 5-point band holding the most posterior
 * mass of the change location (Gaussian likelihood, flat prior over the series).
 */
function bandOracleSplit(values: number[], level: number, step: number, minSegment = 5): number {
  const n = values.length;
  // Log-likelihood of a change at j, up to a constant: Σ_{i ≥ j} (x_i − level)·step − step²/2.
  const logLik = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) logLik[j] = logLik[j + 1] + (values[j] - level) * step - (step * step) / 2;
  let peak = -Infinity;
  for (let j = minSegment; j <= n - minSegment; j++) peak = Math.max(peak, logLik[j]);
  const weight = (j: number) => (j >= minSegment && j <= n - minSegment ? Math.exp(logLik[j] - peak) : 0);
  let best = minSegment;
  let bestMass = -1;
  for (let j = minSegment; j <= n - minSegment; j++) {
    let mass = 0;
    for (let d = -2; d <= 2; d++) mass += weight(j + d);
    if (mass > bestMass) {
      bestMass = mass;
      best = j;
    }
  }
  return best;
}

/** Maximum-likelihood location of one mean shift in the whole series (what an oracle that knows there is exactly one change would say). */
function mleSplit(values: number[], minSegment = 5): number {
  const n = values.length;
  let total = 0;
  for (const v of values) total += v;
  let prefix = 0;
  let best = -1;
  let at = minSegment;
  for (let k = 1; k < n; k++) {
    prefix += values[k - 1];
    if (k < minSegment || n - k < minSegment) continue;
    const d = (total - prefix) / (n - k) - prefix / k;
    const stat = ((k * (n - k)) / n) * d * d;
    if (stat > best) {
      best = stat;
      at = k;
    }
  }
  return at;
}

function sensitivity(): { rows: SensitivityRow[]; falsePositives: { noise: Noise; test: SignificanceTest; length: number; perThousand: number }[] } {
  const rows: SensitivityRow[] = [];
  const falsePositives: { noise: Noise; test: SignificanceTest; length: number; perThousand: number }[] = [];
  let seed = 1;
  for (const noise of noises) {
    for (const test of tests) {
      for (const length of lengths) {
        let fp = 0;
        for (let s = 0; s < perCell * 2; s++) fp += detectChangePoints(stepSeries({ seed: seed++, length, changeAt: 0, step: 0, noise }).values, { test, pValue }).length;
        falsePositives.push({ noise, test, length, perThousand: (fp / (perCell * 2 * length)) * 1000 });
        for (const step of steps) {
          const k = Math.floor(length / 2);
          let detected = 0;
          let oracleStudent = 0;
          let oracleRank = 0;
          let found = 0;
          let localized = 0;
          let mleLocalized = 0;
          let bandOracleLocalized = 0;
          for (let s = 0; s < perCell; s++) {
            const { values } = stepSeries({ seed: seed++, length, changeAt: k, step, noise });
            const early = values.slice(0, Math.min(length, k + 30));
            if (detectChangePoints(early, { test, pValue }).some((c) => c.index >= k - 10 && c.index <= k + 30)) detected++;
            if (oracleDetects(early, k, 't-test')) oracleStudent++;
            if (oracleDetects(early, k, 'mann-whitney')) oracleRank++;
            const near = detectChangePoints(values, { test, pValue }).filter((c) => Math.abs(c.index - k) <= 10);
            if (near.length > 0) {
              found++;
              if (near.some((c) => Math.abs(c.index - k) <= 2)) localized++;
              if (Math.abs(mleSplit(values) - k) <= 2) mleLocalized++;
              if (Math.abs(bandOracleSplit(values, 100, step) - k) <= 2) bandOracleLocalized++;
            }
          }
          rows.push({
            noise,
            test,
            length,
            step,
            detectedWithin30: detected / perCell,
            oracleStudent: oracleStudent / perCell,
            oracleRank: oracleRank / perCell,
            localizedWithin2: found > 0 ? localized / found : null,
            found,
            localized,
            mleLocalized,
            bandOracleLocalized,
          });
        }
      }
    }
  }
  return { rows, falsePositives };
}

/** The issue's headline case: a 1-SD step after 250 points, judged 30 points after it. */
function headline(): { noise: Noise; test: SignificanceTest; detectedWithin30: number; oracleStudent: number; oracleRank: number; falsePositivesPer1000: number }[] {
  const out = [];
  const n = perCell * 2;
  for (const noise of noises) {
    for (const test of tests) {
      let detected = 0;
      let oracleStudent = 0;
      let oracleRank = 0;
      let fp = 0;
      for (let s = 0; s < n; s++) {
        const { values } = stepSeries({ seed: 900_000 + s, length: 280, changeAt: 250, step: 1, noise });
        if (detectChangePoints(values, { test, pValue }).some((c) => c.index >= 240)) detected++;
        if (oracleDetects(values, 250, 't-test')) oracleStudent++;
        if (oracleDetects(values, 250, 'mann-whitney')) oracleRank++;
        fp += detectChangePoints(stepSeries({ seed: 950_000 + s, length: 1000, changeAt: 0, step: 0, noise }).values, { test, pValue }).length;
      }
      out.push({ noise, test, detectedWithin30: detected / n, oracleStudent: oracleStudent / n, oracleRank: oracleRank / n, falsePositivesPer1000: fp / n });
    }
  }
  return out;
}

const hour = 3_600_000;

function oneFunction(values: number[]): ReturnType<typeof functionSeries> {
  return functionSeries(values.map((v, i) => ({ time: i * hour, inclusive: new Map([['f', v]]), self: new Map([['f', v]]) })));
}

interface FilterRow {
  scenario: string;
  series: number;
  /** Series with a live regression caused by the scenario. */
  reported: number;
  rate: number;
  /** Seasonal rows: series with any live regression, pattern or noise. */
  anyReported?: number;
}

/**
 * Regressions of a seasonal series that the same noise without the pattern does not have
 * (within ±5 points): those the pattern caused. The rest are the detector's ordinary
 * false-positive rate on noise, measured above.
 */
function patternCaused(withPattern: number[], withoutPattern: number[]): { caused: boolean; any: boolean } {
  const live = findRegressions(oneFunction(withPattern)).filter((g) => !g.filtered);
  const baseline = findRegressions(oneFunction(withoutPattern)).filter((g) => !g.filtered);
  const caused = live.some((g) => !baseline.some((b) => Math.abs(b.changePoint.index - g.changePoint.index) <= 5));
  return { caused, any: live.length > 0 };
}

/** Windows of f (self), g and h (unrelated to f and each other) with these weights. */
function cheaperRest(f: number, g: number, h: number, i: number): WindowAggregate {
  const total = f + g + h;
  const shares = new Map([
    ['f', f / total],
    ['g', g / total],
    ['h', h / total],
  ]);
  return { time: i * hour, inclusive: shares, self: new Map(shares), total };
}

/**
 * Real regressions the filters must not explain away: f's cost rises 10..40% at point 90 while
 * the whole machine gets 5..30% faster (every weight, f's included, scales down), so the
 * windows' total falls and f's own weight barely moves, as on a shared CI machine; and a rise
 * of the function that holds most of the profile.
 */
function filterKeeps(): FilterRow[] {
  const n = perCell * 2;
  let reported = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(27_000 + s);
    const noise = noiseSource('gaussian', r);
    const rise = 0.1 + 0.3 * r();
    const faster = 0.05 + 0.25 * r();
    const windows: WindowAggregate[] = Array.from({ length: 160 }, (_, i) => {
      const speed = i >= 90 ? 1 - faster : 1;
      return cheaperRest(100 * (i >= 90 ? 1 + rise : 1) * speed * (1 + 0.03 * noise()), 300 * speed * (1 + 0.01 * noise()), 600 * speed * (1 + 0.01 * noise()), i);
    });
    const live = findRegressions(functionSeries(windows)).filter((g) => !g.filtered && g.function === 'f' && Math.abs(g.changePoint.index - 90) <= 10);
    if (live.length > 0) reported++;
  }
  const rows = [{ scenario: 'rise, machine faster', series: n, reported, rate: reported / n }];
  // The function holding 60% of the profile costs 10..40% more: every other share falls.
  reported = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(28_000 + s);
    const noise = noiseSource('gaussian', r);
    const rise = 0.1 + 0.3 * r();
    const windows: WindowAggregate[] = Array.from({ length: 160 }, (_, i) => cheaperRest(100 * (1 + 0.03 * noise()), 300 * (1 + 0.01 * noise()), 600 * (i >= 90 ? 1 + rise : 1) * (1 + 0.01 * noise()), i));
    const live = findRegressions(functionSeries(windows)).filter((g) => !g.filtered && g.function === 'h' && Math.abs(g.changePoint.index - 90) <= 10);
    if (live.length > 0) reported++;
  }
  rows.push({ scenario: 'rise of a 60% share', series: n, reported, rate: reported / n });
  return rows;
}

/** Share of generated non-regressions reported as a regression, per filter scenario. */
function filters(): FilterRow[] {
  const n = perCell * 2;
  const sd = 0.002;
  const result: FilterRow[] = [];
  const record = (scenario: string, reported: number, anyReported?: number) =>
    result.push({ scenario, series: n, reported, rate: reported / n, ...(anyReported !== undefined ? { anyReported } : {}) });

  // Went-away spikes: +2..6 SD for 10..40 windows, then back; reported = a live regression near the spike.
  let reported = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(10_000 + s);
    const noise = noiseSource('gaussian', r);
    const start = 80;
    const end = start + 10 + Math.floor(r() * 31);
    const height = (2 + 4 * r()) * sd;
    const values = Array.from({ length: 200 }, (_, i) => 0.1 + noise() * sd + (i >= start && i < end ? height : 0));
    const live = findRegressions(oneFunction(values)).filter((g) => !g.filtered && g.changePoint.index >= start - 10 && g.changePoint.index <= end + 10);
    if (live.length > 0) reported++;
  }
  record('went-away spike', reported);

  // Cost shift: 2..6 SD of work moves from caller a's self into callee b; a's inclusive unchanged.
  reported = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(20_000 + s);
    const noise = noiseSource('gaussian', r);
    const shift = (2 + 4 * r()) * sd;
    const windows: WindowAggregate[] = Array.from({ length: 160 }, (_, i) => {
      const after = i >= 90;
      const nb = noise() * sd;
      const na = noise() * sd;
      const bShare = 0.05 + (after ? shift : 0) + nb;
      return {
        time: i * hour,
        inclusive: new Map([
          ['a', 0.15 + na + nb],
          ['b', bShare],
        ]),
        self: new Map([
          ['a', 0.1 - (after ? shift : 0) + na],
          ['b', bShare],
        ]),
        callers: new Map([['b', ['a']]]),
      };
    });
    const live = findRegressions(functionSeries(windows)).filter((g) => !g.filtered && Math.abs(g.changePoint.index - 90) <= 10);
    if (live.length > 0) reported++;
  }
  record('cost shift', reported);

  // The rest got cheaper: f keeps its ~100 samples per window and h its 600 while g (300)
  // falls by 15..90% at point 90, so f's share rises by 5..40% with no change in f.
  reported = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(25_000 + s);
    const noise = noiseSource('gaussian', r);
    const drop = 0.15 + 0.75 * r();
    const windows: WindowAggregate[] = Array.from({ length: 160 }, (_, i) => cheaperRest(100 * (1 + 0.03 * noise()), 300 * (i >= 90 ? 1 - drop : 1) * (1 + 0.01 * noise()), 600 * (1 + 0.01 * noise()), i));
    const live = findRegressions(functionSeries(windows)).filter((g) => !g.filtered && Math.abs(g.changePoint.index - 90) <= 10);
    if (live.length > 0) reported++;
  }
  record('rest got cheaper', reported);

  // Daily pattern: hourly windows for 14 days, amplitude 2..10 SD.
  reported = 0;
  let any = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(30_000 + s);
    const amplitude = (2 + 8 * r()) * sd;
    const phase = r() * 24;
    const noise = Array.from({ length: 24 * 14 }, noiseSource('gaussian', r)).map((e) => 0.1 + e * sd);
    const verdict = patternCaused(
      noise.map((v, i) => v + amplitude * Math.sin((2 * Math.PI * (i + phase)) / 24)),
      noise,
    );
    if (verdict.caused) reported++;
    if (verdict.any) any++;
  }
  record('daily seasonality', reported, any);

  // Weekly pattern: weekends 3..8 SD lower, hourly windows for 5 weeks.
  reported = 0;
  any = 0;
  for (let s = 0; s < n; s++) {
    const r = seededRandom(40_000 + s);
    const dip = (3 + 5 * r()) * sd;
    const noise = Array.from({ length: 24 * 35 }, noiseSource('gaussian', r)).map((e) => 0.1 + e * sd);
    const verdict = patternCaused(
      noise.map((v, i) => v - (Math.floor(i / 24) % 7 >= 5 ? dip : 0)),
      noise,
    );
    if (verdict.caused) reported++;
    if (verdict.any) any++;
  }
  record('weekly seasonality', reported, any);
  return result;
}

function speed(): { appendMsPerSeries: number; appendSeries: number; pointsPerSeries: number; fullDetectionMs: number; fullDetectionPoints: number } {
  const points = 1000;
  const detectors: ChangePointDetector[] = [];
  const next: number[] = [];
  for (let s = 0; s < appendSeries; s++) {
    const { values } = stepSeries({ seed: 60_000 + s, length: points, changeAt: 600, step: s % 4 === 0 ? 2 : 0 });
    const d = new ChangePointDetector();
    d.append(...values.slice(0, points - 1));
    detectors.push(d);
    next.push(values[points - 1]);
  }
  const t0 = performance.now();
  for (let s = 0; s < appendSeries; s++) detectors[s].append(next[s]);
  const appendMs = performance.now() - t0;

  const long = stepSeries({ seed: 70_000, length: 10_000, changeAt: 0, step: 0 }).values.map((v, i) => v + (i >= 3000 ? 1 : 0) + (i >= 7000 ? -2 : 0));
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    detectChangePoints(long);
    runs.push(performance.now() - t);
  }
  runs.sort((a, b) => a - b);
  return { appendMsPerSeries: appendMs / appendSeries, appendSeries, pointsPerSeries: points, fullDetectionMs: runs[1], fullDetectionPoints: long.length };
}

function pct(x: number | null): string {
  return x === null ? '   -' : `${(x * 100).toFixed(0).padStart(3)}%`;
}

function main(): void {
  const started = Date.now();
  const sens = sensitivity();
  const head = headline();
  const filt = filters();
  const keeps = filterKeeps();
  const spd = speed();
  const defaultTest: SignificanceTest = 'auto';

  console.log(`Regression detection (p ≤ ${pValue}, ${perCell} series per cell${quick ? ', QUICK' : ''})`);
  console.log('\nHeadline: 1-SD step after 250 points, judged 30 points later; false positives on 1 000-point noise');
  console.log('noise         test          detected  oracle(t)  oracle(rank)  FP/1000');
  for (const h of head) {
    console.log(`${h.noise.padEnd(13)} ${h.test.padEnd(13)} ${pct(h.detectedWithin30).padStart(8)}  ${pct(h.oracleStudent).padStart(9)}  ${pct(h.oracleRank).padStart(12)}  ${h.falsePositivesPer1000.toFixed(2).padStart(7)}`);
  }

  console.log('\nSensitivity (detected within 30 points / oracle t / oracle rank), default test');
  for (const noise of noises) {
    console.log(`\n${noise}: length → ${steps.map((s) => `${s} SD`.padStart(16)).join('')}   FP/1000`);
    for (const length of lengths) {
      const cells = steps.map((step) => {
        const r = sens.rows.find((x) => x.noise === noise && x.test === defaultTest && x.length === length && x.step === step)!;
        return `${pct(r.detectedWithin30)}/${pct(r.oracleStudent)}/${pct(r.oracleRank)}`.padStart(16);
      });
      const fp = sens.falsePositives.find((x) => x.noise === noise && x.test === defaultTest && x.length === length)!;
      console.log(`${String(length).padStart(6)}            ${cells.join('')}   ${fp.perThousand.toFixed(2).padStart(7)}`);
    }
  }

  // Pooled over every detected step of the grid: "within ±2 points in N% of detected steps".
  const localization = (test: SignificanceTest, keep: (r: SensitivityRow) => boolean = () => true, field: 'localized' | 'mleLocalized' | 'bandOracleLocalized' = 'localized') => {
    const rows = sens.rows.filter((r) => r.test === test && keep(r));
    const found = rows.reduce((a, r) => a + r.found, 0);
    return found > 0 ? rows.reduce((a, r) => a + r[field], 0) / found : null;
  };
  console.log('\nLocalization: detected steps found within ±2 points (pooled over the grid; [single-change MLE | told-the-levels ±2 bound] on the same series)');
  for (const test of tests) {
    const cell = (keep?: (r: SensitivityRow) => boolean) => `${pct(localization(test, keep))} [${pct(localization(test, keep, 'mleLocalized'))} |${pct(localization(test, keep, 'bandOracleLocalized'))}]`;
    const perStep = steps.map((step) => `${step} SD ${cell((r) => r.step === step)}`);
    console.log(`${test.padEnd(13)} all ${cell()}   ${perStep.join('  ')}`);
  }

  console.log('\nFilters: generated non-regressions reported as regressions');
  for (const f of filt) {
    const any = f.anyReported === undefined ? '' : `   (any live regression, noise false positives included: ${f.anyReported} / ${f.series})`;
    console.log(`${f.scenario.padEnd(20)} ${String(f.reported).padStart(4)} / ${f.series}  ${pct(f.rate)}${any}`);
  }
  console.log('Filters: generated real regressions still reported');
  for (const f of keeps) console.log(`${f.scenario.padEnd(20)} ${String(f.reported).padStart(4)} / ${f.series}  ${pct(f.rate)}`);

  console.log('\nSpeed');
  console.log(`append 1 point to ${spd.appendSeries} series of ${spd.pointsPerSeries} points: ${spd.appendMsPerSeries.toFixed(3)} ms per series`);
  console.log(`full detection on ${spd.fullDetectionPoints} points: ${spd.fullDetectionMs.toFixed(1)} ms`);

  const results = {
    quick,
    seriesPerCell: perCell,
    pValue,
    defaultTest,
    headline: head,
    sensitivity: sens.rows,
    falsePositives: sens.falsePositives,
    localization: Object.fromEntries(
      tests.map((t) => [
        t,
        {
          all: localization(t),
          allMle: localization(t, undefined, 'mleLocalized'),
          allBandOracle: localization(t, undefined, 'bandOracleLocalized'),
          ...Object.fromEntries(steps.map((st) => [`${st}sd`, localization(t, (r) => r.step === st)])),
        },
      ]),
    ),
    filters: filt,
    filterKeeps: keeps,
    speed: spd,
    seconds: (Date.now() - started) / 1000,
  };
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'regression.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote bench/results/regression.json in ${results.seconds.toFixed(0)} s`);
}

main();
