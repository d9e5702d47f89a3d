/**
 * Filters that keep real regressions and drop the change points that are not (FBDetect):
 * a spike that went away, cost that merely moved between a caller and its callee, a share that
 * rose only because the rest got cheaper, a daily or weekly pattern, and a change carried by one
 * or two outliers. Each verdict says why, so a dismissed regression can still be audited.
 */
import { type ChangePoint, type SignificanceTest } from './changepoints';
import { incompleteBeta, mannWhitneyPValue, median, momentsOf, studentPValue } from './stats';
import { isCallerOf, type SeriesSet } from './series';

export type FilterReason = 'went-away' | 'cost-shift' | 'rest-got-cheaper' | 'seasonal' | 'outlier' | 'below-floor';

export interface FilterVerdict {
  reason: FilterReason;
  /** One sentence a person can check against the series. */
  evidence: string;
}

const day = 86_400_000;

/**
 * The change went away when a later change point brings the level back to within
 * `returnFraction` of the step from where it started.
 */
export function wentAway(changePoints: readonly ChangePoint[], i: number, returnFraction = 0.5): FilterVerdict | undefined {
  const cp = changePoints[i];
  const next = changePoints[i + 1];
  if (!next || Math.sign(next.absoluteChange) === Math.sign(cp.absoluteChange)) return undefined;
  const residual = Math.abs(next.after - cp.before);
  if (residual > returnFraction * Math.abs(cp.absoluteChange)) return undefined;
  return {
    reason: 'went-away',
    evidence: `the level went from ${fmt(cp.before)} to ${fmt(cp.after)} at point ${cp.index} and back to ${fmt(next.after)} at point ${next.index}`,
  };
}

/** Seasonal periods, in points, for a series sampled at `times` (ms): a day and a week. */
export function seasonalPeriods(times: readonly number[]): number[] {
  if (times.length < 3) return [];
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push(times[i] - times[i - 1]);
  const spacing = median(gaps);
  if (!(spacing > 0)) return [];
  return [day, 7 * day].map((p) => Math.round(p / spacing)).filter((p) => p >= 2 && p <= times.length / 2);
}

/** Ranks unless the t-test was asked for: the data judged here are the odd ones (trimmed, with outliers). */
function pValueOf(values: ArrayLike<number>, split: number, test: SignificanceTest): number {
  if (test === 't-test') return studentPValue(momentsOf(values, 0, split), momentsOf(values, split, values.length));
  return mannWhitneyPValue(values, 0, split, values.length);
}

export interface SeasonalPattern {
  /** Period in points. */
  period: number;
  /** p-value of the F test that the phase profile explains more than noise would. */
  pValue: number;
}

export interface Deseasonalized {
  /** The series with each significant pattern removed, at the original level. */
  values: number[];
  patterns: SeasonalPattern[];
}

/**
 * Removes daily/weekly patterns that are really there. Each period (shortest first) gets a
 * profile of per-phase medians — medians, so a step in a few cycles does not leak into the
 * profile — and is removed only when an F test says the profile explains far more variance than
 * noise could (p < `maxPValue`). Needs 3 full periods. A step moves every phase alike, so it
 * survives and is then detected on the residuals.
 */
export function deseasonalize(values: readonly number[], periods: readonly number[], maxPValue = 1e-6): Deseasonalized {
  let current = values.slice();
  const patterns: SeasonalPattern[] = [];
  for (const period of [...periods].sort((a, b) => a - b)) {
    const n = current.length;
    if (period < 2 || n < 3 * period) continue;
    const profile: number[] = [];
    for (let phase = 0; phase < period; phase++) {
      const same: number[] = [];
      for (let i = phase; i < n; i += period) same.push(current[i]);
      profile.push(median(same));
    }
    const centre = median(profile);
    const explained = momentsOf(profile).variance * (n / period);
    const residual = current.map((v, i) => v - profile[i % period]);
    const noise = momentsOf(residual).variance;
    const f = noise > 0 ? explained / noise : explained > 0 ? Infinity : 0;
    const d1 = period - 1;
    const d2 = n - period;
    const pValue = Number.isFinite(f) ? incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2) : 0;
    if (pValue < maxPValue) {
      patterns.push({ period, pValue });
      // A 3-phase circular average cuts the profile's own noise by ~3, which would otherwise be
      // stamped onto every cycle of the residuals; a real daily or weekly shape is smooth enough.
      const smooth = profile.map((_, p) => (profile[(p + period - 1) % period] + profile[p] + profile[(p + 1) % period]) / 3);
      current = current.map((v, i) => v - smooth[i % period] + centre);
    }
  }
  return { values: current, patterns };
}

