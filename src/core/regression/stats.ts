/**
 * Small, dependency-free statistics for change-point significance: Student's t-test, the
 * Mann–Whitney rank test and the distributions they need. Accurate in the far tail
 * (p-values around 1e-6 matter here), which rules out the short textbook approximations.
 */

/** Complementary error function with fractional error below 1.2e-7 everywhere (Numerical Recipes `erfcc`). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal statistic. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9): ~15 significant digits for x > 0.
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xm = x - 1;
  let a = c[0];
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-14) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return Number.isNaN(t) ? 1 : 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The t value with two-sided tail probability `p` (e.g. p = 0.05 gives the 97.5% quantile). */
export function studentQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > p) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Summary of one sample: size, mean and unbiased variance. */
export interface Moments {
  n: number;
  mean: number;
  variance: number;
}

export function momentsOf(values: ArrayLike<number>, from = 0, to = values.length): Moments {
  const n = to - from;
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i];
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = from; i < to; i++) ss += (values[i] - mean) ** 2;
  return { n, mean, variance: n > 1 ? ss / (n - 1) : 0 };
}

export interface TwoSampleResult {
  /** Two-sided p-value. */
  pValue: number;
  /** after.mean − before.mean. */
  difference: number;
  /** 95% confidence interval of the difference. */
  ci95: [number, number];
}

/**
 * Student's two-sample t-test (pooled variance) of `after` against `before`. Pooled on
 * purpose: the segment before a change is usually long, and pooling lets its variance
 * estimate sharpen the test of a short segment after (Welch would fall back to the short
 * side's few degrees of freedom and lose power right when a change is young).
 */
export function studentTest(before: Moments, after: Moments): TwoSampleResult {
  const difference = after.mean - before.mean;
  const { se, df } = pooledError(before, after);
  if (!(se > 0)) {
    // Two constant segments: any difference is certain, none is no evidence at all.
    return { pValue: difference === 0 ? 1 : 0, difference, ci95: [difference, difference] };
  }
  const q = studentQuantile(0.05, df);
  return { pValue: studentTwoSidedP(difference / se, df), difference, ci95: [difference - q * se, difference + q * se] };
}

/** Student's t-test p-value only (the hot path: no quantile search). */
export function studentPValue(before: Moments, after: Moments): number {
  const difference = after.mean - before.mean;
  const { se, df } = pooledError(before, after);
  if (!(se > 0)) return difference === 0 ? 1 : 0;
  return studentTwoSidedP(difference / se, df);
}

/** Standard error of the mean difference with pooled variance, and its degrees of freedom. */
export function pooledError(before: Moments, after: Moments): { se: number; df: number } {
  const df = before.n + after.n - 2;
  const pooled = df > 0 ? ((before.n - 1) * before.variance + (after.n - 1) * after.variance) / df : 0;
  return { se: Math.sqrt(pooled * (1 / before.n + 1 / after.n)), df: Math.max(1, df) };
}

/**
 * Two-sided Mann–Whitney U test of values[from, split) against values[split, to): normal
 * approximation with tie correction and continuity correction. Rank-based, so one outlier
 * or a second mode cannot swing it the way they swing a mean.
 */
export function mannWhitneyPValue(values: ArrayLike<number>, from: number, split: number, to: number): number {
  const n1 = split - from;
  const n2 = to - split;
  const n = n1 + n2;
  if (n1 < 1 || n2 < 1) return 1;
  // Each side sorted natively (no comparator: much faster), then merged to rank the ties.
  const x = Float64Array.from({ length: n1 }, (_, i) => values[from + i]).sort();
  const y = Float64Array.from({ length: n2 }, (_, i) => values[split + i]).sort();
  let i = 0;
  let j = 0;
  let rankSumAfter = 0;
  let tieTerm = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i] <= y[j]) ? x[i] : y[j];
    let ti = 0;
    let tj = 0;
    while (i < n1 && x[i] === v) {
      i++;
      ti++;
    }
    while (j < n2 && y[j] === v) {
      j++;
      tj++;
    }
    const t = ti + tj;
    // Ranks i+j−t+1 … i+j share their mean.
    rankSumAfter += tj * (i + j - (t - 1) / 2);
    if (t > 1) tieTerm += t * t * t - t;
  }
  const u = rankSumAfter - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return 1;
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return normalTwoSidedP(z);
}

/** Median of values[from, to) (copies; the input is left untouched). */
export function median(values: ArrayLike<number>, from = 0, to = values.length): number {
  const a = Array.prototype.slice.call(values, from, to) as number[];
  if (a.length === 0) return NaN;
  a.sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
}
