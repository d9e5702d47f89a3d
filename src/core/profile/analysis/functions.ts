import type { Frame, Profile } from '../model';
import { compareText, topIds } from './top';
import { percentOf, weightsByKey } from './tree';

/**
 * A function: the frames that share a name, a file and a module. Profilers that report one
 * frame per line (pprof, perf) or per call-site column would otherwise split one function
 * into many rows. Anonymous functions keep their line and column in the identity, since
 * their name says nothing about which function they are.
 */
export interface FunctionInfo {
  name: string;
  file?: string;
  /** Smallest known line among its frames (the function's start when the profiler knows it). */
  line?: number;
  module?: string;
  /** Its first frame (the others: `frameFunction`). */
  frame: number;
}

export interface FunctionIndex {
  functions: FunctionInfo[];
  /** `functionKey` of each function, to match functions across profiles. */
  keys: string[];
  /** Function id of each frame. */
  frameFunction: Int32Array;
  /** Function id of each node (-1 for the root). Read only: it may be the profile's `nodeFrame`. */
  nodeFunction: Int32Array;
  /** The function whose `functionKey` is `key`, or -1. */
  idOf(key: string): number;
}

const ANONYMOUS = new Set(['', '(anonymous)', '<anonymous>', 'anonymous', '(anonymous function)']);

/**
 * The identity of a frame's function; equal keys across profiles mean the same function.
 * A frame with only a name (collapsed stacks, most perf frames) is keyed by its name, which
 * makes no string: the other keys hold NUL separators, so a name with a NUL in it takes that
 * longer form too.
 */
export function functionKey(frame: Frame): string {
  const { name, file, module } = frame;
  const anonymous = ANONYMOUS.has(name);
  if (!file && !module && !anonymous && name.indexOf('\u0000') < 0) return name;
  const base = `${name}\u0000${file ?? ''}\u0000${module ?? ''}`;
  return anonymous ? `${base}\u0000${frame.line ?? 0}:${frame.column ?? 0}` : base;
}

const indexCache = new WeakMap<Profile, FunctionIndex>();

export function functionIndex(profile: Profile): FunctionIndex {
  let index = indexCache.get(profile);
  if (index) return index;
  const functions: FunctionInfo[] = [];
  const keys: string[] = [];
  const frames = profile.frames;
  const frameFunction = new Int32Array(frames.length);
  // Keys to function ids: open addressing over 1 + the id, probed by an FNV-1a hash of the
  // key. A Map of 100 000 new string keys took 50 ms here, this 23 ms.
  let size = 16;
  while (size < frames.length * 2) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  // The slot of `key`: where it is, or the empty one where it goes.
  const slotOf = (key: string): number => {
    let hash = 0x811c9dc5;
    for (let c = 0; c < key.length; c++) hash = Math.imul(hash ^ key.charCodeAt(c), 0x01000193);
    let at = (hash ^ (hash >>> 15)) & mask;
    for (let entry = table[at]; entry !== 0 && keys[entry - 1] !== key; entry = table[at]) at = (at + 1) & mask;
    return at;
  };
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    const key = functionKey(frame);
    const at = slotOf(key);
    let id = table[at] - 1;
    if (id < 0) {
      id = functions.length;
      table[at] = id + 1;
      keys.push(key);
      const info: FunctionInfo = { name: frame.name, frame: i };
      if (frame.file) info.file = frame.file;
      if (frame.module) info.module = frame.module;
      if (frame.line) info.line = frame.line;
      functions.push(info);
    } else {
      const info = functions[id];
      if (frame.line && (info.line === undefined || frame.line < info.line)) info.line = frame.line;
    }
    frameFunction[i] = id;
  }
  // When every frame is a function of its own, in order (collapsed stacks, most perf and
  // speedscope files), node functions are node frames: no second array of a node each.
  let identity = functions.length === frames.length;
  for (let i = 0; identity && i < frames.length; i++) identity = frameFunction[i] === i;
  let nodeFunction = profile.nodeFrame;
  if (!identity) {
    nodeFunction = new Int32Array(profile.nodeCount);
    nodeFunction[0] = -1;
    for (let node = 1; node < profile.nodeCount; node++) nodeFunction[node] = frameFunction[profile.nodeFrame[node]];
  }
  index = { functions, keys, frameFunction, nodeFunction, idOf: (key) => table[slotOf(key)] - 1 };
  indexCache.set(profile, index);
  return index;
}

export interface Weights {
  self: Float64Array;
  total: Float64Array;
}

/** Self and total weight per frame (total counted once per stack). */
export function frameWeights(profile: Profile): Weights {
  return weightsByKey(profile, profile.nodeFrame, profile.frames.length);
}

const functionWeightsCache = new WeakMap<Profile, Weights>();

/** Self and total weight per function id of `functionIndex` (total counted once per stack). */
export function functionWeights(profile: Profile): Weights {
  let weights = functionWeightsCache.get(profile);
  if (!weights) {
    const { nodeFunction, functions } = functionIndex(profile);
    weights = weightsByKey(profile, nodeFunction, functions.length);
    functionWeightsCache.set(profile, weights);
  }
  return weights;
}

export interface HotFunction {
  /** Function id in `functionIndex(profile)`. */
  id: number;
  name: string;
  file?: string;
  line?: number;
  module?: string;
  self: number;
  total: number;
  /** Percent (0–100) of the profile's total weight. */
  selfPercent: number;
  totalPercent: number;
}

export interface RankOptions {
  by?: 'self' | 'total';
  /** How many to return (default 20; Infinity for all with weight). */
  top?: number;
}

/** Functions ordered by self or total weight, heaviest first; functions with no weight are left out. */
export function rankHotFunctions(profile: Profile, options: RankOptions = {}): HotFunction[] {
  const by = options.by ?? 'self';
  const top = options.top ?? 20;
  const { functions } = functionIndex(profile);
  const { self, total } = functionWeights(profile);
  const primary = by === 'self' ? self : total;
  const secondary = by === 'self' ? total : self;
  const order = (a: number, b: number) => primary[b] - primary[a] || secondary[b] - secondary[a] || compareText(functions[a].name, functions[b].name) || a - b;
  return topIds(functions.length, (id) => primary[id] > 0, order, top).map((id) => hotFunction(profile, id));
}

/** One function's numbers, as in `rankHotFunctions`. */
export function hotFunction(profile: Profile, id: number): HotFunction {
  const info = functionIndex(profile).functions[id];
  const self = functionWeights(profile).self[id];
  const total = functionWeights(profile).total[id];
  const out: HotFunction = {
    id,
    name: info.name,
    self,
    total,
    selfPercent: percentOf(self, profile.totalWeight),
    totalPercent: percentOf(total, profile.totalWeight),
  };
  if (info.file !== undefined) out.file = info.file;
  if (info.line !== undefined) out.line = info.line;
  if (info.module !== undefined) out.module = info.module;
  return out;
}