/** Verdict for a change point of the raw series that the deseasonalized series does not have. */
export function seasonalVerdict(cp: ChangePoint, patterns: readonly SeasonalPattern[]): FilterVerdict {
  const which = patterns.map((p) => `${p.period}-point (p = ${fmtP(p.pValue)})`).join(' and ');
  return {
    reason: 'seasonal',
    evidence: `the change at point ${cp.index} follows the ${which} cycle; it disappears once the cycle is removed`,
  };
}

/**
 * The absolute floor applies to what the data can vouch for: a rise whose mean clears
 * `floor` but whose 95% confidence interval reaches below it is as likely noise of that size
 * (a machine's load drifting between deploys) as a change.
 */
export function belowFloor(cp: ChangePoint, floor: number): FilterVerdict | undefined {
  if (!(floor > 0) || cp.ci95[0] >= floor) return undefined;
  return {
    reason: 'below-floor',
    evidence: `rose by ${pct(cp.absoluteChange)} (95% CI ${pct(cp.ci95[0])} … ${pct(cp.ci95[1])}), not surely above the ${pct(floor)} floor`,
  };
}

/**
 * The change is outlier-driven when it stops being significant after dropping, from each
 * side, the points more than 5 robust standard deviations (MAD) from that side's median.
 */
export function outlierDriven(
  values: readonly number[],
  cp: ChangePoint,
  options: { pValue: number; test: SignificanceTest },
): FilterVerdict | undefined {
  const before = values.slice(cp.index - cp.beforeCount, cp.index);
  const after = values.slice(cp.index, cp.index + cp.afterCount);
  const keptBefore = withoutOutliers(before);
  const keptAfter = withoutOutliers(after);
  const dropped = before.length - keptBefore.length + after.length - keptAfter.length;
  if (dropped === 0) return undefined;
  const p = keptBefore.length >= 2 && keptAfter.length >= 2 ? pValueOf([...keptBefore, ...keptAfter], keptBefore.length, options.test) : 1;
  if (p <= options.pValue) return undefined;
  return {
    reason: 'outlier',
    evidence: `without ${dropped} outlier point${dropped === 1 ? '' : 's'} the change is not significant (p = ${fmtP(p)})`,
  };
}

function withoutOutliers(values: number[]): number[] {
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m))) * 1.4826;
  if (!(mad > 0)) return values;
  return values.filter((v) => Math.abs(v - m) <= 5 * mad);
}

/**
 * Cost shift: `fn`'s share rose at the change, but a direct caller's self share fell by at
 * least half as much while the caller's inclusive share rose by less than half of the rise (or
 * fell: a refactor that also made the caller's subtree cheaper is no regression either).
 * Work moved from the caller into `fn` (inlining, refactoring): the service is not slower.
 * (The same holds in reverse: a caller whose self share rose while a callee's fell.)
 */
export function costShift(set: SeriesSet, fn: string, cp: ChangePoint): FilterVerdict | undefined {
  const rise = cp.absoluteChange;
  if (!(rise > 0)) return undefined;
  const from = cp.index - cp.beforeCount;
  const to = cp.index + cp.afterCount;
  const change = (series: number[]) => momentsOf(series, cp.index, to).mean - momentsOf(series, from, cp.index).mean;
  const related: { name: string; parent: string }[] = [];
  for (const caller of set.callers.get(fn) ?? []) related.push({ name: caller, parent: caller });
  for (const [callee, callers] of set.callers) if (callers.has(fn)) related.push({ name: callee, parent: fn });
  for (const { name, parent } of related) {
    const other = set.functions.get(name);
    const parentSeries = set.functions.get(parent);
    if (!other || !parentSeries) continue;
    const selfChange = change(other.self);
    const parentChange = change(parentSeries.inclusive);
    if (selfChange <= -0.5 * rise && parentChange < 0.5 * rise) {
      return {
        reason: 'cost-shift',
        evidence: `${fn} rose by ${pct(rise)} while ${name}'s self share fell by ${pct(-selfChange)}; ${parent}'s inclusive share moved only ${pct(parentChange)}`,
      };
    }
  }
  return undefined;
}

