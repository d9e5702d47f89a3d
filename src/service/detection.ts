import { ChangePointDetector, detectChangePoints, resolveDetectOptions, type ChangePoint } from '../core/regression/changepoints';
import { belowFloor, costShift, deseasonalize, outlierDriven, restGotCheaper, seasonalPeriods, seasonalVerdict, wentAway, type FilterVerdict } from '../core/regression/filters';
import { groupRegressions, type FunctionRegression } from '../core/regression/regressions';
import { areRelated, excludingRuntime, type FunctionSeries, type SeriesSet } from '../core/regression/series';
import { momentsOf } from '../core/regression/stats';
import type { FunctionShare, NewRegression, ProfileStore } from './store/store';

export interface DetectionOptions {
  /** Largest p-value of a reported change point (the false-positive control per series). */
  pValue: number;
  /** Smallest relative rise of a function's share worth reporting (0.01 = 1%). */
  minChange: number;
  /**
   * Smallest absolute rise of the share, as a fraction of all samples (0.001 = 0.1 percentage
   * points), that the rise's 95% confidence interval must clear (its lower end, not its mean).
   */
  minAbsoluteChange: number;
  /** Functions whose inclusive share reaches this in some window get a series detector. */
  trackShare: number;
  /** Most functions tracked per service and profile type (the most expensive ones). */
  maxTracked: number;
  /** E-divisive window (points). */
  window: number;
  /**
   * Points needed after a change before it is reported: a spike shorter than this that
   * goes away is caught by the went-away filter instead of paging someone.
   */
  confirmPoints: number;
  /**
   * Consecutive windows a change point must keep its index before it is reported: a step
   * with few points after it is pinned near the series end and moves as points arrive.
   */
  stableWindows: number;
  /**
   * Functions not to track, as regular expressions over "name (file)": runtime frames such as
   * `^\\(` for "(garbage collector)" or `node:internal` are on every stack and no commit of
   * the service can be blamed for them.
   */
  ignore: string[];
  /**
   * Root-level runtime pseudo-frames, as regular expressions over "name (file)", whose samples
   * are left out of every share (and which are not tracked): GC and idle time shift with machine
   * load, and counting them would move every function's share with them.
   */
  runtime: string[];
}

export const defaultDetectionOptions: DetectionOptions = {
  pValue: 0.001,
  minChange: 0.01,
  minAbsoluteChange: 0.001,
  trackShare: 0.005,
  maxTracked: 2000,
  window: 50,
  confirmPoints: 8,
  stableWindows: 3,
  ignore: [],
  runtime: ['^\\((garbage collector|idle|program)\\)$'],
};

interface TrackedFunction {
  name: string;
  file: string;
  line: number;
  endLine: number;
  detector: ChangePointDetector;
  series: FunctionSeries;
  /** Change indexes already reported for this function. */
  reported: number[];
  /** Index of each current change point → for how many consecutive windows it has been there. */
  stable: Map<number, number>;
  /** Reported change indexes whose level has since returned (reported as went away once). */
  returned: Set<number>;
}

/** A reported rise whose level came back: the regression went away by itself. */
export interface WentAway {
  service: string;
  type: string;
  name: string;
  file: string;
  index: number;
  evidence: string;
}

/** Detection state of one service and profile type: windows in time order, one detector per tracked function, the call graph. */
interface SeriesState {
  windowIds: number[];
  commits: (string | null)[];
  /** Share of each window's samples in runtime frames (`DetectionOptions.runtime`). */
  runtime: number[];
  set: SeriesSet;
  tracked: Map<string, TrackedFunction>;
  /** Confirmed changes the filters explained away, latest per function and change point. */
  filtered: Map<string, FilteredChange>;
}

/** A confirmed change that a filter explained (cost shift, went away, seasonal, outlier). */
export interface FilteredChange {
  function: string;
  type: string;
  index: number;
  time: number;
  commit: string | null;
  reason: string;
  evidence: string;
}

export interface WindowAdded {
  service: string;
  type: string;
  windowId: number;
  time: number;
  commit: string | null;
  /** The window's total weight, in its unit. */
  totalWeight: number;
  functions: FunctionShare[];
  edges: [number, number][];
}

/** Change points within this many points are the same change (grouping, deduplication, commit ranges). */
export const LOCALIZATION_TOLERANCE = 2;

/** A function's name in series sets, evidence and grouping: "name (file)". */
export const functionLabel = (f: { name: string; file: string }): string => (f.file ? `${f.name} (${f.file})` : f.name);

/**
 * Runs detection on per-function share series as windows arrive, with the pipeline of
 * `src/core/regression` (change points, filters, grouping). State is built from the store
 * on first use, so a restart resumes without reporting old regressions again; after that each
 * window appends one point per tracked function (`ChangePointDetector` re-examines only the
 * windows that contain it).
 */
