import type { Profile } from '../model';

/**
 * Child links of a profile's trie (first child / next sibling; 0 = none, since the root is
 * never a child). Built once per profile and cached: every walk below reuses them.
 */
export interface ChildLinks {
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

const linksCache = new WeakMap<Profile, ChildLinks>();

export function childLinks(profile: Profile): ChildLinks {
  let links = linksCache.get(profile);
  if (!links) {
    const n = profile.nodeCount;
    const firstChild = new Int32Array(n);
    const nextSibling = new Int32Array(n);
    // Walking backwards keeps siblings in ascending node order.
    for (let node = n - 1; node > 0; node--) {
      const parent = profile.nodeParent[node];
      nextSibling[node] = firstChild[parent];
      firstChild[parent] = node;
    }
    links = { firstChild, nextSibling };
    linksCache.set(profile, links);
  }
  return links;
}

/**
 * Depth-first walk of the trie (root excluded) calling `enter` before a node's children and
 * `exit` after them, without recursion or a stack array: sibling and parent links suffice.
 */
export function walkTree(profile: Profile, enter: (node: number) => void, exit: (node: number) => void): void {
  const { firstChild, nextSibling } = childLinks(profile);
  const parent = profile.nodeParent;
  let node = firstChild[0];
  while (node > 0) {
    enter(node);
    const child = firstChild[node];
    if (child > 0) {
      node = child;
      continue;
    }
    for (;;) {
      exit(node);
      const next = nextSibling[node];
      if (next > 0) {
        node = next;
        break;
      }
      node = parent[node];
      if (node <= 0) return;
    }
  }
}

/**
 * Self and total weight per key (a key is a frame or a function id given per node; the
 * root's is never read). Total counts a key once per stack: a recursive call inside itself
 * adds nothing, so total never exceeds the profile's total weight.
 */
export function weightsByKey(profile: Profile, nodeKey: Int32Array, keyCount: number): { self: Float64Array; total: Float64Array } {
  const self = new Float64Array(keyCount);
  const total = new Float64Array(keyCount);
  const onStack = new Int32Array(keyCount);
  const nodeSelf = profile.nodeSelf;
  const nodeTotal = profile.nodeTotal;
  for (let node = 1; node < profile.nodeCount; node++) self[nodeKey[node]] += nodeSelf[node];
  walkTree(
    profile,
    (node) => {
      const key = nodeKey[node];
      if (onStack[key]++ === 0) total[key] += nodeTotal[node];
    },
    (node) => {
      onStack[nodeKey[node]]--;
    },
  );
  return { self, total };
}

/** Share of `total` in percent (0 when the total is 0). */
export function percentOf(weight: number, total: number): number {
  return total > 0 ? (weight / total) * 100 : 0;
}
