/**
 * Search: which frames match a query (case-insensitive substring of the name or file) and the
 * share of the total weight spent in matching frames, counting nested matches once.
 */
import type { WireFrame, WireProfile } from '../protocol';

/** 1 for each frame matching `query`; all zeros for an empty query. */
export function matchFrames(frames: readonly WireFrame[], query: string): Uint8Array {
  const matched = new Uint8Array(frames.length);
  const q = query.trim().toLowerCase();
  if (!q) return matched;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    if (f.name.toLowerCase().includes(q) || (f.file !== undefined && f.file.toLowerCase().includes(q))) matched[i] = 1;
  }
  return matched;
}

/**
 * Fraction (0..1) of the profile's weight spent under a matching frame. A match below another
 * match adds nothing (its weight is already inside the outer one).
 */
export function matchedShare(profile: WireProfile, matched: Uint8Array): number {
  const total = profile.nodeTotal[0];
  if (!(total > 0)) return 0;
  const covered = new Uint8Array(profile.nodeCount);
  let sum = 0;
  for (let n = 1; n < profile.nodeCount; n++) {
    const parent = profile.nodeParent[n];
    if (covered[parent]) covered[n] = 1;
    else if (matched[profile.nodeFrame[n]]) {
      covered[n] = 1;
      sum += profile.nodeTotal[n];
    }
  }
  return sum / total;
}
