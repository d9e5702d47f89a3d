import { grownFloat, grownInt } from './arrays';
import type { Frame, LineWeights, Profile, WeightUnit } from './model';

/**
 * Builds a Profile from samples. Importers intern frames once (`frame()`), then feed
 * stacks root-first (`appendSample`). The trie lookup is an open-addressing hash on
 * (parent, frame) so a million 60-deep samples stay cheap.
 */
export class ProfileBuilder {
  readonly frames: Frame[] = [];
  // Frame id by name, or for names shared by several frames a map by the other fields.
  private readonly frameIds = new Map<string, number | Map<string, number>>();

  private nodeCount = 1;
  private nodeFrame = new Int32Array(1024);
  private nodeParent = new Int32Array(1024);
  private nodeSelf = new Float64Array(1024);
  /**
   * One bit per node: set when its one child, made without a lookup, is not yet in the
   * lookup table. That child is always the next node (see child()), so a bit says it all.
   */
  private pending = new Int32Array(1024 >> 5);
  /** The node child() created last (it has no children yet). */
  private lastCreated = -1;
  /** Nodes in the lookup table (all but those pending). */
  private indexed = 0;

  // Hash table of (parent, frame) → node: slot i holds [node (0 = empty), frame] at 2i; the
  // parent is checked in nodeParent only when the frame matches. Two ints a slot, not four:
  // here a fresh page costs ~15 µs at its first touch, so the table's size is time (collapsed
  // import 927 → 885 ms, its rehash probes 224 → 122 ms).
  private slots = new Int32Array(2048 * 2);
  private mask = 2047;

  /** Where build() writes the nodes' totals, once an importer asked for it (see scratch()). */
  private totalsBuffer: ArrayBuffer | undefined;
  /** Nodes the last reserve() made room for, root included. */
  private reservedNodes = 0;

  private sampleCount = 0;
  private totalWeight = 0;

  private timelineNode: Int32Array | undefined;
  private timelineWeight: Float64Array | undefined;
  private timelineTime: Float64Array | undefined;
  private timelineLength = 0;

  // Line costs: per frame id (dense, so an array index), a map line → weight. A flat map keyed
  // by frame * 2^24 + line cost far more: its keys leave the small-integer range, so every
  // entry is a boxed number, and build() then had to regroup them.
  private readonly lineSelfByFrame: (LineWeights | undefined)[] = [];
  private readonly lineTotalByFrame: (LineWeights | undefined)[] = [];
  // Per-sample dedupe of (frame, line) for recursive stacks: the sample stamp of each frame.
  private frameStamp = new Int32Array(1024);
  private stampCounter = 0;

  startTime: number | undefined;
  endTime: number | undefined;

  constructor(
    public name: string,
    public unit: WeightUnit,
    options: { timeline?: boolean } = {},
  ) {
    this.nodeFrame[0] = -1;
    this.nodeParent[0] = -1;
    if (options.timeline) {
      this.timelineNode = new Int32Array(1024);
      this.timelineWeight = new Float64Array(1024);
      this.timelineTime = new Float64Array(1024);
    }
  }

  /** Interns a frame; equal name/file/line/column/module give the same index. */
  frame(frame: Frame): number {
    // Keyed by name first: most names are unique, and building a composite string key for
    // every call cost more than the rest of interning. Names shared by several frames
    // ("(anonymous)") get a second map keyed by the other fields.
    const name = frame.name;
    const file = frame.file || undefined;
    const line = frame.line || undefined;
    const column = frame.column || undefined;
    const module = frame.module || undefined;
    const found = this.frameIds.get(name);
    let byRest: Map<string, number> | undefined;
    let restKey = '';
    if (typeof found === 'number') {
      const f = this.frames[found];
      if (f.file === file && f.line === line && f.column === column && f.module === module) return found;
      byRest = new Map([[`${f.file ?? ''}\u0000${f.line ?? 0}\u0000${f.column ?? 0}\u0000${f.module ?? ''}`, found]]);
      this.frameIds.set(name, byRest);
    } else if (found) {
      byRest = found;
    }
    if (byRest) {
      restKey = `${file ?? ''}\u0000${line ?? 0}\u0000${column ?? 0}\u0000${module ?? ''}`;
      const id = byRest.get(restKey);
      if (id !== undefined) return id;
    }
    const id = this.frames.length;
    const clean: Frame = { name };
    if (file) clean.file = file;
    if (line) clean.line = line;
    if (column) clean.column = column;
    if (module) clean.module = module;
    this.frames.push(clean);
    if (byRest) byRest.set(restKey, id);
    else this.frameIds.set(name, id);
    return id;
  }