/**
 * The rest got cheaper: `fn`'s share rose because something else got faster, not because `fn`
 * costs more. A share is a function's weight over everyone's. When `fn` alone costs more, every
 * function outside it (not its callees, whose self weight is inside `fn`'s) keeps its weight,
 * so its share falls by the same factor as the outside as a whole, (1 − after) / (1 − before).
 * When another function got cheaper, the unchanged functions' shares rise by the same factor as
 * `fn`'s. Each outside function (and the untracked rest outside `fn`, as one) votes, with its
 * self share before the change, for the prediction its own change lies within a third of their
 * distance of; one that fits neither changed itself and does not vote (the function that got
 * cheaper, typically). Filtered when more weight fits "the rest got cheaper".
 *
 * Judged on shares only, so a machine that runs everything faster or slower (which moves the
 * windows' total weight, not the ratios) decides nothing.
 */
export function restGotCheaper(set: SeriesSet, fn: string, cp: ChangePoint): FilterVerdict | undefined {
  const series = set.functions.get(fn);
  if (!series || !(cp.absoluteChange > 0) || !(cp.before > 0) || !(cp.after < 1)) return undefined;
  const from = cp.index - cp.beforeCount;
  const to = cp.index + cp.afterCount;
  const rise = Math.log(cp.after / cp.before);
  const fell = Math.log((1 - cp.after) / (1 - cp.before));
  const apart = rise - fell;
  // The untracked weight outside fn, per window: 1 − fn's share − the outside functions' self shares.
  const untracked = series.inclusive.map((share) => 1 - share);
  const voters: { name: string; weight: number; change: number }[] = [];
  const vote = (name: string, values: readonly number[]) => {
    const before = momentsOf(values, from, cp.index).mean;
    const after = momentsOf(values, cp.index, to).mean;
    if (before > 0 && after > 0) voters.push({ name, weight: before, change: Math.log(after / before) });
  };
  for (const [name, other] of set.functions) {
    if (name === fn || isCallerOf(set.callers, fn, name)) continue;
    for (let i = from; i < to; i++) untracked[i] -= other.self[i];
    vote(name, other.self);
  }
  if (momentsOf(untracked, from, cp.index).mean > 0.01) vote('the untracked rest', untracked);
  let sided = 0;
  let against = 0;
  const unchanged: string[] = [];
  let cheaper: { name: string; weight: number; change: number } | undefined;
  for (const v of voters) {
    if (Math.abs(v.change - rise) < apart / 3) {
      sided += v.weight;
      unchanged.push(`${v.name} ${signedPct(Math.exp(v.change) - 1)}`);
    } else if (Math.abs(v.change - fell) < apart / 3) against += v.weight;
    else if (v.change < fell && (!cheaper || v.change * v.weight < cheaper.change * cheaper.weight)) cheaper = v;
  }
  if (!(sided > against)) return undefined;
  let total = '';
  if (set.totals) {
    const before = momentsOf(set.totals, from, cp.index).mean;
    if (before > 0) total = `; total weight per window ${signedPct(momentsOf(set.totals, cp.index, to).mean / before - 1)}`;
  }
  return {
    reason: 'rest-got-cheaper',
    evidence:
      `${fn}'s share rose by ${signedPct(cp.after / cp.before - 1)} because the rest got cheaper: unrelated functions holding ` +
      `${(sided * 100).toFixed(1)}% of the profile rose with it (${unchanged.slice(0, 3).join(', ')}) instead of falling ${signedPct(Math.exp(fell) - 1)}` +
      (cheaper ? `, while ${cheaper.name}'s fell ${signedPct(Math.exp(cheaper.change) - 1)}` : '') +
      total,
  };
}

function signedPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function fmtP(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(2)} pp`;
}