export class RegressionDetection {
  private readonly states = new Map<string, SeriesState>();
  private wentAwayQueue: WentAway[] = [];
  private readonly detectOptions;
  private readonly ignored: RegExp[];
  private readonly runtimeFrames: RegExp[];

  constructor(
    private readonly store: ProfileStore,
    readonly options: DetectionOptions = defaultDetectionOptions,
  ) {
    this.detectOptions = resolveDetectOptions({ pValue: options.pValue, minChange: options.minChange, window: options.window });
    this.ignored = options.ignore.map((source) => new RegExp(source));
    this.runtimeFrames = options.runtime.map((source) => new RegExp(source));
  }

  private ignores(f: { name: string; file: string }): boolean {
    const label = functionLabel(f);
    return this.ignored.some((re) => re.test(label)) || this.isRuntime(f);
  }

  private isRuntime(f: { name: string; file: string }): boolean {
    const label = functionLabel(f);
    return this.runtimeFrames.some((re) => re.test(label));
  }

  /** Call after the window was stored. Returns the regressions this window revealed (not yet stored). */
  onWindow(w: WindowAdded): NewRegression[] {
    const stateKey = `${w.service}\u0000${w.type}`;
    let state = this.states.get(stateKey);
    const times = state?.set.times;
    if (state && times && times.length > 0 && w.time < times[times.length - 1]) {
      // A late window lands in the middle of the series: rebuild it in time order.
      this.states.delete(stateKey);
      state = undefined;
    }
    if (!state) {
      state = this.load(w.service, w.type);
      this.states.set(stateKey, state);
    } else {
      this.append(state, w);
    }
    return this.newRegressions(state, w);
  }

  /** Reported regressions whose level has returned since the last call (then forgotten). */
  takeWentAway(): WentAway[] {
    const out = this.wentAwayQueue;
    this.wentAwayQueue = [];
    return out;
  }

  /**
   * Confirmed changes the filters explained away for a service since this process started
   * (kept in memory: they are explanations, not findings), newest change first.
   */
  filteredChanges(service: string): FilteredChange[] {
    const out: FilteredChange[] = [];
    for (const [key, state] of this.states) if (key.startsWith(`${service}\u0000`)) out.push(...state.filtered.values());
    return out.sort((a, b) => b.time - a.time);
  }

  private load(service: string, type: string): SeriesState {
    const windows = this.store.listWindows(service, type);
    const runtime = windows.map(() => 0);
    if (this.runtimeFrames.length > 0) {
      for (const f of this.store.listFunctions(service, type, 0, 1_000_000)) {
        if (this.isRuntime(f)) this.store.functionSeries(service, type, f).forEach((p, i) => (runtime[i] += p.inclusive));
      }
    }
    const state: SeriesState = {
      windowIds: windows.map((r) => r.windowId),
      commits: windows.map((r) => r.commit),
      runtime,
      // Totals of the non-runtime samples, the same base as the shares (excludingRuntime).
      set: { times: windows.map((r) => r.time), totals: windows.map((r, i) => r.totalWeight * (1 - runtime[i])), functions: new Map(), callers: new Map() },
      filtered: new Map(),
      tracked: new Map(),
    };
    for (const f of this.store.listFunctions(service, type, this.options.trackShare, this.options.maxTracked)) {
      if (!this.ignores(f)) this.track(state, service, type, f);
    }
    for (const e of this.store.listCallEdges(service, type)) addCaller(state.set, functionLabel(e.caller), functionLabel(e.callee));
    // Change points reported before a restart stay reported.
    for (const r of this.store.listRegressions({ service, limit: 100_000 })) {
      if (r.type !== type) continue;
      const index = lowerBound(state.set.times, r.changeTime);
      const related = Array.isArray(r.evidence.related) ? (r.evidence.related as { name: string; file: string }[]) : [];
      for (const f of [r.function, ...related]) state.tracked.get(functionLabel(f))?.reported.push(index);
    }
    return state;
  }

  private track(state: SeriesState, service: string, type: string, f: { name: string; file: string; line: number; endLine: number }): void {
    const label = functionLabel(f);
    const points = this.store.functionSeries(service, type, f);
    const share = (value: number, i: number) => excludingRuntime(value, state.runtime[i]);
    const series: FunctionSeries = { function: label, times: state.set.times, inclusive: points.map((p, i) => share(p.inclusive, i)), self: points.map((p, i) => share(p.self, i)) };
    const detector = new ChangePointDetector(this.detectOptions);
    if (series.inclusive.length) detector.append(...series.inclusive);
    state.set.functions.set(label, series);
    state.tracked.set(label, { name: f.name, file: f.file, line: f.line, endLine: f.endLine, detector, series, reported: [], stable: new Map(), returned: new Set() });
  }

