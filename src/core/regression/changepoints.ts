/**
 * Change-point detection after Hunter / Apache Otava: E-divisive means on overlapping windows
 * proposes candidates with a loose significance level, then a merge pass keeps only the change
 * points that stay significant (and large enough) when tested against their neighbours'
 * segments. Significance comes from a two-sample test instead of E-divisive's permutations,
 * which makes it deterministic and cheap.
 *
 * Windows sit on a fixed grid (start = k · window/2), so a window that lies entirely in the
 * past never changes: appending a point only re-examines the windows that contain it and the
 * tests whose segments reach the end of the series. `ChangePointDetector` keeps that state;
 * `detectChangePoints` computes the same result from scratch.
 */
import { mannWhitneyPValue, normalTwoSidedP, pooledError, studentPValue, studentTest, type Moments } from './stats';

/**
 * `auto` picks per test: Mann–Whitney when the two segments are heavy-tailed (pooled kurtosis
 * above 4.5), Student's t otherwise — on Gaussian and multimodal noise the t-test detects
 * more, on heavy tails the rank test detects far more (bench/regression.ts measures all three).
 */
export type SignificanceTest = 'auto' | 'mann-whitney' | 't-test';

export interface DetectOptions {
  /** E-divisive window length in points (Otava's default: 50). */
  window?: number;
  /** Largest p-value a reported change point may have (the false-positive control). */
  pValue?: number;
  /** Smallest relative change |after − before| / |before| worth reporting (Perfherder's floor); 0.01 = 1%. */
  minChange?: number;
  /** Fewest points on each side of a change point. */
  minSegment?: number;
  /** Most points on each side used to test and measure a change point. */
  maxSegment?: number;
  /** Two-sample test; see `SignificanceTest`. */
  test?: SignificanceTest;
  /** p-value a window's split must reach to become a candidate (looser than `pValue`). */
  candidatePValue?: number;
}

type Resolved = Required<DetectOptions>;

export const defaultDetectOptions: Resolved = {
  window: 50,
  pValue: 0.001,
  minChange: 0,
  // 10 rather than 5: short bursts between two noise candidates were the main false positives.
  minSegment: 10,
  maxSegment: 200,
  test: 'auto',
  candidatePValue: 0.05,
};

export interface ChangePoint {
  /** 0-based index of the first point after the change. */
  index: number;
  /** Mean of the segment before (up to `maxSegment` points). */
  before: number;
  /** Mean of the segment after. */
  after: number;
  /** after − before. */
  absoluteChange: number;
  /** (after − before) / |before|; null when before is 0. */
  relativeChange: number | null;
  /** 95% confidence interval of after − before (Student's t, pooled variance). */
  ci95: [number, number];
  pValue: number;
  /** Points in the before and after segments that were compared. */
  beforeCount: number;
  afterCount: number;
}

