import type { Profile } from '../model';
import { matchFrames, type FramePattern } from './pattern';
import { TrieBuilder } from './trie';

/**
 * Keeps only the stacks that pass through a matching frame, re-rooted at the outermost
 * match: the result's roots are the matching frames, and everything they call hangs below.
 * Stacks without a match are dropped, so the total weight shrinks to the matched part.
 */
export function focusProfile(profile: Profile, pattern: FramePattern): Profile {
  const matches = matchFrames(profile.frames, pattern);
  // Samples at the root have no frame, so no match: they are dropped.
  return rebuild(profile, `${profile.name} (focused)`, false, (trie, map, node) => {
    const mapped = map[profile.nodeParent[node]];
    const frame = profile.nodeFrame[node];
    if (mapped > 0) return trie.child(mapped, frame);
    return matches[frame] ? trie.child(0, frame) : -1;
  });
}

/**
 * How `pruneProfile` treats a matching frame:
 * - `drop`: remove the frame and everything it calls; those samples leave the profile
 *   (e.g. drop idle or GC time);
 * - `hide`: remove just the frame; its callees move up to its caller and its self weight
 *   goes to the caller (e.g. hide framework plumbing between your functions).
 */
export type PruneMode = 'drop' | 'hide';

export function pruneProfile(profile: Profile, pattern: FramePattern, mode: PruneMode = 'drop'): Profile {
  const matches = matchFrames(profile.frames, pattern);
  return rebuild(profile, profile.name, true, (trie, map, node) => {
    const mapped = map[profile.nodeParent[node]];
    if (mapped < 0) return -1;
    const frame = profile.nodeFrame[node];
    if (!matches[frame]) return trie.child(mapped, frame);
    return mode === 'drop' ? -1 : mapped;
  });
}

type MapNode = (trie: TrieBuilder, map: Int32Array, node: number) => number;

/**
 * Rebuilds a profile through a node mapping (new node, or -1 to drop the node's samples).
 * The result shares the source's frames, so frame indices stay comparable. Line tables are
 * not carried over: they are per-frame sums over all samples and cannot be split by stack.
 * The timeline is carried over when it covers every sample, which also gives an exact
 * sample count; otherwise the sample count is scaled by the kept weight (exact when all
 * samples weigh the same, as in sampled CPU profiles).
 */
function rebuild(profile: Profile, name: string, keepRoot: boolean, mapNode: MapNode): Profile {
  const trie = new TrieBuilder(profile.nodeCount);
  const map = new Int32Array(profile.nodeCount);
  map[0] = keepRoot ? 0 : -1;
  for (let node = 1; node < profile.nodeCount; node++) map[node] = mapNode(trie, map, node);

  const timeline = profile.timeline && profile.timeline.node.length === profile.sampleCount ? profile.timeline : undefined;
  let totalWeight = 0;
  let sampleCount: number;
  let keptTimeline: Profile['timeline'];
  if (timeline) {
    let kept = 0;
    for (let i = 0; i < timeline.node.length; i++) if (map[timeline.node[i]] >= 0) kept++;
    keptTimeline = { node: new Int32Array(kept), weight: new Float64Array(kept), time: new Float64Array(kept) };
    let k = 0;
    for (let i = 0; i < timeline.node.length; i++) {
      const to = map[timeline.node[i]];
      if (to < 0) continue;
      const w = timeline.weight[i];
      trie.addSelf(to, w);
      totalWeight += w;
      keptTimeline.node[k] = to;
      keptTimeline.weight[k] = w;
      keptTimeline.time[k++] = timeline.time[i];
    }
    sampleCount = kept;
  } else {
    for (let node = 0; node < profile.nodeCount; node++) {
      const w = profile.nodeSelf[node];
      if (w !== 0 && map[node] >= 0) {
        trie.addSelf(map[node], w);
        totalWeight += w;
      }
    }
    sampleCount = profile.totalWeight > 0 ? Math.round((profile.sampleCount * totalWeight) / profile.totalWeight) : 0;
  }
  const out: Profile = {
    name,
    unit: profile.unit,
    frames: profile.frames,
    ...trie.finish(),
    sampleCount,
    totalWeight,
    lineSelf: new Map(),
    lineTotal: new Map(),
  };
  if (keptTimeline && keptTimeline.node.length > 0) {
    out.timeline = keptTimeline;
    if (profile.startTime !== undefined) out.startTime = profile.startTime;
    if (profile.endTime !== undefined) out.endTime = profile.endTime;
  }
  return out;
}
