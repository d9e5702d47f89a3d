/**
 * The top-functions table: self and total weight per frame. Total counts a frame once per
 * stack, so recursion does not inflate it.
 */
import type { WireProfile } from '../protocol';
import { childrenOf } from './layout';

export interface FunctionRow {
  frame: number;
  self: number;
  total: number;
}

export type SortKey = 'self' | 'total';

export function topFunctions(profile: WireProfile): FunctionRow[] {
  const frames = profile.frames.length;
  const self = new Float64Array(frames);
  const total = new Float64Array(frames);
  const onPath = new Int32Array(frames);
  const { start, child } = childrenOf(profile);
  // iterative DFS; a negative entry means "leaving that node"
  const stack: number[] = [];
  for (let i = start[0]; i < start[1]; i++) stack.push(child[i]);
  while (stack.length) {
    const entry = stack.pop()!;
    if (entry < 0) {
      onPath[profile.nodeFrame[~entry]]--;
      continue;
    }
    const f = profile.nodeFrame[entry];
    self[f] += profile.nodeSelf[entry];
    if (onPath[f] === 0) total[f] += profile.nodeTotal[entry];
    onPath[f]++;
    stack.push(~entry);
    for (let i = start[entry]; i < start[entry + 1]; i++) stack.push(child[i]);
  }
  const rows: FunctionRow[] = [];
  for (let f = 0; f < frames; f++) if (total[f] > 0 || self[f] > 0) rows.push({ frame: f, self: self[f], total: total[f] });
  return sortRows(rows, 'self');
}

/** Heaviest first by `key`, ties broken by the other weight, then by frame index. */
export function sortRows(rows: FunctionRow[], key: SortKey): FunctionRow[] {
  const other: SortKey = key === 'self' ? 'total' : 'self';
  return rows.sort((a, b) => b[key] - a[key] || b[other] - a[other] || a.frame - b.frame);
}