  private append(state: SeriesState, w: WindowAdded): void {
    state.set.times.push(w.time);
    state.windowIds.push(w.windowId);
    state.commits.push(w.commit);
    let runtime = 0;
    for (const f of w.functions) if (this.isRuntime(f)) runtime += f.inclusive;
    state.runtime.push(runtime);
    state.set.totals!.push(w.totalWeight * (1 - runtime));
    const shares = new Map(w.functions.map((f) => [functionLabel(f), f]));
    for (const [label, t] of state.tracked) {
      const f = shares.get(label);
      const inclusive = excludingRuntime(f?.inclusive ?? 0, runtime);
      t.series.inclusive.push(inclusive);
      t.series.self.push(excludingRuntime(f?.self ?? 0, runtime));
      t.detector.append(inclusive);
      if (f && f.line > 0) {
        t.line = f.line;
        t.endLine = f.endLine;
      }
    }
    for (const [caller, callee] of w.edges) addCaller(state.set, functionLabel(w.functions[caller]), functionLabel(w.functions[callee]));
    for (const f of w.functions) {
      if (state.tracked.size >= this.options.maxTracked) break;
      // A function that becomes expensive starts a series, backfilled from the store (which holds this window too).
      if (f.inclusive >= this.options.trackShare && !state.tracked.has(functionLabel(f)) && !this.ignores(f)) this.track(state, w.service, w.type, f);
    }
  }

  /** Unreported, confirmed rises that pass the filters, grouped across related functions. */
  private newRegressions(state: SeriesState, w: WindowAdded): NewRegression[] {
    const o = this.detectOptions;
    const periods = seasonalPeriods(state.set.times);
    const candidates: FunctionRegression[] = [];
    // Rises not yet confirmed: a related candidate at the same change waits for them, so one
    // regression is reported once, headed by the function whose own cost grew.
    const pending: { function: string; index: number }[] = [];
    for (const t of state.tracked.values()) {
      const cps = t.detector.changePoints();
      const stable = new Map(cps.map((cp) => [cp.index, (t.stable.get(cp.index) ?? 0) + 1]));
      t.stable = stable;
      // A reported rise followed by a confirmed return to the old level went away by itself.
      cps.forEach((cp, i) => {
        const next = cps[i + 1];
        if (!next || (stable.get(next.index) ?? 0) < this.options.stableWindows || next.afterCount < this.options.confirmPoints) return;
        const reported = t.reported.find((r) => Math.abs(r - cp.index) <= LOCALIZATION_TOLERANCE);
        if (reported === undefined || t.returned.has(reported)) return;
        const verdict = wentAway(cps, i);
        if (!verdict) return;
        t.returned.add(reported);
        this.wentAwayQueue.push({ service: w.service, type: w.type, name: t.name, file: t.file, index: reported, evidence: verdict.evidence });
      });
      cps.forEach((cp, i) => {
        if (!(cp.absoluteChange >= this.options.minAbsoluteChange)) return;
        if (stable.get(cp.index)! < this.options.stableWindows || cp.afterCount < this.options.confirmPoints) {
          if (!this.alreadyReported(t, cps, cp)) pending.push({ function: t.series.function, index: cp.index });
          return;
        }
        if (this.alreadyReported(t, cps, cp)) return;
        const values = t.series.inclusive;
        const filtered =
          belowFloor(cp, this.options.minAbsoluteChange) ??
          outlierDriven(values, cp, o) ??
          this.seasonalFilter(values, cp, periods) ??
          // Checked before went-away: moved cost explains the rise whatever the level does later.
          costShift(state.set, t.series.function, cp) ??
          restGotCheaper(state.set, t.series.function, cp) ??
          wentAway(cps, i) ??
          // A rise that undoes the dip just before it is a recovery: the dip went away.
          (i > 0 ? wentAway(cps, i - 1) : undefined);
        if (filtered) {
          const fn = t.series.function;
          // The same change, located a point or two off as windows arrived, keeps one entry.
          for (const [key, f] of state.filtered) if (f.function === fn && Math.abs(f.index - cp.index) <= LOCALIZATION_TOLERANCE) state.filtered.delete(key);
          state.filtered.set(`${fn}@${cp.index}`, { function: fn, type: w.type, index: cp.index, time: state.set.times[cp.index], commit: state.commits[cp.index], reason: filtered.reason, evidence: filtered.evidence });
          return;
        }
        const from = cp.index - cp.beforeCount;
        const to = cp.index + cp.afterCount;
        candidates.push({
          function: t.series.function,
          kind: 'inclusive',
          changePoint: cp,
          time: state.set.times[cp.index],
          selfChange: momentsOf(t.series.self, cp.index, to).mean - momentsOf(t.series.self, from, cp.index).mean,
        });
      });
    }
    const waiting = (c: FunctionRegression) =>
      pending.some((p) => Math.abs(p.index - c.changePoint.index) <= LOCALIZATION_TOLERANCE && areRelated(state.set.callers, p.function, c.function));
    const ready = candidates.filter((c) => !waiting(c) || state.set.times.length - 1 - c.changePoint.index > this.options.confirmPoints * 3);
    return groupRegressions(ready, state.set.callers, LOCALIZATION_TOLERANCE).map((group) => {
      for (const m of group.members) {
        state.tracked.get(m.function)!.reported.push(m.changePoint.index);
        // An explanation that no longer held as points arrived is not shown beside the finding.
        for (const [key, f] of state.filtered) if (f.function === m.function && Math.abs(f.index - m.changePoint.index) <= LOCALIZATION_TOLERANCE) state.filtered.delete(key);
      }
      return this.regressionOf(state, w, group.headline, group.members);
    });
  }

