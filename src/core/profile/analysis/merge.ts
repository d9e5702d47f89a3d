import { ProfileBuilder } from '../builder';
import type { Profile } from '../model';
import { TrieBuilder } from './trie';

/**
 * Merges profiles of the same unit into one: frames are interned across them, equal stacks
 * add up, line tables add up, sample counts and total weights add up. Timelines are left
 * out, since the inputs' clocks are unrelated.
 */
export function mergeProfiles(profiles: readonly Profile[], name = mergedName(profiles)): Profile {
  if (profiles.length === 0) throw new Error('nothing to merge: no profiles given');
  const unit = profiles[0].unit;
  const other = profiles.find((p) => p.unit !== unit);
  if (other) throw new Error(`cannot merge profiles with different units: "${profiles[0].name}" is in ${unit}, "${other.name}" in ${other.unit}`);
  // The builder interns frames and sums line tables; the trie is built directly.
  const frames = new ProfileBuilder(name, unit);
  const trie = new TrieBuilder(profiles.reduce((n, p) => n + p.nodeCount, 0));
  let sampleCount = 0;
  let totalWeight = 0;
  for (const profile of profiles) {
    const frameMap = Int32Array.from(profile.frames, (f) => frames.frame(f));
    const nodeMap = new Int32Array(profile.nodeCount);
    for (let node = 1; node < profile.nodeCount; node++) {
      nodeMap[node] = trie.child(nodeMap[profile.nodeParent[node]], frameMap[profile.nodeFrame[node]]);
    }
    for (let node = 0; node < profile.nodeCount; node++) trie.addSelf(nodeMap[node], profile.nodeSelf[node]);
    for (const [frame, lines] of profile.lineSelf) for (const [line, w] of lines) frames.addLineSelf(frameMap[frame], line, w);
    for (const [frame, lines] of profile.lineTotal) for (const [line, w] of lines) frames.addLineTotal(frameMap[frame], line, w);
    sampleCount += profile.sampleCount;
    totalWeight += profile.totalWeight;
  }
  const interned = frames.build();
  return { ...interned, ...trie.finish(), sampleCount, totalWeight };
}

function mergedName(profiles: readonly Profile[]): string {
  const names = [...new Set(profiles.map((p) => p.name))];
  return names.length === 1 ? names[0] : `merged (${profiles.length} profiles)`;
}