export function resolveDetectOptions(options: DetectOptions = {}): Resolved {
  const o = { ...defaultDetectOptions, ...stripUndefined(options) };
  if (!(o.window >= 4) || !Number.isInteger(o.window)) throw new RangeError(`window must be an integer ≥ 4, got ${o.window}`);
  if (!(o.pValue > 0 && o.pValue < 1)) throw new RangeError(`pValue must be in (0, 1), got ${o.pValue}`);
  if (!(o.minChange >= 0)) throw new RangeError(`minChange must be ≥ 0, got ${o.minChange}`);
  if (!(o.minSegment >= 2) || !Number.isInteger(o.minSegment) || 2 * o.minSegment > o.window) {
    throw new RangeError(`minSegment must be an integer in [2, window/2], got ${o.minSegment}`);
  }
  if (!(o.maxSegment >= o.minSegment)) throw new RangeError(`maxSegment must be ≥ minSegment, got ${o.maxSegment}`);
  o.candidatePValue = Math.max(o.candidatePValue, o.pValue);
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The values of one series plus prefix sums, so a segment's mean and variance cost O(1). */
class SeriesData {
  values = new Float64Array(64);
  private sum = new Float64Array(65);
  private sumSq = new Float64Array(65);
  private sumCube = new Float64Array(65);
  private sumFourth = new Float64Array(65);
  /** Values are shifted by the first one before summing, to keep the variance accurate for large levels. */
  private origin = 0;
  length = 0;

  push(value: number): void {
    if (this.length === 0) this.origin = value;
    if (this.length === this.values.length) {
      this.values = grow(this.values, this.length * 2);
      this.sum = grow(this.sum, this.length * 2 + 1);
      this.sumSq = grow(this.sumSq, this.length * 2 + 1);
      this.sumCube = grow(this.sumCube, this.length * 2 + 1);
      this.sumFourth = grow(this.sumFourth, this.length * 2 + 1);
    }
    const d = value - this.origin;
    this.values[this.length] = value;
    this.sum[this.length + 1] = this.sum[this.length] + d;
    this.sumSq[this.length + 1] = this.sumSq[this.length] + d * d;
    this.sumCube[this.length + 1] = this.sumCube[this.length] + d * d * d;
    this.sumFourth[this.length + 1] = this.sumFourth[this.length] + d * d * d * d;
    this.length++;
  }

  /** n·(2nd and 4th central moments) of values[from, to), each side around its own mean. */
  private centralSums(from: number, to: number): [number, number] {
    const n = to - from;
    const mu = (this.sum[to] - this.sum[from]) / n;
    const s2 = this.sumSq[to] - this.sumSq[from];
    const s3 = this.sumCube[to] - this.sumCube[from];
    const s4 = this.sumFourth[to] - this.sumFourth[from];
    const m2 = s2 - n * mu * mu;
    const m4 = s4 - 4 * mu * s3 + 6 * mu * mu * s2 - 3 * n * mu ** 4;
    return [Math.max(0, m2), Math.max(0, m4)];
  }

  /** Kurtosis of the two segments' noise, each taken around its own mean (3 for Gaussian). */
  pooledKurtosis(from: number, split: number, to: number): number {
    const [a2, a4] = this.centralSums(from, split);
    const [b2, b4] = this.centralSums(split, to);
    const n = to - from;
    const m2 = (a2 + b2) / n;
    return m2 > 0 ? (a4 + b4) / n / (m2 * m2) : 0;
  }

  moments(from: number, to: number): Moments {
    const n = to - from;
    const s = this.sum[to] - this.sum[from];
    const mean = s / n;
    const variance = n > 1 ? Math.max(0, (this.sumSq[to] - this.sumSq[from] - s * mean) / (n - 1)) : 0;
    return { n, mean: mean + this.origin, variance };
  }
}

function grow(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/** Above this kurtosis the noise is heavy-tailed enough for ranks to beat means (Laplace: 6, logistic: 4.2). */
const heavyTailKurtosis = 4.5;

function usesRanks(data: SeriesData, from: number, split: number, to: number, o: Resolved): boolean {
  return o.test === 'mann-whitney' || (o.test === 'auto' && data.pooledKurtosis(from, split, to) > heavyTailKurtosis);
}

function pValueOf(data: SeriesData, from: number, split: number, to: number, o: Resolved): number {
  if (split - from < o.minSegment || to - split < o.minSegment) return 1;
  if (usesRanks(data, from, split, to, o)) return mannWhitneyPValue(data.values, from, split, to);
  return studentPValue(data.moments(from, split), data.moments(split, to));
}

/** A candidate moved to its best position near where E-divisive put it, and its p-value there. */
interface SplitTest {
  split: number;
  pValue: number;
}

/**
 * Tests a candidate against the segment [from, to) its neighbours leave it, first moving it to
 * the best split within ±`refineRadius` points: a window sees only part of the data, so its
 * split is often several points off, which costs both localization and power.
 */
function refinedSplitTest(data: SeriesData, from: number, candidate: number, to: number, o: Resolved): SplitTest {
  const lo = Math.max(from + o.minSegment, candidate - refineRadius(o));
  const hi = Math.min(to - o.minSegment, candidate + refineRadius(o));
  if (lo > hi) return { split: candidate, pValue: 1 };
  // Squared test statistic per split (index s − lo); for the t-test about twice the split's log-likelihood ratio.
  const stat = new Float64Array(hi - lo + 1);
  if (usesRanks(data, from, Math.min(Math.max(candidate, lo), hi), to, o)) {
    // One ranking serves every split: the rank sum after the split moves by one rank per step.
    const { ranks, tieTerm } = ranksOf(data.values, from, to);
    const n = to - from;
    let rankSumAfter = 0;
    for (let i = hi - from; i < n; i++) rankSumAfter += ranks[i];
    for (let s = hi; s >= lo; s--) {
      if (s < hi) rankSumAfter += ranks[s - from];
      const n1 = s - from;
      const n2 = to - s;
      const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
      const u = rankSumAfter - (n2 * (n2 + 1)) / 2;
      const z = variance > 0 ? Math.max(0, Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance) : 0;
      stat[s - lo] = z * z;
    }
    // Ranks test significance; they are a poor locator next to a step whose far side is still
    // short: a few huge values rank no higher than a few slightly high ones, so noise among the
    // points before the step can pull the split back onto them (with six points after a 13-SD
    // step, seven points early). The E-divisive energy split sees magnitudes (robustly, α = 1)
    // and is taken when it lies in range; otherwise the first maximum of the rank statistic
    // (flat over runs of ties, so no likelihood to average over).
    let split = bestEnergySplit(data.values, from, to, o.minSegment);
    if (split < lo || split > hi) {
      split = lo;
      for (let s = lo + 1; s <= hi; s++) if (stat[s - lo] > stat[split - lo]) split = s;
    }
    return { split, pValue: normalTwoSidedP(Math.sqrt(stat[split - lo])) };
  }
  for (let s = lo; s <= hi; s++) {
    const a = data.moments(from, s);
    const b = data.moments(s, to);
    const { se } = pooledError(a, b);
    const t = se > 0 ? Math.abs(b.mean - a.mean) / se : a.mean === b.mean ? 0 : Infinity;
    stat[s - lo] = t * t;
  }
  const split = bandMaximum(stat, lo);
  return { split, pValue: studentPValue(data.moments(from, split), data.moments(split, to)) };
}

/** How far a candidate may move (a quarter window; farther moves did not measure better). */
function refineRadius(o: Resolved): number {
  return Math.max(o.minSegment, Math.floor(o.window / 4));
}

/** Half-width of the band `bandMaximum` maximizes: the ±2 points localization is judged by. */
const locationBand = 2;

/**
 * The split whose ±`locationBand` neighbourhood holds the most likelihood (weights e^(stat/2),
 * a flat prior over splits). A weak step's likelihood is flat-topped and noisy near its peak,
 * so the band's centre lands within ±2 of the truth more often than the single most likely
 * split (Gaussian 1-SD step told the levels: 77% against 67%).
 */
function bandMaximum(stat: Float64Array, lo: number): number {
  let peak = 0;
  for (let i = 1; i < stat.length; i++) if (stat[i] > stat[peak]) peak = i;
  // A peak at the range's edge may be a step beyond it (too few points yet on its far side):
  // the band, cut off there, would pull the split inwards.
  if (!Number.isFinite(stat[peak]) || peak < locationBand || peak > stat.length - 1 - locationBand) return lo + peak;
  const weight = Float64Array.from(stat, (x) => Math.exp((x - stat[peak]) / 2));
  // Sliding sums over [i − band, i + band].
  const mass = new Float64Array(weight.length);
  let sum = 0;
  for (let i = 0; i < Math.min(locationBand, weight.length); i++) sum += weight[i];
  for (let i = 0; i < weight.length; i++) {
    if (i + locationBand < weight.length) sum += weight[i + locationBand];
    if (i - locationBand - 1 >= 0) sum -= weight[i - locationBand - 1];
    mass[i] = sum;
  }
  let most = 0;
  for (let i = 1; i < mass.length; i++) if (mass[i] > mass[most]) most = i;
  // Bands that all hold a sharp peak tie: the peak itself is the answer then.
  let best = most;
  for (let i = 0; i < mass.length; i++) if (mass[i] >= mass[most] * (1 - 1e-9) && Math.abs(i - peak) < Math.abs(best - peak)) best = i;
  return lo + best;
}

/** Ranks (ties averaged) of values[from, to) in input order, and the tie term Σ(t³ − t). */
function ranksOf(values: ArrayLike<number>, from: number, to: number): { ranks: Float64Array; tieTerm: number } {
  const n = to - from;
  const sorted = Float64Array.from({ length: n }, (_, i) => values[from + i]).sort();
  let tieTerm = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[from + i];
    // Native numeric sort + binary search beats sorting indices with a comparator by far.
    const first = bound(sorted, v, false);
    const last = bound(sorted, v, true);
    ranks[i] = (first + last + 1) / 2;
  }
  return { ranks, tieTerm };
}

/** First index whose value is ≥ v (or > v when `after`). */
function bound(sorted: Float64Array, v: number, after: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v || (after && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The split of values[lo, hi) that maximizes the E-divisive energy statistic (α = 1), among
 * splits leaving at least `minSegment` points on each side; -1 when the window is too short.
 */
export function bestEnergySplit(values: ArrayLike<number>, lo: number, hi: number, minSegment: number): number {
  const m = hi - lo;
  if (m < 2 * minSegment) return -1;
  let withinRight = 0;
  for (let i = lo; i < hi; i++) for (let j = i + 1; j < hi; j++) withinRight += Math.abs(values[i] - values[j]);
  let withinLeft = 0;
  let between = 0;
  let best = -1;
  let bestQ = -Infinity;
  // Move points one by one from the right part to the left part, updating the three sums.
  for (let p = lo; p < hi - minSegment; p++) {
    const v = values[p];
    let toLeft = 0;
    for (let i = lo; i < p; i++) toLeft += Math.abs(values[i] - v);
    let toRight = 0;
    for (let j = p + 1; j < hi; j++) toRight += Math.abs(values[j] - v);
    withinLeft += toLeft;
    withinRight -= toRight;
    between += toRight - toLeft;
    const a = p + 1 - lo;
    const b = hi - p - 1;
    if (a < minSegment) continue;
    const q = ((a * b) / m) * ((2 * between) / (a * b) - withinLeft / ((a * (a - 1)) / 2) - withinRight / ((b * (b - 1)) / 2));
    if (q > bestQ) {
      bestQ = q;
      best = p + 1;
    }
  }
  return best;
}

/** Candidates of one window: E-divisive bisection while the split is significant at the loose level. */
function windowCandidates(data: SeriesData, lo: number, hi: number, o: Resolved, out: number[]): void {
  const split = bestEnergySplit(data.values, lo, hi, o.minSegment);
  if (split < 0) return;
  if (pValueOf(data, lo, split, hi, o) > o.candidatePValue) return;
  out.push(split);
  windowCandidates(data, lo, split, o, out);
  windowCandidates(data, split, hi, o, out);
}

function windowStep(o: Resolved): number {
  return Math.max(1, Math.floor(o.window / 2));
}

function candidatesOfWindow(data: SeriesData, start: number, o: Resolved): number[] {
  const out: number[] = [];
  windowCandidates(data, start, Math.min(start + o.window, data.length), o, out);
  return out;
}

/**
 * Memo of segment tests and change-point descriptions keyed by their segment bounds; only what
 * the latest merge used is kept, so stale entries (segments that ended at an old series end)
 * are dropped on the next round.
 */
class TestCache {
  private current = new Map<string, SplitTest | ChangePoint>();
  private previous = new Map<string, SplitTest | ChangePoint>();

  private memo<T extends SplitTest | ChangePoint>(key: string, compute: () => T): T {
    let r = this.current.get(key) as T | undefined;
    if (r === undefined) {
      r = (this.previous.get(key) as T | undefined) ?? compute();
      this.current.set(key, r);
    }
    return r;
  }

  test(data: SeriesData, [from, to]: [number, number], candidate: number, o: Resolved): SplitTest {
    return this.memo(`t${from},${candidate},${to}`, () => refinedSplitTest(data, from, candidate, to, o));
  }

  describe(data: SeriesData, index: number, [from, to]: [number, number], pValue: number): ChangePoint {
    return this.memo(`d${from},${index},${to}`, () => describe(data, index, [from, to], pValue));
  }

  endRound(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}

function bounds(candidates: number[], i: number, n: number, o: Resolved): [number, number] {
  const prev = i > 0 ? candidates[i - 1] : 0;
  const next = i + 1 < candidates.length ? candidates[i + 1] : n;
  return [Math.max(prev, candidates[i] - o.maxSegment), Math.min(next, candidates[i] + o.maxSegment)];
}

function relativeChangeOf(before: number, after: number): number | null {
  return before === 0 ? null : (after - before) / Math.abs(before);
}

function passesFloor(data: SeriesData, from: number, split: number, to: number, o: Resolved): boolean {
  if (o.minChange === 0) return true;
  const rel = relativeChangeOf(data.moments(from, split).mean, data.moments(split, to).mean);
  return rel === null || Math.abs(rel) >= o.minChange;
}

/**
 * Otava's merge: repeatedly drop the weakest candidate (largest p-value above the limit,
 * otherwise the smallest change under the floor) and re-test its neighbours, whose segments
 * just grew; stop when every survivor is significant and large enough.
 */
function mergeCandidates(data: SeriesData, sortedCandidates: number[], o: Resolved, cache: TestCache): ChangePoint[] {
  const cps = sortedCandidates.slice();
  const n = data.length;
  const tests = cps.map((c, i) => cache.test(data, bounds(cps, i, n, o), c, o));
  for (;;) {
    let worst = -1;
    for (let i = 0; i < cps.length; i++) if (tests[i].pValue > o.pValue && (worst < 0 || tests[i].pValue > tests[worst].pValue)) worst = i;
    if (worst < 0 && o.minChange > 0) {
      for (let i = 0; i < cps.length && worst < 0; i++) {
        const [from, to] = bounds(cps, i, n, o);
        if (!passesFloor(data, from, tests[i].split, to, o)) worst = i;
      }
    }
    if (worst < 0) break;
    cps.splice(worst, 1);
    tests.splice(worst, 1);
    for (const i of [worst - 1, worst]) if (i >= 0 && i < cps.length) tests[i] = cache.test(data, bounds(cps, i, n, o), cps[i], o);
  }
  const out: ChangePoint[] = [];
  cps.forEach((_, i) => {
    const cp = cache.describe(data, tests[i].split, bounds(cps, i, n, o), tests[i].pValue);
    const last = out[out.length - 1];
    // Two neighbours refined onto the same point are one change: keep the stronger.
    if (last && last.index === cp.index) {
      if (cp.pValue < last.pValue) out[out.length - 1] = cp;
    } else out.push(cp);
  });
  cache.endRound();
  return out;
}

function describe(data: SeriesData, index: number, [from, to]: [number, number], pValue: number): ChangePoint {
  const before = data.moments(from, index);
  const after = data.moments(index, to);
  const student = studentTest(before, after);
  return {
    index,
    before: before.mean,
    after: after.mean,
    absoluteChange: student.difference,
    relativeChange: relativeChangeOf(before.mean, after.mean),
    ci95: student.ci95,
    pValue,
    beforeCount: before.n,
    afterCount: after.n,
  };
}

function uniqueSorted(values: number[]): number[] {
  values.sort((a, b) => a - b);
  return values.filter((v, i) => i === 0 || v !== values[i - 1]);
}

function checkValue(value: number, index: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`point ${index} is not a finite number: ${value}`);
}

/** Change points with the time of their first point after the change (`times` parallel to the values). */
export function withTimes<T>(changePoints: readonly ChangePoint[], times: ArrayLike<T>): (ChangePoint & { time: T })[] {
  return changePoints.map((cp) => ({ ...cp, time: times[cp.index] }));
}

/** Change points of a whole series, computed from scratch. */
export function detectChangePoints(values: ArrayLike<number>, options: DetectOptions = {}): ChangePoint[] {
  const o = resolveDetectOptions(options);
  const data = new SeriesData();
  for (let i = 0; i < values.length; i++) {
    checkValue(values[i], i);
    data.push(values[i]);
  }
  const candidates: number[] = [];
  for (let start = 0; start < data.length; start += windowStep(o)) candidates.push(...candidatesOfWindow(data, start, o));
  return mergeCandidates(data, uniqueSorted(candidates), o, new TestCache());
}

/**
 * A series' change points kept up to date as points arrive. `append` re-runs E-divisive only on
 * the (at most window/step) grid windows that contain the new point and re-tests only the
 * candidates whose segments reach the end; the result always equals `detectChangePoints` on
 * the same values.
 */
export class ChangePointDetector {
  private readonly o: Resolved;
  private readonly data = new SeriesData();
  /** Candidates of windows that can no longer change (they end before the series end), sorted. */
  private settled: number[] = [];
  /** Start of the first window that is not settled yet. */
  private nextWindow = 0;
  private readonly cache = new TestCache();
  private current: ChangePoint[] = [];

  constructor(options: DetectOptions = {}) {
    this.o = resolveDetectOptions(options);
  }

  get length(): number {
    return this.data.length;
  }

  /** Appends points and returns the change points of the whole series. */
  append(...values: number[]): ChangePoint[] {
    for (const v of values) {
      checkValue(v, this.data.length);
      this.data.push(v);
    }
    const step = windowStep(this.o);
    const n = this.data.length;
    const fresh: number[] = [];
    while (this.nextWindow + this.o.window <= n) {
      fresh.push(...candidatesOfWindow(this.data, this.nextWindow, this.o));
      this.nextWindow += step;
    }
    if (fresh.length > 0) this.settled = uniqueSorted(this.settled.concat(fresh));
    const open: number[] = [];
    for (let start = this.nextWindow; start < n; start += step) open.push(...candidatesOfWindow(this.data, start, this.o));
    const all = open.length > 0 ? uniqueSorted(this.settled.concat(open)) : this.settled;
    this.current = mergeCandidates(this.data, all, this.o, this.cache);
    return this.current;
  }

  changePoints(): ChangePoint[] {
    return this.current;
  }

  /** The values seen so far (a copy). */
  values(): number[] {
    return Array.from(this.data.values.subarray(0, this.data.length));
  }
}