  /**
   * Makes room for `nodes` more call-tree nodes at once, for importers that know their tree's
   * size: growing the hash table step by step re-inserts every node at each doubling.
   */
  reserve(nodes: number, lookups = nodes): void {
    const total = this.nodeCount + nodes;
    if (this.nodeFrame.length < total) this.growNodes(total);
    this.reservedNodes = total;
    // `lookups`: the nodes expected in the lookup table, fewer when most are first children (see child()).
    if ((this.indexed + lookups) * 2 > this.mask) this.rehash((this.indexed + lookups) * 2);
  }

  /**
   * Returns the child of `parent` for `frame`, creating it when needed. When `parent` is the
   * node created last it has no children yet, so the new child is made without probing the
   * lookup table, and enters the table only when `parent` is asked for another child. Below
   * the point where a stack leaves the known tree every node is such a child, and most are
   * never looked up again: their probes (a cache miss each on a large tree) are saved.
   */
  child(parent: number, frame: number): number {
    if (parent === this.lastCreated) {
      // The node made last has no children yet; its first child is the next node.
      this.pending[parent >> 5] |= 1 << (parent & 31);
      return this.newNode(parent, frame);
    }
    const word = this.pending[parent >> 5];
    const bit = 1 << (parent & 31);
    if ((word & bit) !== 0) {
      this.pending[parent >> 5] = word & ~bit;
      this.index(parent + 1);
    }
    // Every probe runs every step, the empty slot that ends a miss included (node 0, the
    // root, has parent -1, so it never matches): a step first reached late, such as the first
    // hit in a sorted file, would throw away the compiled loop of an importer that inlines
    // this (see ByteInterner.find).
    const { slots, nodeParent } = this;
    const mask = this.mask;
    let h = slotHash(parent, frame) & mask;
    let found = 0;
    do {
      const at = h << 1;
      h = (h + 1) & mask;
      found = slots[at];
      if (((slots[at + 1] ^ frame) | (nodeParent[found] ^ parent) | (found === 0 ? 1 : 0)) === 0) return found;
    } while (found !== 0);
    // The empty slot is the one before h.
    const node = this.newNode(parent, frame);
    const at = ((h - 1) & mask) << 1;
    slots[at] = node;
    slots[at + 1] = frame;
    if (++this.indexed * 2 > this.mask) this.rehash();
    return node;
  }

  private newNode(parent: number, frame: number): number {
    const node = this.nodeCount++;
    if (node >= this.nodeFrame.length) this.growNodes();
    this.nodeFrame[node] = frame;
    this.nodeParent[node] = parent;
    this.lastCreated = node;
    return node;
  }

  /** Puts a node that child() made without a lookup into the lookup table. */
  private index(node: number): void {
    const frame = this.nodeFrame[node];
    let h = slotHash(this.nodeParent[node], frame) & this.mask;
    while (this.slots[h << 1] !== 0) h = (h + 1) & this.mask;
    this.slots[h << 1] = node;
    this.slots[(h << 1) + 1] = frame;
    if (++this.indexed * 2 > this.mask) this.rehash();
  }

  // The previous stack and its nodes: consecutive samples usually share most of their stack,
  // so the shared prefix is reused without hash lookups.
  private lastStack = new Int32Array(256);
  private lastNodes = new Int32Array(256);
  private lastDepth = 0;

  /** Node for a whole stack given root-first. */
  nodeFor(stack: ArrayLike<number>): number {
    const depth = stack.length;
    if (depth > this.lastStack.length) {
      this.lastStack = grownInt(this.lastStack, depth * 2);
      this.lastNodes = grownInt(this.lastNodes, depth * 2);
    }
    const lastStack = this.lastStack;
    const lastNodes = this.lastNodes;
    let i = 0;
    const shared = Math.min(depth, this.lastDepth);
    while (i < shared && lastStack[i] === stack[i]) i++;
    let node = i > 0 ? lastNodes[i - 1] : 0;
    for (; i < depth; i++) {
      node = this.child(node, stack[i]);
      lastStack[i] = stack[i];
      lastNodes[i] = node;
    }
    this.lastDepth = depth;
    return node;
  }