  /**
   * A change point seen with few points after it can move as points arrive. A candidate is
   * the change already reported when it sits within the tolerance of a reported index, or
   * when that reported index no longer matches any change point and no other change point
   * lies between the two (the same step, better located now; the index is updated).
   */
  private alreadyReported(t: TrackedFunction, cps: ChangePoint[], cp: ChangePoint): boolean {
    const near = (a: number, b: number) => Math.abs(a - b) <= LOCALIZATION_TOLERANCE;
    for (let i = 0; i < t.reported.length; i++) {
      const r = t.reported[i];
      if (near(r, cp.index)) return true;
      const [lo, hi] = r < cp.index ? [r, cp.index] : [cp.index, r];
      const stillThere = cps.some((c) => near(c.index, r));
      const between = cps.some((c) => c !== cp && c.index > lo && c.index < hi);
      if (!stillThere && !between) {
        t.reported[i] = cp.index;
        return true;
      }
    }
    return false;
  }

  /**
   * Seasonality, checked only for candidates (the incremental detector runs on the raw
   * series): like `findRegressions`, a change that disappears once the daily/weekly pattern
   * is removed is the pattern, not a regression.
   */
  private seasonalFilter(values: number[], cp: ChangePoint, periods: number[]): FilterVerdict | undefined {
    const { values: residual, patterns } = deseasonalize(values, periods);
    if (patterns.length === 0) return undefined;
    const o = this.detectOptions;
    const survives = detectChangePoints(residual, o).some((c) => c.absoluteChange > 0 && Math.abs(c.index - cp.index) <= o.minSegment);
    return survives ? undefined : seasonalVerdict(cp, patterns);
  }

  private regressionOf(state: SeriesState, w: WindowAdded, headline: FunctionRegression, members: FunctionRegression[]): NewRegression {
    const cp: ChangePoint = headline.changePoint;
    const t = state.tracked.get(headline.function)!;
    const point = (i: number) => ({ index: i, time: state.set.times[i], windowId: state.windowIds[i], commit: state.commits[i] });
    const describe = (m: FunctionRegression) => {
      const f = state.tracked.get(m.function)!;
      return { name: f.name, file: f.file, line: f.line, endLine: f.endLine, changePoint: m.changePoint, selfChange: m.selfChange };
    };
    return {
      service: w.service,
      type: w.type,
      function: { name: t.name, file: t.file, line: t.line },
      changeTime: state.set.times[cp.index],
      detectedAt: Date.now(),
      evidence: {
        metric: 'inclusive share',
        changePoint: cp,
        selfChange: headline.selfChange,
        endLine: t.endLine,
        ...commitBounds(state, cp.index, this.detectOptions.minSegment),
        detectedAtWindow: point(state.set.times.length - 1),
        related: members.filter((m) => m !== headline).map(describe),
      },
    };
  }
}

/**
 * The windows whose commits bound the suspect range. A change point found with few points
 * after it can sit several points off, so the range spans ±`radius` windows around it; code
 * cannot change inside one commit's windows, so when the band holds a single commit the
 * range widens to the neighbouring commits on both sides.
 */
function commitBounds(state: SeriesState, index: number, radius: number) {
  const n = state.set.times.length;
  const point = (i: number) => ({ index: i, time: state.set.times[i], windowId: state.windowIds[i], commit: state.commits[i] });
  let good = Math.max(0, index - 1 - radius);
  let bad = Math.min(n - 1, index + radius);
  const same = state.commits[good];
  if (same !== null && same === state.commits[bad]) {
    while (good > 0 && state.commits[good] === same) good--;
    while (bad < n - 1 && state.commits[bad] === same) bad++;
  }
  return { lastGood: point(good), firstBad: point(bad) };
}

function addCaller(set: SeriesSet, caller: string, callee: string): void {
  let callers = set.callers.get(callee);
  if (!callers) set.callers.set(callee, (callers = new Set()));
  callers.add(caller);
}

/** First index whose value is ≥ t. */
function lowerBound(sorted: number[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
