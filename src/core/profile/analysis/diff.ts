import type { Frame, Profile, WeightUnit } from '../model';
import { functionIndex, functionWeights, type Weights } from './functions';
import { compareText, topIds } from './top';
import { percentOf } from './tree';
import { TrieBuilder } from './trie';

export interface ShareChange {
  before: number;
  after: number;
  /** Percent (0–100) of each profile's total weight. */
  beforePercent: number;
  afterPercent: number;
  /** afterPercent − beforePercent, in percentage points. */
  delta: number;
  /** delta / beforePercent (0.5 = the share grew by half); null when the function is new. */
  relative: number | null;
}

export interface FunctionDiff {
  name: string;
  file?: string;
  line?: number;
  module?: string;
  self: ShareChange;
  total: ShareChange;
}

/**
 * Per-function change in share of the total between two profiles. Functions are matched by
 * `functionKey` (name, file, module), so a function whose lines moved between versions
 * still matches. Shares, not raw weights, are compared: profiles of different lengths or
 * sampling rates stay comparable.
 */
export function diffFunctions(before: Profile, after: Profile): FunctionDiff[] {
  const pairs = matchFunctions(before, after);
  const out: FunctionDiff[] = [];
  for (let i = 0; i < pairs.count; i++) out.push(pairs.diff(i));
  return out;
}

/** The functions whose share changed most (by absolute delta), largest first. */
export function rankChanges(diffs: readonly FunctionDiff[], options: { by?: 'self' | 'total'; top?: number } = {}): FunctionDiff[] {
  const by = options.by ?? 'self';
  return diffs
    .filter((d) => d[by].delta !== 0)
    .sort((x, y) => Math.abs(y[by].delta) - Math.abs(x[by].delta) || y[by].afterPercent - x[by].afterPercent || compareText(x.name, y.name))
    .slice(0, options.top ?? 20);
}

/**
 * `rankChanges(diffFunctions(before, after), options)`, making only the rows it returns: on
 * two 100 000-function profiles, making every row took 450-600 ms of `hotpath profile diff`.
 */
export function topChanges(before: Profile, after: Profile, options: { by?: 'self' | 'total'; top?: number } = {}): FunctionDiff[] {
  const by = options.by ?? 'self';
  const pairs = matchFunctions(before, after);
  const bw = functionWeights(before)[by];
  const aw = functionWeights(after)[by];
  const afterPercent = new Float64Array(pairs.count);
  const delta = new Float64Array(pairs.count);
  for (let i = 0; i < pairs.count; i++) {
    const bid = pairs.before[i];
    const aid = pairs.after[i];
    afterPercent[i] = percentOf(aid >= 0 ? aw[aid] : 0, after.totalWeight);
    delta[i] = afterPercent[i] - percentOf(bid >= 0 ? bw[bid] : 0, before.totalWeight);
  }
  // rankChanges's order; its sort is stable, so the last tie-break is the row's place.
  const order = (x: number, y: number) => Math.abs(delta[y]) - Math.abs(delta[x]) || afterPercent[y] - afterPercent[x] || compareText(pairs.name(x), pairs.name(y)) || x - y;
  return topIds(pairs.count, (i) => delta[i] !== 0, order, options.top ?? 20).map((i) => pairs.diff(i));
}

interface FunctionPairs {
  count: number;
  /** Per row: the function's id in each profile, or -1 where it has no weight. */
  before: Int32Array;
  after: Int32Array;
  name(row: number): string;
  diff(row: number): FunctionDiff;
}

/**
 * The rows of a diff: functions with weight before, in its order (paired with the same
 * function after when it has weight there), then those with weight only after. A row's
 * frame is from the first profile that has it; its line is the after profile's when known.
 */
