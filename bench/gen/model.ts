/**
 * A synthetic but realistically shaped workload for the import benchmark: a call tree whose
 * stacks share long prefixes (a hot "spine" with branches, like a real program's main loop),
 * a fixed set of distinct stacks drawn with a skewed distribution (a few hot stacks, a long
 * tail), and many distinct frames. Every format generator writes the same workload, so the
 * formats are compared on equal terms. Deterministic for a given seed.
 */

export interface WorkloadOptions {
  /** Samples to write (≥ 1 million for the reported numbers). */
  samples: number;
  /** Distinct frames (functions). */
  frames: number;
  /** Mean stack depth. */
  depth: number;
  /** Distinct stacks the samples are drawn from. */
  stacks: number;
  seed?: number;
}

export interface GenFrame {
  name: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

/** Small fast PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PACKAGES = ['app', 'http', 'db', 'json', 'render', 'auth', 'cache', 'queue', 'util', 'metrics', 'io', 'crypto'];
const VERBS = ['handle', 'parse', 'render', 'load', 'save', 'encode', 'decode', 'visit', 'compute', 'flush', 'merge', 'resolve', 'dispatch'];

export class Workload {
  readonly frames: GenFrame[] = [];
  /** Call tree: node 0 is the root (no frame). */
  nodeParent: Int32Array;
  nodeFrame: Int32Array;
  nodeCount = 1;
  /** Leaf node of each distinct stack. */
  readonly stackLeaf: Int32Array;
  /** Depth-first order of the distinct stacks (for formats that are written sorted). */
  readonly sortedStacks: Int32Array;

  constructor(readonly options: WorkloadOptions) {
    const random = rng(options.seed ?? 0x5eed);
    for (let i = 0; i < options.frames; i++) {
      const pkg = PACKAGES[i % PACKAGES.length];
      this.frames.push({
        name: `${pkg}.${pkg[0].toUpperCase()}${pkg.slice(1)}Service${i}.${VERBS[i % VERBS.length]}`,
        file: `/srv/app/src/${pkg}/service-${i % 4000}.ts`,
        line: 1 + ((i * 37) % 1200),
        column: 1 + (i % 40),
      });
    }
    let cap = 1 << 16;
    this.nodeParent = new Int32Array(cap);
    this.nodeFrame = new Int32Array(cap);
    this.nodeParent[0] = -1;
    this.nodeFrame[0] = -1;
    const children = new Map<number, number>();
    this.stackLeaf = new Int32Array(options.stacks);
    for (let s = 0; s < options.stacks; s++) {
      const depth = Math.max(2, options.depth - 10 + Math.floor(random() * 21));
      let node = 0;
      for (let d = 0; d < depth; d++) {
        // Mostly the same callee as the hot path; sometimes one of three others.
        const choice = random() < 0.93 ? 0 : 1 + Math.floor(random() * 3);
        const key = node * 4 + choice;
        let child = children.get(key);
        if (child === undefined) {
          child = this.nodeCount++;
          if (child >= cap) {
            cap *= 2;
            this.nodeParent = grow(this.nodeParent, cap);
            this.nodeFrame = grow(this.nodeFrame, cap);
          }
          this.nodeParent[child] = node;
          // New call sites cycle through the frames so all of them are used.
          this.nodeFrame[child] = (child - 1) % options.frames;
          children.set(key, child);
        }
        node = child;
      }
      this.stackLeaf[s] = node;
    }
    const order = Array.from({ length: options.stacks }, (_, i) => i);
    const paths = order.map((s) => this.stackNodes(s));
    order.sort((a, b) => {
      const pa = paths[a];
      const pb = paths[b];
      const n = Math.min(pa.length, pb.length);
      for (let i = 0; i < n; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
      return pa.length - pb.length;
    });
    this.sortedStacks = Int32Array.from(order);
  }

  /** Root-first trie nodes of a distinct stack. */
  stackNodes(stack: number): number[] {
    const out: number[] = [];
    for (let n = this.stackLeaf[stack]; n > 0; n = this.nodeParent[n]) out.push(n);
    return out.reverse();
  }

  /** Root-first frames of a distinct stack. */
  stackFrames(stack: number): number[] {
    return this.stackNodes(stack).map((n) => this.nodeFrame[n]);
  }

  /**
   * The sample sequence: which distinct stack each sample hits (skewed towards low indices)
   * and its time delta in microseconds (1 ms sampling with jitter). Generated on the fly so
   * tens of millions of samples need no memory.
   */
  *sampleStream(count = this.options.samples): Generator<{ stack: number; delta: number }> {
    const random = rng((this.options.seed ?? 0x5eed) ^ 0xa5a5);
    const stacks = this.options.stacks;
    const item = { stack: 0, delta: 0 };
    for (let i = 0; i < count; i++) {
      const u = random();
      item.stack = Math.floor(stacks * u * u * u);
      item.delta = 900 + Math.floor(random() * 200);
      yield item;
    }
  }
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
