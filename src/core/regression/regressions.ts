/**
 * The detection pipeline over per-function series: change points on each function's share,
 * increases only (a larger CPU share is worse), the filters, then grouping of the
 * regressions that one change caused in several related functions.
 */
import { detectChangePoints, resolveDetectOptions, type ChangePoint, type DetectOptions } from './changepoints';
import { costShift, deseasonalize, outlierDriven, restGotCheaper, seasonalPeriods, seasonalVerdict, wentAway, type FilterVerdict, type SeasonalPattern } from './filters';
import { areRelated, type SeriesSet } from './series';
import { momentsOf } from './stats';

export type SeriesKind = 'inclusive' | 'self';

export interface FunctionRegression {
  function: string;
  kind: SeriesKind;
  changePoint: ChangePoint;
  /** Time of the first window after the change. */
  time: number;
  /** Change of the function's self share over the same segments (decides the headline). */
  selfChange: number;
  /** Why this is not reported, when a filter caught it. */
  filtered?: FilterVerdict;
  /**
   * Daily/weekly patterns removed before detection; when present, the change point's before
   * and after are levels with the pattern taken out.
   */
  seasonal?: SeasonalPattern[];
}

export interface RegressionGroup {
  /** The function to show and to blame: the one whose own code got slower. */
  headline: FunctionRegression;
  /** Every regression of the group, headline included. */
  members: FunctionRegression[];
  index: number;
  time: number;
}

export interface PipelineOptions extends DetectOptions {
  kind?: SeriesKind;
  /** Seasonal periods in points, removed when present; by default a day and a week derived from the window times. */
  seasonalPeriods?: number[];
}

/** All regressions of a series set, with the filtered ones marked, not dropped. */
export function findRegressions(set: SeriesSet, options: PipelineOptions = {}): FunctionRegression[] {
  const o = resolveDetectOptions(options);
  const kind = options.kind ?? 'inclusive';
  const periods = options.seasonalPeriods ?? seasonalPeriods(set.times);
  const out: FunctionRegression[] = [];
  for (const series of set.functions.values()) {
    const raw = series[kind];
    const { values, patterns } = deseasonalize(raw, periods);
    const cps = detectChangePoints(values, o);
    // Change points that only the raw series has are the seasonal pattern: kept, but marked.
    const seasonalOnly = patterns.length
      ? detectChangePoints(raw, o).filter((r) => r.absoluteChange > 0 && !cps.some((c) => Math.abs(c.index - r.index) <= o.minSegment))
      : [];
    const push = (cp: ChangePoint, filtered: FilterVerdict | undefined, seasonal?: SeasonalPattern[]) => {
      const from = cp.index - cp.beforeCount;
      const to = cp.index + cp.afterCount;
      out.push({
        function: series.function,
        kind,
        changePoint: cp,
        time: set.times[cp.index],
        selfChange: momentsOf(series.self, cp.index, to).mean - momentsOf(series.self, from, cp.index).mean,
        ...(filtered ? { filtered } : {}),
        ...(seasonal && seasonal.length > 0 ? { seasonal } : {}),
      });
    };
    for (const cp of seasonalOnly) push(cp, seasonalVerdict(cp, patterns));
    cps.forEach((cp, i) => {
      if (cp.absoluteChange > 0) push(cp, outlierDriven(values, cp, o) ?? wentAway(cps, i) ?? costShift(set, series.function, cp) ?? restGotCheaper(set, series.function, cp), patterns);
    });
  }
  return out;
}

/**
 * Groups unfiltered regressions at the same change point (within `tolerance` points) across
 * functions that call one another, directly or through other members. The headline is the
 * member whose self share rose most: when a callee gets slower every caller's inclusive share
 * rises with it, but only the callee's own code costs more.
 */
export function groupRegressions(regressions: readonly FunctionRegression[], callers: SeriesSet['callers'], tolerance = 2): RegressionGroup[] {
  const live = regressions.filter((r) => !r.filtered);
  const parent = live.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      if (Math.abs(live[i].changePoint.index - live[j].changePoint.index) > tolerance) continue;
      if (areRelated(callers, live[i].function, live[j].function)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, FunctionRegression[]>();
  live.forEach((r, i) => {
    const root = find(i);
    const members = groups.get(root) ?? [];
    members.push(r);
    groups.set(root, members);
  });
  return [...groups.values()]
    .map((members) => {
      // Without self-share evidence, prefer the deepest member: the one most members call.
      const calledBy = (r: FunctionRegression) => members.filter((m) => callers.get(r.function)?.has(m.function)).length;
      const headline = members.reduce((best, r) =>
        r.selfChange > best.selfChange || (r.selfChange === best.selfChange && calledBy(r) > calledBy(best)) ? r : best,
      );
      return { headline, members, index: headline.changePoint.index, time: headline.time };
    })
    .sort((a, b) => a.index - b.index || b.headline.changePoint.absoluteChange - a.headline.changePoint.absoluteChange);
}