function matchFunctions(before: Profile, after: Profile): FunctionPairs {
  checkUnits(before, after);
  const b = functionIndex(before);
  const a = functionIndex(after);
  const bw = functionWeights(before);
  const aw = functionWeights(after);
  const weighed = (w: Weights, id: number) => id >= 0 && (w.self[id] !== 0 || w.total[id] !== 0);
  const rowsBefore: number[] = [];
  const rowsAfter: number[] = [];
  for (let bid = 0; bid < b.functions.length; bid++) {
    if (!weighed(bw, bid)) continue;
    const aid = a.idOf(b.keys[bid]);
    rowsBefore.push(bid);
    rowsAfter.push(weighed(aw, aid) ? aid : -1);
  }
  for (let aid = 0; aid < a.functions.length; aid++) {
    if (!weighed(aw, aid) || weighed(bw, b.idOf(a.keys[aid]))) continue;
    rowsBefore.push(-1);
    rowsAfter.push(aid);
  }
  const rowBefore = Int32Array.from(rowsBefore);
  const rowAfter = Int32Array.from(rowsAfter);
  const frameOf = (row: number): Frame => {
    const bid = rowBefore[row];
    return bid >= 0 ? before.frames[b.functions[bid].frame] : after.frames[a.functions[rowAfter[row]].frame];
  };
  return {
    count: rowBefore.length,
    before: rowBefore,
    after: rowAfter,
    name: (row) => frameOf(row).name,
    diff(row) {
      const bid = rowBefore[row];
      const aid = rowAfter[row];
      const frame = frameOf(row);
      const line = aid >= 0 && a.functions[aid].line !== undefined ? a.functions[aid].line : bid >= 0 ? b.functions[bid].line : undefined;
      const fn: FunctionDiff = {
        name: frame.name,
        self: change(bid >= 0 ? bw.self[bid] : 0, aid >= 0 ? aw.self[aid] : 0, before.totalWeight, after.totalWeight),
        total: change(bid >= 0 ? bw.total[bid] : 0, aid >= 0 ? aw.total[aid] : 0, before.totalWeight, after.totalWeight),
      };
      if (frame.file) fn.file = frame.file;
      if (line !== undefined) fn.line = line;
      if (frame.module) fn.module = frame.module;
      return fn;
    },
  };
}

function change(before: number, after: number, beforeTotal: number, afterTotal: number): ShareChange {
  const beforePercent = percentOf(before, beforeTotal);
  const afterPercent = percentOf(after, afterTotal);
  const delta = afterPercent - beforePercent;
  return { before, after, beforePercent, afterPercent, delta, relative: beforePercent > 0 ? delta / beforePercent : null };
}

/**
 * The union of two call trees for a differential flame graph. Nodes are keyed by function
 * path; the after-tree's nodes come first (in its order), then paths only seen before, which
 * carry an after weight of 0. Parents precede children, as in a Profile.
 */
export interface DiffTree {
  unit: WeightUnit;
  /** One representative frame per function. */
  frames: Frame[];
  nodeCount: number;
  nodeFrame: Int32Array;
  nodeParent: Int32Array;
  beforeSelf: Float64Array;
  beforeTotal: Float64Array;
  afterSelf: Float64Array;
  afterTotal: Float64Array;
  beforeTotalWeight: number;
  afterTotalWeight: number;
}

export function diffTree(before: Profile, after: Profile): DiffTree {
  checkUnits(before, after);
  const frames: Frame[] = [];
  // One frame per function key, so frames that differ by line share a node.
  const keyFrame = new Map<string, number>();
  const trie = new TrieBuilder(after.nodeCount + before.nodeCount);
  const mapNodes = (profile: Profile): Int32Array => {
    const { functions, keys, nodeFunction } = functionIndex(profile);
    const fnFrame = Int32Array.from(functions, (fn, id) => {
      let frame = keyFrame.get(keys[id]);
      if (frame === undefined) {
        frame = frames.length;
        frames.push(fn.line === undefined ? profile.frames[fn.frame] : { ...profile.frames[fn.frame], line: fn.line });
        keyFrame.set(keys[id], frame);
      }
      return frame;
    });
    const map = new Int32Array(profile.nodeCount);
    for (let node = 1; node < profile.nodeCount; node++) {
      map[node] = trie.child(map[profile.nodeParent[node]], fnFrame[nodeFunction[node]]);
    }
    return map;
  };
  const afterMap = mapNodes(after);
  const beforeMap = mapNodes(before);
  const { nodeCount, nodeFrame, nodeParent } = trie.finish();
  const weigh = (profile: Profile, map: Int32Array) => {
    const self = new Float64Array(nodeCount);
    const total = new Float64Array(nodeCount);
    // Nodes that differ only by line map to one union node; their sample sets are disjoint.
    for (let node = 0; node < profile.nodeCount; node++) {
      self[map[node]] += profile.nodeSelf[node];
      total[map[node]] += profile.nodeTotal[node];
    }
    return { self, total };
  };
  const b = weigh(before, beforeMap);
  const a = weigh(after, afterMap);
  return {
    unit: after.unit,
    frames,
    nodeCount,
    nodeFrame,
    nodeParent,
    beforeSelf: b.self,
    beforeTotal: b.total,
    afterSelf: a.self,
    afterTotal: a.total,
    beforeTotalWeight: before.totalWeight,
    afterTotalWeight: after.totalWeight,
  };
}

function checkUnits(before: Profile, after: Profile): void {
  if (before.unit !== after.unit) {
    throw new Error(`cannot compare profiles with different units: before is in ${before.unit}, after in ${after.unit}`);
  }
}
