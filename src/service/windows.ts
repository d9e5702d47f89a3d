import { weightsByKey } from '../core/profile/analysis/tree';
import { mergeProfiles } from '../core/profile/analysis/merge';
import type { Profile, ProfileSet, WeightUnit } from '../core/profile/model';
import type { FunctionShare, WindowInput } from './store/store';

/**
 * Turns an imported profile set into series windows: one per profile (sample type) that has
 * weight, with each function's inclusive and self share of the window's total weight.
 *
 * A function here is a (name, file) pair: line numbers move with every edit above a function,
 * and a series must stay one series across commits. Anonymous functions of one file therefore
 * share a series. Functions below `minShare` inclusive are not stored; their series read 0
 * there, which keeps storage proportional to the code that matters.
 */
export function windowsOf(set: ProfileSet, minShare: number, typeOverride?: string): WindowInput[] {
  return seriesProfiles(set, typeOverride).map(({ type, profile }) => windowOf(profile, minShare, type));
}

/**
 * The profiles of a set that feed series, each with its series type. pprof's sample types
 * are separate series ("cpu", "wall", "alloc_space"); other formats record one kind of cost
 * per file, so their threads are merged (a service's CPU share counts every thread) into
 * "cpu" for time and sample units, or the unit's name ("bytes", "objects") otherwise.
 * `typeOverride` renames the series when there is exactly one.
 */
export function seriesProfiles(set: ProfileSet, typeOverride?: string): { type: string; profile: Profile }[] {
  const weighted = set.profiles.filter((p) => p.totalWeight > 0);
  let out: { type: string; profile: Profile }[];
  if (set.format === 'pprof') {
    out = weighted.map((profile) => ({ type: profile.name.trim().toLowerCase() || profile.unit, profile }));
  } else {
    const byUnit = new Map<WeightUnit, Profile[]>();
    for (const p of weighted) byUnit.set(p.unit, [...(byUnit.get(p.unit) ?? []), p]);
    out = [...byUnit].map(([unit, profiles]) => ({
      type: unit === 'bytes' || unit === 'objects' ? unit : 'cpu',
      profile: profiles.length === 1 ? profiles[0] : mergeProfiles(profiles),
    }));
  }
  if (out.length === 1 && typeOverride) out[0].type = typeOverride;
  return out;
}

function windowOf(profile: Profile, minShare: number, type: string): WindowInput {
  const keys = new Map<string, number>();
  const refs: { name: string; file: string; line: number; endLine: number }[] = [];
  const frameKey = new Int32Array(profile.frames.length);
  profile.frames.forEach((frame, i) => {
    const k = `${frame.name}\u0000${frame.file ?? ''}`;
    let id = keys.get(k);
    if (id === undefined) {
      id = refs.length;
      keys.set(k, id);
      refs.push({ name: frame.name, file: frame.file ?? '', line: 0, endLine: 0 });
    }
    const ref = refs[id];
    const line = frame.line ?? 0;
    // The smallest line among a function's frames is its start when the profiler reports per-line frames.
    if (line > 0 && (ref.line === 0 || line < ref.line)) ref.line = line;
    // The last sampled line bounds the function's body from below; root cause matches diffs against it.
    let last = line;
    for (const l of profile.lineTotal.get(i)?.keys() ?? []) if (l > last) last = l;
    if (last > ref.endLine) ref.endLine = last;
    frameKey[i] = id;
  });
  const nodeKey = new Int32Array(profile.nodeCount);
  for (let node = 1; node < profile.nodeCount; node++) nodeKey[node] = frameKey[profile.nodeFrame[node]];
  const { self, total } = weightsByKey(profile, nodeKey, refs.length);
  const functions: FunctionShare[] = [];
  const stored = new Int32Array(refs.length).fill(-1);
  for (let id = 0; id < refs.length; id++) {
    const inclusive = total[id] / profile.totalWeight;
    if (inclusive === 0 || inclusive < minShare) continue;
    stored[id] = functions.length;
    functions.push({ ...refs[id], endLine: Math.max(refs[id].endLine, refs[id].line), inclusive, self: self[id] / profile.totalWeight });
  }
  const edges = new Map<number, [number, number]>();
  for (let node = 1; node < profile.nodeCount; node++) {
    const parent = profile.nodeParent[node];
    if (parent <= 0) continue;
    const caller = stored[nodeKey[parent]];
    const callee = stored[nodeKey[node]];
    if (caller < 0 || callee < 0 || caller === callee) continue;
    edges.set(caller * functions.length + callee, [caller, callee]);
  }
  return { type, unit: profile.unit, totalWeight: profile.totalWeight, sampleCount: profile.sampleCount, functions, edges: [...edges.values()] };
}
