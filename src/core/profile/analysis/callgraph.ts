import type { Frame, Profile } from '../model';
import { functionIndex, functionWeights } from './functions';
import type { FramePattern } from './pattern';
import { percentOf, walkTree } from './tree';
import { TrieBuilder } from './trie';

/** Function ids whose frames match the pattern, heaviest total first. */
export function findFunctions(profile: Profile, pattern: FramePattern): number[] {
  const { functions, frameFunction } = functionIndex(profile);
  const { total } = functionWeights(profile);
  const matched = new Uint8Array(functions.length);
  profile.frames.forEach((frame, i) => {
    if (matched[frameFunction[i]] === 0 && pattern(frame)) matched[frameFunction[i]] = 1;
  });
  const ids: number[] = [];
  for (let id = 0; id < functions.length; id++) if (matched[id] === 1) ids.push(id);
  return ids.sort((a, b) => total[b] - total[a] || a - b);
}

export interface CallPath {
  /** Function ids from the outermost caller down to the function itself. */
  path: number[];
  weight: number;
  /** Percent (0–100) of the profile's total weight. */
  percent: number;
}

/**
 * The heaviest distinct call paths from the root into a function. Each stack counts once,
 * at its outermost call of the function, so the weights of all paths add up to the
 * function's total. Paths are compared by function, so frames that differ only by line
 * fall on the same path.
 */
export function heaviestPaths(profile: Profile, fn: number, top = 5): CallPath[] {
  const { nodeFunction } = functionIndex(profile);
  const n = profile.nodeCount;
  // below[node] = 1 when an ancestor of node already calls `fn` (parents precede children).
  const below = new Uint8Array(n);
  const weights = new Map<string, { path: number[]; weight: number }>();
  for (let node = 1; node < n; node++) {
    const parent = profile.nodeParent[node];
    if (parent > 0 && (below[parent] || nodeFunction[parent] === fn)) {
      below[node] = 1;
      continue;
    }
    if (nodeFunction[node] !== fn) continue;
    const path: number[] = [];
    for (let at = node; at > 0; at = profile.nodeParent[at]) path.push(nodeFunction[at]);
    path.reverse();
    const key = path.join(',');
    const entry = weights.get(key);
    if (entry) entry.weight += profile.nodeTotal[node];
    else weights.set(key, { path, weight: profile.nodeTotal[node] });
  }
  return [...weights.values()]
    .sort((a, b) => b.weight - a.weight || compareIds(a.path, b.path))
    .slice(0, top)
    .map(({ path, weight }) => ({ path, weight, percent: percentOf(weight, profile.totalWeight) }));
}

export interface Neighbour {
  /** Function id, or -1 for "called from the root" (no caller recorded). */
  id: number;
  /** Weight of the function's time spent through this caller (or in this callee). */
  weight: number;
  percent: number;
}

export interface Neighbours {
  id: number;
  self: number;
  total: number;
  /** Direct callers, heaviest first; a caller's weight counts each stack once. */
  callers: Neighbour[];
  /** Direct callees, heaviest first; a callee's weight counts each stack once. */
  callees: Neighbour[];
}

/**
 * Callers and callees of one function with weights: the data of a sandwich view. Recursion
 * does not inflate the numbers: an edge (caller → function) found again deeper in the same
 * stack adds nothing.
 */
export function callersAndCallees(profile: Profile, fn: number): Neighbours {
  const { functions, nodeFunction } = functionIndex(profile);
  const count = functions.length;
  const callerWeight = new Float64Array(count + 1);
  const calleeWeight = new Float64Array(count);
  // Index `count` stands for the root as a caller.
  const callerOnStack = new Int32Array(count + 1);
  const calleeOnStack = new Int32Array(count);
  const parentOf = profile.nodeParent;
  walkTree(
    profile,
    (node) => {
      const parent = parentOf[node];
      if (nodeFunction[node] === fn) {
        const caller = parent > 0 ? nodeFunction[parent] : count;
        if (callerOnStack[caller]++ === 0) callerWeight[caller] += profile.nodeTotal[node];
      }
      if (parent > 0 && nodeFunction[parent] === fn) {
        const callee = nodeFunction[node];
        if (calleeOnStack[callee]++ === 0) calleeWeight[callee] += profile.nodeTotal[node];
      }
    },
    (node) => {
      const parent = parentOf[node];
      if (nodeFunction[node] === fn) callerOnStack[parent > 0 ? nodeFunction[parent] : count]--;
      if (parent > 0 && nodeFunction[parent] === fn) calleeOnStack[nodeFunction[node]]--;
    },
  );
  const list = (weights: Float64Array, idOf: (i: number) => number): Neighbour[] => {
    const out: Neighbour[] = [];
    weights.forEach((weight, i) => {
      if (weight > 0) out.push({ id: idOf(i), weight, percent: percentOf(weight, profile.totalWeight) });
    });
    return out.sort((a, b) => b.weight - a.weight || a.id - b.id);
  };
  const { self, total } = functionWeights(profile);
  return {
    id: fn,
    self: self[fn],
    total: total[fn],
    callers: list(callerWeight, (i) => (i === count ? -1 : i)),
    callees: list(calleeWeight, (i) => i),
  };
}


/**
 * The two trees of a sandwich view, keyed by function (frame i of each tree is function i of
 * `functionIndex(profile)`):
 * - `callees`: what the function calls, its calls from everywhere merged, rooted at it;
 * - `callers`: who calls it, inverted: rooted at it, each level one caller further out.
 * Each stack counts once, at its outermost call of the function, so both roots weigh the
 * function's total.
 */
export function sandwich(profile: Profile, fn: number): { callers: Profile; callees: Profile } {
  const { functions, nodeFunction } = functionIndex(profile);
  const n = profile.nodeCount;
  const calleeTrie = new TrieBuilder();
  const callerTrie = new TrieBuilder();
  // inside[node] = node of the callee tree, for nodes at or below an outermost call of fn.
  const inside = new Int32Array(n);
  let weight = 0;
  for (let node = 1; node < n; node++) {
    const parent = profile.nodeParent[node];
    const f = nodeFunction[node];
    if (parent > 0 && inside[parent] > 0) {
      inside[node] = calleeTrie.child(inside[parent], f);
    } else if (f === fn) {
      inside[node] = calleeTrie.child(0, f);
      const w = profile.nodeTotal[node];
      weight += w;
      let at = callerTrie.child(0, f);
      for (let up = parent; up > 0; up = profile.nodeParent[up]) at = callerTrie.child(at, nodeFunction[up]);
      callerTrie.addSelf(at, w);
    } else {
      continue;
    }
    calleeTrie.addSelf(inside[node], profile.nodeSelf[node]);
  }
  const frames: Frame[] = functions.map((info) => {
    const frame: Frame = { name: info.name };
    if (info.file !== undefined) frame.file = info.file;
    if (info.line !== undefined) frame.line = info.line;
    if (info.module !== undefined) frame.module = info.module;
    return frame;
  });
  // Per-node sample counts are unknown; scale by weight (exact for equal-weight samples).
  const sampleCount = profile.totalWeight > 0 ? Math.round((profile.sampleCount * weight) / profile.totalWeight) : 0;
  const tree = (trie: TrieBuilder, suffix: string): Profile => ({
    name: `${functions[fn].name} (${suffix})`,
    unit: profile.unit,
    frames,
    ...trie.finish(),
    sampleCount,
    totalWeight: weight,
    lineSelf: new Map(),
    lineTotal: new Map(),
  });
  return { callers: tree(callerTrie, 'callers'), callees: tree(calleeTrie, 'callees') };
}

function compareIds(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