  /** Adds a sample: frames root-first, with optional per-frame lines and a timestamp. */
  appendSample(stack: ArrayLike<number>, weight: number, lines?: ArrayLike<number>, time?: number): void {
    this.appendToNode(this.nodeFor(stack), weight, time);
    if (lines) this.addLines(stack, lines, weight);
  }

  /** Adds weight to an existing node (importers with their own node ids use this). */
  appendToNode(node: number, weight: number, time?: number): void {
    this.nodeSelf[node] += weight;
    this.sampleCount++;
    this.totalWeight += weight;
    if (this.timelineNode && time !== undefined) {
      const i = this.timelineLength++;
      if (i >= this.timelineNode.length) this.growTimeline();
      this.timelineNode[i] = node;
      this.timelineWeight![i] = weight;
      this.timelineTime![i] = time;
    }
  }

  /** Counts `sampleCount` extra samples of zero weight (formats that count records separately). */
  addSampleCount(count: number): void {
    this.sampleCount += count;
  }

  /**
   * Records line cost: the leaf's line gets self weight, every (frame, line) in the stack
   * gets total weight once per sample. A line of 0 means unknown and is skipped.
   */
  addLines(stack: ArrayLike<number>, lines: ArrayLike<number>, weight: number): void {
    const n = stack.length;
    if (n === 0) return;
    const leafLine = lines[n - 1];
    if (leafLine > 0) addLine(this.lineSelfByFrame, stack[n - 1], leafLine, weight);
    const stamp = ++this.stampCounter;
    for (let i = 0; i < n; i++) {
      const line = lines[i];
      if (!(line > 0)) continue;
      const frame = stack[i];
      if (frame >= this.frameStamp.length) this.frameStamp = grownInt(this.frameStamp, Math.max(frame + 1, this.frameStamp.length * 2));
      if (this.frameStamp[frame] === stamp && seenBefore(stack, lines, i)) continue;
      this.frameStamp[frame] = stamp;
      addLine(this.lineTotalByFrame, frame, line, weight);
    }
  }

  /** Adds self-line weight for one frame directly (positionTicks-style data). */
  addLineSelf(frame: number, line: number, weight: number): void {
    if (line > 0) addLine(this.lineSelfByFrame, frame, line, weight);
  }

  /** Adds total-line weight for one frame directly. */
  addLineTotal(frame: number, line: number, weight: number): void {
    if (line > 0) addLine(this.lineTotalByFrame, frame, line, weight);
  }

  /**
   * The zero-filled buffer build() will overwrite with the nodes' totals (8 bytes per node
   * reserve() made room for), for the importer to keep tables of its own in until it calls
   * build(). Fresh memory costs a page fault at its first touch, here about 12 µs per 4 KiB
   * (30 times the cost of writing the page again); pages the importer touched cost build()
   * none. One importer's: a second call returns the same buffer.
   */
  scratch(): ArrayBuffer {
    return (this.totalsBuffer ??= new ArrayBuffer((this.reservedNodes || this.nodeFrame.length) * 8));
  }

  get samples(): number {
    return this.sampleCount;
  }

  /**
   * The finished profile. Importers that number their frames themselves (and never call
   * frame()) pass their frame table here, indexed by the frame ids they gave child().
   */
  build(frames: Frame[] = this.frames): Profile {
    const n = this.nodeCount;
    // The builder is spent: its lookup table goes first, and each array it hands over is a
    // view when nearly full (a copy would briefly double it) or a copy whose original it lets go.
    this.slots = new Int32Array(2);
    this.mask = 0;
    this.pending = new Int32Array(0);
    const nodeFrame = fitted(this.nodeFrame, n);
    const nodeParent = fitted(this.nodeParent, n);
    const nodeSelf = fitted(this.nodeSelf, n);
    this.nodeFrame = nodeFrame;
    this.nodeParent = nodeParent;
    this.nodeSelf = nodeSelf;
    const totals = this.totalsBuffer;
    this.totalsBuffer = undefined;
    let nodeTotal: Float64Array<ArrayBuffer>;
    if (totals && totals.byteLength >= n * 8) {
      nodeTotal = fitted(new Float64Array(totals), n);
      nodeTotal.set(nodeSelf);
    } else {
      nodeTotal = Float64Array.from(nodeSelf);
    }
    for (let i = n - 1; i > 0; i--) nodeTotal[nodeParent[i]] += nodeTotal[i];
    const profile: Profile = {
      name: this.name,
      unit: this.unit,
      frames,
      nodeCount: n,
      nodeFrame,
      nodeParent,
      nodeSelf,
      nodeTotal,
      sampleCount: this.sampleCount,
      totalWeight: this.totalWeight,
      lineSelf: byFrame(this.lineSelfByFrame),
      lineTotal: byFrame(this.lineTotalByFrame),
    };
    if (this.timelineNode && this.timelineLength > 0) {
      profile.timeline = {
        node: fitted(this.timelineNode, this.timelineLength),
        weight: fitted(this.timelineWeight!, this.timelineLength),
        time: fitted(this.timelineTime!, this.timelineLength),
      };
      this.dropTimeline();
    }
    if (this.startTime !== undefined) profile.startTime = this.startTime;
    if (this.endTime !== undefined) profile.endTime = this.endTime;
    return profile;
  }

