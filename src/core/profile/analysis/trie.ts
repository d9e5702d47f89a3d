import type { Profile } from '../model';

/**
 * Builds a new call trie from existing ones (merge, diff, focus, prune): the trie half of
 * ProfileBuilder without frame interning or sample bookkeeping, so derived profiles can keep
 * their source's frame indices. Children are found through an open-addressing table of
 * node ids keyed by (parent, frame).
 */
export class TrieBuilder {
  nodeCount = 1;
  nodeFrame: Int32Array;
  nodeParent: Int32Array;
  nodeSelf: Float64Array;
  /** Slots hold node + 1 (0 = empty). */
  private table: Int32Array;
  private mask: number;

  constructor(expectedNodes = 1024) {
    const capacity = Math.max(1024, expectedNodes + 1);
    this.nodeFrame = new Int32Array(capacity);
    this.nodeParent = new Int32Array(capacity);
    this.nodeSelf = new Float64Array(capacity);
    this.nodeFrame[0] = -1;
    this.nodeParent[0] = -1;
    let slots = 2048;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
  }

  /** The child of `parent` for `frame`, created when needed. */
  child(parent: number, frame: number): number {
    const table = this.table;
    let h = (Math.imul(parent, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca77)) & this.mask;
    for (;;) {
      const slot = table[h];
      if (slot === 0) break;
      if (this.nodeParent[slot - 1] === parent && this.nodeFrame[slot - 1] === frame) return slot - 1;
      h = (h + 1) & this.mask;
    }
    const node = this.nodeCount++;
    if (node >= this.nodeFrame.length) this.grow();
    this.nodeFrame[node] = frame;
    this.nodeParent[node] = parent;
    table[h] = node + 1;
    if (this.nodeCount * 2 > this.mask) this.rehash();
    return node;
  }

  addSelf(node: number, weight: number): void {
    this.nodeSelf[node] += weight;
  }

  /** The trie columns of a Profile, with totals summed bottom-up. */
  finish(): Pick<Profile, 'nodeCount' | 'nodeFrame' | 'nodeParent' | 'nodeSelf' | 'nodeTotal'> {
    const n = this.nodeCount;
    const nodeSelf = this.nodeSelf.slice(0, n);
    const nodeParent = this.nodeParent.slice(0, n);
    const nodeTotal = nodeSelf.slice();
    for (let i = n - 1; i > 0; i--) nodeTotal[nodeParent[i]] += nodeTotal[i];
    return { nodeCount: n, nodeFrame: this.nodeFrame.slice(0, n), nodeParent, nodeSelf, nodeTotal };
  }

  private grow(): void {
    const size = this.nodeFrame.length * 2;
    const frame = new Int32Array(size);
    frame.set(this.nodeFrame);
    this.nodeFrame = frame;
    const parent = new Int32Array(size);
    parent.set(this.nodeParent);
    this.nodeParent = parent;
    const self = new Float64Array(size);
    self.set(this.nodeSelf);
    this.nodeSelf = self;
  }

  private rehash(): void {
    const slots = (this.mask + 1) * 2;
    const table = new Int32Array(slots);
    const mask = slots - 1;
    for (let node = 1; node < this.nodeCount; node++) {
      let h = (Math.imul(this.nodeParent[node], 0x9e3779b1) ^ Math.imul(this.nodeFrame[node], 0x85ebca77)) & mask;
      while (table[h] !== 0) h = (h + 1) & mask;
      table[h] = node + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}
