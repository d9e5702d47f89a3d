import type { Frame, Profile, WeightUnit } from '../model';
import { functionIndex, functionWeights } from './functions';
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
  checkUnits(before, after);
  const rows = new Map<string, { frame: Frame; line?: number; b: [number, number]; a: [number, number] }>();
  const collect = (profile: Profile, side: 'b' | 'a') => {
    const { functions, keys } = functionIndex(profile);
    const { self, total } = functionWeights(profile);
    functions.forEach((fn, id) => {
      if (self[id] === 0 && total[id] === 0) return;
      const frame = profile.frames[fn.frame];
      const key = keys[id];
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { frame, b: [0, 0], a: [0, 0] }));
      if (fn.line !== undefined) row.line = fn.line;
      row[side] = [self[id], total[id]];
    });
  };
  collect(before, 'b');
  collect(after, 'a');
  return [...rows.values()].map(({ frame, line, b, a }) => {
    const out: FunctionDiff = {
      name: frame.name,
      self: change(b[0], a[0], before.totalWeight, after.totalWeight),
      total: change(b[1], a[1], before.totalWeight, after.totalWeight),
    };
    if (frame.file) out.file = frame.file;
    if (line !== undefined) out.line = line;
    if (frame.module) out.module = frame.module;
    return out;
  });
}

/** The functions whose share changed most (by absolute delta), largest first. */
export function rankChanges(diffs: readonly FunctionDiff[], options: { by?: 'self' | 'total'; top?: number } = {}): FunctionDiff[] {
  const by = options.by ?? 'self';
  return diffs
    .filter((d) => d[by].delta !== 0)
    .sort((x, y) => Math.abs(y[by].delta) - Math.abs(x[by].delta) || y[by].afterPercent - x[by].afterPercent || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .slice(0, options.top ?? 20);
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
