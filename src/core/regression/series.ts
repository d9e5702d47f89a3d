/**
 * Per-function series from per-window profile aggregates. A function's share of samples is
 * far less noisy than a service-level metric (FBDetect: a 0.05% service-level change is a ~5%
 * change of the subroutine that caused it), so detection runs on these series.
 *
 * The input is plain numbers, so the service, the CLI or a test can feed it without a profile
 * in hand.
 */

/** One profile window, reduced to what detection needs. */
export interface WindowAggregate {
  /** Window time (ms since the epoch, or any increasing number). */
  time: number;
  /** Function → share of samples whose stack contains it (0..1). */
  inclusive: ReadonlyMap<string, number>;
  /** Function → share of samples whose leaf it is (0..1). */
  self: ReadonlyMap<string, number>;
  /** Function → the functions seen calling it in this window. */
  callers?: ReadonlyMap<string, Iterable<string>>;
  /** The window's total weight (samples, ns, …), when known. */
  total?: number;
}

export interface FunctionSeries {
  function: string;
  times: number[];
  /** Inclusive share per window; 0 where the function was not sampled. */
  inclusive: number[];
  /** Self share per window; 0 where the function was not sampled. */
  self: number[];
}

export interface SeriesSet {
  times: number[];
  functions: Map<string, FunctionSeries>;
  /** Function → its callers, over all windows. */
  callers: Map<string, Set<string>>;
  /**
   * Each window's total weight, when every window has one: it tells a share that rose because
   * the function cost more from one that rose because the rest cost less.
   */
  totals?: number[];
}

/**
 * Turns windows (in any order) into one series per function. A function absent from a window
 * was not sampled there, which is a share of 0, not a missing value.
 */
export function functionSeries(windows: readonly WindowAggregate[], options: { minPeakShare?: number } = {}): SeriesSet {
  const sorted = [...windows].sort((a, b) => a.time - b.time);
  const times = sorted.map((w) => w.time);
  const names = new Set<string>();
  for (const w of sorted) {
    for (const name of w.inclusive.keys()) names.add(name);
    for (const name of w.self.keys()) names.add(name);
  }
  const minPeak = options.minPeakShare ?? 0;
  const functions = new Map<string, FunctionSeries>();
  for (const name of names) {
    const inclusive = sorted.map((w) => w.inclusive.get(name) ?? 0);
    const self = sorted.map((w) => w.self.get(name) ?? 0);
    // Functions that never reach the floor cannot carry a regression worth a report.
    if (peak(inclusive) < minPeak && peak(self) < minPeak) continue;
    functions.set(name, { function: name, times, inclusive, self });
  }
  const callers = new Map<string, Set<string>>();
  for (const w of sorted) {
    for (const [callee, cs] of w.callers ?? []) {
      let set = callers.get(callee);
      if (!set) callers.set(callee, (set = new Set()));
      for (const c of cs) if (c !== callee) set.add(c);
    }
  }
  const set: SeriesSet = { times, functions, callers };
  if (sorted.length > 0 && sorted.every((w) => w.total !== undefined)) set.totals = sorted.map((w) => w.total!);
  return set;
}

function peak(values: number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

/**
 * True when `a` calls `b` or `b` calls `a`, directly or through up to `maxDepth` frames: a
 * callee's rise lifts the inclusive share of every caller above it, so those rises are one
 * regression, not several.
 */
export function areRelated(callers: ReadonlyMap<string, ReadonlySet<string>>, a: string, b: string, maxDepth = 8): boolean {
  return isCallerOf(callers, a, b, maxDepth) || isCallerOf(callers, b, a, maxDepth);
}

/** Whether `ancestor` is among the callers of `fn`, within `maxDepth` levels. */
export function isCallerOf(callers: ReadonlyMap<string, ReadonlySet<string>>, ancestor: string, fn: string, maxDepth = 8): boolean {
  let frontier = [fn];
  const seen = new Set(frontier);
  for (let depth = 0; depth < maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const f of frontier) {
      for (const c of callers.get(f) ?? []) {
        if (c === ancestor) return true;
        if (!seen.has(c)) {
          seen.add(c);
          next.push(c);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/**
 * A share of all samples re-expressed as a share of the samples not spent in the runtime
 * (garbage collection, idle, the engine itself): those move with machine load and heap timing,
 * so shares of all samples drift together when they do — the work of the code does not.
 */
export function excludingRuntime(share: number, runtimeShare: number): number {
  return runtimeShare < 1 ? share / (1 - runtimeShare) : 0;
}