  private growNodes(minSize = 0): void {
    const size = Math.max(this.nodeFrame.length * 2, minSize);
    this.nodeFrame = grownInt(this.nodeFrame, size);
    this.nodeParent = grownInt(this.nodeParent, size);
    this.nodeSelf = grownFloat(this.nodeSelf, size);
    this.pending = grownInt(this.pending, (size >> 5) + 1);
  }

  /**
   * Makes room for `samples` more timeline entries at once, for importers that know their
   * sample count: each doubling allocates fresh arrays, and on a large import every large
   * allocation can trigger a full garbage collection that walks the whole parsed document.
   */
  reserveTimeline(samples: number): void {
    if (!this.timelineNode) return;
    const total = this.timelineLength + samples;
    if (total > this.timelineNode.length) this.growTimeline(total);
  }

  /** Forgets the per-sample timeline (and stops keeping one): for inputs with too many samples. */
  dropTimeline(): void {
    this.timelineNode = undefined;
    this.timelineWeight = undefined;
    this.timelineTime = undefined;
    this.timelineLength = 0;
  }

  private growTimeline(atLeast = 0): void {
    const size = Math.max(this.timelineNode!.length * 2, atLeast);
    this.timelineNode = grownInt(this.timelineNode!, size);
    this.timelineWeight = grownFloat(this.timelineWeight!, size);
    this.timelineTime = grownFloat(this.timelineTime!, size);
  }

  /** Doubles the hash table, or grows it to hold more than `minSlots` slots. */
  private rehash(minSlots = 0): void {
    let size = (this.mask + 1) * 2;
    while (size <= minSlots) size *= 2;
    const slots = new Int32Array(size * 2);
    this.mask = size - 1;
    for (let node = 1; node < this.nodeCount; node++) {
      const parent = this.nodeParent[node];
      // Nodes child() made without a lookup stay out until their parent is asked for another child.
      if (node === parent + 1 && (this.pending[parent >> 5] & (1 << (parent & 31))) !== 0) continue;
      const frame = this.nodeFrame[node];
      let h = slotHash(parent, frame) & this.mask;
      while (slots[h << 1] !== 0) h = (h + 1) & this.mask;
      slots[h << 1] = node;
      slots[(h << 1) + 1] = frame;
    }
    this.slots = slots;
  }
}

/** murmur3's finalizer over (parent, frame): low bits depend on every input bit. */
function slotHash(parent: number, frame: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ frame;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function addLine(table: (LineWeights | undefined)[], frame: number, line: number, weight: number): void {
  let lines = table[frame];
  if (!lines) {
    // Fill the gap first so the array stays packed rather than turning into a dictionary.
    while (table.length < frame) table.push(undefined);
    table[frame] = lines = new Map();
  }
  lines.set(line, (lines.get(line) ?? 0) + weight);
}

function byFrame(table: (LineWeights | undefined)[]): Map<number, LineWeights> {
  const out = new Map<number, LineWeights>();
  for (let frame = 0; frame < table.length; frame++) {
    const lines = table[frame];
    if (lines) out.set(frame, lines);
  }
  return out;
}

/** Whether (stack[i], lines[i]) already occurred earlier in the same stack (recursion). */
function seenBefore(stack: ArrayLike<number>, lines: ArrayLike<number>, i: number): boolean {
  for (let j = 0; j < i; j++) if (stack[j] === stack[i] && lines[j] === lines[i]) return true;
  return false;
}

/** The first `length` values: a view when that is most of the array, else a copy. */
function fitted<T extends Int32Array | Float64Array>(a: T, length: number): T {
  return (length * 4 >= a.length * 3 ? a.subarray(0, length) : a.slice(0, length)) as T;
}
