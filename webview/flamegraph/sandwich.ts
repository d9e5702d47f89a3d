/**
 * The sandwich view of one function: its direct callers above, its direct callees below, with
 * the weight that flows through each. The numbers come from the core's `callersAndCallees`
 * (pure TS, no Node), so the view and `hotpath` agree; functions are grouped the core's way
 * (frames sharing name, file and module are one function).
 */
import { callersAndCallees } from '../../src/core/profile/analysis/callgraph';
import { functionIndex } from '../../src/core/profile/analysis/functions';
import type { Profile } from '../../src/core/profile/model';
import type { WireProfile } from '../protocol';

export interface SandwichRow {
  /** A frame of the neighbour function (for reveal and navigation); -1 for "the root". */
  frame: number;
  name: string;
  weight: number;
  /** Share of the selected function's total that goes through this neighbour (0–1). */
  ofFunction: number;
  /** Share of the whole profile (0–1). */
  ofProfile: number;
}

export interface SandwichModel {
  frame: number;
  name: string;
  self: number;
  total: number;
  callers: SandwichRow[];
  callees: SandwichRow[];
}

// The core's analysis takes a Profile; the wire form lacks only the host-side line maps.
const asProfile = new WeakMap<WireProfile, Profile>();
function profileOf(wire: WireProfile): Profile {
  let p = asProfile.get(wire);
  if (!p) {
    p = { ...wire, lineSelf: new Map(), lineTotal: new Map() };
    asProfile.set(wire, p);
  }
  return p;
}

/** The sandwich of the function that `frame` belongs to. */
export function sandwichModel(wire: WireProfile, frame: number): SandwichModel {
  const profile = profileOf(wire);
  const { functions, frameFunction } = functionIndex(profile);
  const fn = frameFunction[frame];
  const n = callersAndCallees(profile, fn);
  const total = profile.totalWeight;
  const row = (id: number, weight: number): SandwichRow => ({
    frame: id < 0 ? -1 : functions[id].frame,
    name: id < 0 ? '(root)' : functions[id].name || '(anonymous)',
    weight,
    ofFunction: n.total > 0 ? weight / n.total : 0,
    ofProfile: total > 0 ? weight / total : 0,
  });
  return {
    frame,
    name: functions[fn].name || '(anonymous)',
    self: n.self,
    total: n.total,
    callers: n.callers.map((c) => row(c.id, c.weight)),
    callees: n.callees.map((c) => row(c.id, c.weight)),
  };
}
