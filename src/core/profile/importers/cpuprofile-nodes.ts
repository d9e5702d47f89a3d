import { containerEnd, skipSpace, type ElementsRead } from '../json/stream';
import { ByteInterner, ByteViews, sampledHash } from '../text/interner';
import { grownFloat, grownInt } from '../arrays';

/** What NodeBytesReader hands over: one node's fields, its call frame already interned. */
export interface NodeSink {
  /** The code (see CpuProfileAssembler.callFrameCode) of a call frame read by JSON.parse; -1 when it is not one. */
  callFrameCode(callFrame: unknown): number;
  /**
   * `children[childStart…]` holds the node's `childCount` children, `ticks[tickStart…]` its
   * `tickCount` (line, ticks) pairs.
   */
  addNodeParts(id: number, frameCode: number, hitCount: number, parent: number, children: Float64Array, childStart: number, childCount: number, ticks: Float64Array, tickStart: number, tickCount: number): void;
}

/**
 * Reads the elements of a `.cpuprofile` `nodes` array straight from the bytes
 * (JsonHandler.elements), in the layout V8 and DevTools write: objects with the members
 * `id`, `callFrame`, `hitCount`, `children`, `parent` and `positionTicks`, in any order, with
 * integer numbers. A call frame is interned by its bytes, so each distinct one is parsed (by
 * `JSON.parse`, escapes and all) once, however many nodes share it. An element in any other
 * form (another member, a fraction, a repeated member, an escape in a key), or one not
 * complete in the buffer, is left to the generic reader, which materializes it and lets the
 * assembler check it: nothing here reports an error.
 *
 * Profiled on the import bench (1 M samples, 576 542 nodes, 125 MB), nodes through
 * `JSON.parse`, in batches, took 1.05 s of a 1.28 s import: parsing, garbage collection of
 * the node objects and interning their frames by strings.
 */
export class NodeBytesReader {
  private readonly frames = new ByteInterner();
  /** Per interned call frame: its code. */
  private codes = new Int32Array(1024);
  private children = new Float64Array(64);
  private ticks = new Float64Array(64);
  /** The buffer being read, as a DataView and as a Buffer. */
  private readonly bytes = new ByteViews();
  /** The hash of the bytes of the last find. */
  private hash = 0;
  /** The last key readKey read. */
  private keyAt = 0;
  private keyLength = 0;
  /** Where the last readInt stopped. */
  private intEnd = 0;
  /** The code of the last call frame read. */
  private code = 0;

  constructor(private readonly sink: NodeSink) {}

  /** JsonHandler.elements: reads nodes from `start` while they are complete and in the known form. */
  read(buf: Uint8Array, start: number, end: number, read: ElementsRead): void {
    this.bytes.use(buf);
    let pos = start;
    let count = 0;
    let done = start;
    for (;;) {
      const next = this.readNode(buf, pos, end);
      if (next < 0) break;
      count++;
      done = next;
      pos = skipSpace(buf, next, end);
      if (pos >= end || buf[pos] !== 0x2c /* , */) break;
      pos = skipSpace(buf, pos + 1, end);
    }
    read.pos = done;
    read.count = count;
  }

  /** One node at `start`; the position after its '}', or -1 (left to the generic reader). */
  private readNode(buf: Uint8Array, start: number, end: number): number {
    if (start >= end || buf[start] !== 0x7b /* { */) return -1;
    let p = skipSpace(buf, start + 1, end);
    let id = NaN;
    let code = -1;
    let hits = 0;
    let parent = NaN;
    let seen = 0;
    let childCount = 0;
    let tickCount = 0;
    for (;;) {
      p = this.readKey(buf, p, end);
      if (p < 0) return -1;
      const member = nodeMember(buf, this.keyAt, this.keyLength);
      if (member === 0 || (seen & member) !== 0) return -1;
      seen |= member;
      if (member === CALL_FRAME) {
        p = this.readCallFrame(buf, p, end);
        code = this.code;
      } else if (member === CHILDREN) {
        p = this.readChildren(buf, p, end);
        childCount = this.intEnd;
      } else if (member === POSITION_TICKS) {
        p = this.readTicks(buf, p, end);
        tickCount = this.intEnd;
      } else {
        const value = this.readInt(buf, p, end);
        p = this.intEnd;
        if (member === ID) id = value;
        else if (member === HIT_COUNT) hits = value;
        else parent = value;
      }
      if (p < 0) return -1;
      p = this.next(buf, p, end, 0x7d /* } */);
      if (p === -1) return -1;
      if (p < -1) {
        p = -2 - p;
        break;
      }
    }
    // The members the assembler requires, in the types it accepts.
    if ((seen & (ID | CALL_FRAME)) !== (ID | CALL_FRAME) || id !== id || code < 0) return -1;
    if ((seen & HIT_COUNT) !== 0 && hits !== hits) return -1;
    if ((seen & PARENT) !== 0 && parent !== parent) return -1;
    this.sink.addNodeParts(id, code, hits > 0 ? hits : 0, parent, this.children, 0, childCount, this.ticks, 0, tickCount);
    return p;
  }

  /**
   * An integer at `p` (JSON's syntax, at most 15 digits), its end in intEnd; NaN when it is
   * another number, not a number, or may continue past `end`.
   */
  private readInt(buf: Uint8Array, p: number, end: number): number {
    const negative = buf[p] === 0x2d; /* - */
    let i = negative ? p + 1 : p;
    const first = i;
    let value = 0;
    while (i < end) {
      const d = buf[i] - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      i++;
    }
    this.intEnd = i;
    const digits = i - first;
    if (i >= end || digits === 0 || digits > 15 || (digits > 1 && buf[first] === 0x30)) return NaN;
    const c = buf[i];
    if (c === 0x2e || c === 0x65 || c === 0x45) return NaN; /* . e E */
    return negative ? -value : value;
  }

  /** `children` at `p`: integers into this.children, their count in intEnd; -1 when not that. */
  private readChildren(buf: Uint8Array, p: number, end: number): number {
    if (buf[p] !== 0x5b /* [ */) return -1;
    p = skipSpace(buf, p + 1, end);
    let n = 0;
    if (p < end && buf[p] === 0x5d /* ] */) {
      this.intEnd = 0;
      return p + 1;
    }
    for (;;) {
      const child = this.readInt(buf, p, end);
      if (child !== child) return -1;
      if (n === this.children.length) this.children = grownFloat(this.children, n * 2);
      this.children[n++] = child;
      p = this.next(buf, this.intEnd, end, 0x5d /* ] */);
      if (p === -1) return -1;
      if (p < -1) {
        this.intEnd = n;
        return -2 - p;
      }
    }
  }

  /** `positionTicks` at `p`: {line, ticks} objects into this.ticks, their count in intEnd; -1 when not that. */
  private readTicks(buf: Uint8Array, p: number, end: number): number {
    if (buf[p] !== 0x5b) return -1;
    p = skipSpace(buf, p + 1, end);
    let n = 0;
    if (p < end && buf[p] === 0x5d) {
      this.intEnd = 0;
      return p + 1;
    }
    for (;;) {
      if (p >= end || buf[p] !== 0x7b) return -1;
      p = skipSpace(buf, p + 1, end);
      let line = NaN;
      let ticks = NaN;
      for (;;) {
        p = this.readKey(buf, p, end);
        if (p < 0) return -1;
        const value = this.readInt(buf, p, end);
        if (value !== value) return -1;
        if (isKey(buf, this.keyAt, this.keyLength, LINE) && line !== line) line = value;
        else if (isKey(buf, this.keyAt, this.keyLength, TICKS) && ticks !== ticks) ticks = value;
        else return -1;
        p = this.next(buf, this.intEnd, end, 0x7d);
        if (p === -1) return -1;
        if (p < -1) {
          p = -2 - p;
          break;
        }
      }
      if (line !== line || ticks !== ticks) return -1;
      if (2 * n + 2 > this.ticks.length) this.ticks = grownFloat(this.ticks, this.ticks.length * 2);
      this.ticks[2 * n] = line;
      this.ticks[2 * n + 1] = ticks;
      n++;
      p = this.next(buf, p, end, 0x5d);
      if (p === -1) return -1;
      if (p < -1) {
        this.intEnd = n;
        return -2 - p;
      }
    }
  }

  /** A key at `p` (no escapes), its bytes at keyAt and keyLength; where its value starts, or -1. */
  private readKey(buf: Uint8Array, p: number, end: number): number {
    if (p >= end || buf[p] !== 0x22 /* " */) return -1;
    const key = p + 1;
    let q = key;
    while (q < end && buf[q] !== 0x22 && buf[q] !== 0x5c) q++;
    if (q >= end || buf[q] !== 0x22) return -1;
    this.keyAt = key;
    this.keyLength = q - key;
    p = skipSpace(buf, q + 1, end);
    if (p >= end || buf[p] !== 0x3a /* : */) return -1;
    p = skipSpace(buf, p + 1, end);
    return p < end ? p : -1;
  }

  /**
   * After a member or element ending at `p`: the position of the next one, past a ',';
   * -2 - the position past `close` when it comes instead; -1 for anything else.
   */
  private next(buf: Uint8Array, p: number, end: number, close: number): number {
    p = skipSpace(buf, p, end);
    if (p >= end) return -1;
    if (buf[p] === 0x2c /* , */) return skipSpace(buf, p + 1, end);
    return buf[p] === close ? -3 - p : -1;
  }

  /**
   * The call frame object at `p`, its code in this.code; returns the position after it, or
   * -1. Found by its bytes; the first time they are seen, parsed and interned.
   */
  private readCallFrame(buf: Uint8Array, p: number, end: number): number {
    if (buf[p] !== 0x7b) return -1;
    // Most call frames hold no '}' in a string: their first '}' (found by memchr) ends them if
    // the bytes up to it are a call frame seen before. Bytes equal to a whole object seen
    // before are that object, so no other check is needed.
    const close = this.bytes.text.indexOf(0x7d, p);
    if (close >= 0 && close < end) {
      const known = this.find(p, close + 1);
      if (known >= 0) {
        this.code = this.codes[known];
        return close + 1;
      }
    }
    const stop = containerEnd(buf, p, end);
    if (stop < 0) return -1;
    let known = this.find(p, stop);
    if (known < 0) {
      let callFrame: unknown;
      try {
        callFrame = JSON.parse(this.bytes.text.toString('utf8', p, stop));
      } catch {
        return -1;
      }
      const code = this.sink.callFrameCode(callFrame);
      if (code < 0) return -1;
      known = this.frames.add(buf, p, stop, this.hash);
      if (known >= this.codes.length) this.codes = grownInt(this.codes, this.codes.length * 2);
      this.codes[known] = code;
    }
    this.code = this.codes[known];
    return stop;
  }

  /** The interned call frame of bytes [start, stop), or -1; their hash in this.hash. */
  private find(start: number, stop: number): number {
    const view = this.bytes.view;
    const hash = sampledHash(view, start, stop);
    this.hash = hash;
    return this.frames.findLong(view, start, stop, hash);
  }
}

function isKey(buf: Uint8Array, at: number, length: number, key: Uint8Array): boolean {
  if (length !== key.length) return false;
  for (let i = 0; i < length; i++) if (buf[at + i] !== key[i]) return false;
  return true;
}

const bytesOf = (s: string) => new TextEncoder().encode(s);
// A node's members, as bits of the set seen.
const ID = 1;
const CALL_FRAME = 2;
const HIT_COUNT = 4;
const PARENT = 8;
const CHILDREN = 16;
const POSITION_TICKS = 32;
const NODE_MEMBERS: [Uint8Array, number][] = [
  [bytesOf('id'), ID],
  [bytesOf('callFrame'), CALL_FRAME],
  [bytesOf('hitCount'), HIT_COUNT],
  [bytesOf('parent'), PARENT],
  [bytesOf('children'), CHILDREN],
  [bytesOf('positionTicks'), POSITION_TICKS],
];
const LINE = bytesOf('line');
const TICKS = bytesOf('ticks');

/** The member bit of the key at `at`, 0 for a key that is not one of a node's. */
function nodeMember(buf: Uint8Array, at: number, length: number): number {
  for (const [key, bit] of NODE_MEMBERS) if (isKey(buf, at, length, key)) return bit;
  return 0;
}

/** What RecordedNodes replays into: a CpuProfileAssembler. */
export interface NodeTarget extends NodeSink {
  addNode(raw: unknown): void;
}

/**
 * The call frames a NodeBytesReader shared by several profiles (a trace's threads) has read,
 * each parsed once: a recorded node's frame code is an index here until replay turns it into
 * the code of the assembler it goes to.
 */
export class CallFrameTable {
  private readonly callFrames: unknown[] = [];
  private readonly codes = new Map<NodeTarget, Int32Array>();

  /** NodeSink.callFrameCode: the frame's index here. */
  add(callFrame: unknown): number {
    if (typeof callFrame !== 'object' || callFrame === null || Array.isArray(callFrame)) return -1;
    this.callFrames.push(callFrame);
    return this.callFrames.length - 1;
  }

  /** Per frame here, its code in `target` (-1: not interned there yet, see codeIn). */
  codesIn(target: NodeTarget): Int32Array {
    let codes = this.codes.get(target);
    if (!codes || codes.length < this.callFrames.length) {
      const more = new Int32Array(Math.max(this.callFrames.length, 1024)).fill(-1);
      if (codes) more.set(codes);
      this.codes.set(target, (codes = more));
    }
    return codes;
  }

  /** Interns frame `index` in `target`; `codes` is codesIn(target). */
  codeIn(target: NodeTarget, codes: Int32Array, index: number): number {
    return (codes[index] = target.callFrameCode(this.callFrames[index]));
  }
}

/**
 * A `nodes` array kept for later (trace events are read before they can be put in time
 * order): nodes read from the bytes as typed-array records, any other element as the value
 * JSON.parse gave, in their order. A few bytes a node instead of a node object graph, which
 * on a large trace was most of the memory and of the collector's work.
 */
export class RecordedNodes {
  count = 0;
  private ids = new Float64Array(64);
  /** Frame index in the table (≥ 0), or -1 - the index in `objects` of a parsed element. */
  private codes = new Int32Array(64);
  private hits = new Float64Array(64);
  private parents = new Float64Array(64);
  /** Per node, where its children and ticks end in `children` and `ticks`. */
  private childEnds = new Int32Array(64);
  private tickEnds = new Int32Array(64);
  private children = new Float64Array(64);
  private childCount = 0;
  private ticks = new Float64Array(64);
  private tickCount = 0;
  private readonly objects: unknown[] = [];

  constructor(private readonly table: CallFrameTable) {}

  /** NodeSink.addNodeParts, with the frame index of the table as the code. */
  add(id: number, code: number, hitCount: number, parent: number, children: Float64Array, childStart: number, childCount: number, ticks: Float64Array, tickStart: number, tickCount: number): void {
    const n = this.next();
    this.ids[n] = id;
    this.codes[n] = code;
    this.hits[n] = hitCount;
    this.parents[n] = parent;
    if (this.childCount + childCount > this.children.length) this.children = grownFloat(this.children, Math.max(2 * this.children.length, this.childCount + childCount));
    for (let i = 0; i < childCount; i++) this.children[this.childCount++] = children[childStart + i];
    if (this.tickCount + 2 * tickCount > this.ticks.length) this.ticks = grownFloat(this.ticks, Math.max(2 * this.ticks.length, this.tickCount + 2 * tickCount));
    for (let i = 0; i < 2 * tickCount; i++) this.ticks[this.tickCount++] = ticks[tickStart + i];
    this.childEnds[n] = this.childCount;
    this.tickEnds[n] = this.tickCount;
  }

  /** An element in another form, as JSON.parse gave it. */
  addObject(raw: unknown): void {
    const n = this.next();
    this.codes[n] = -1 - this.objects.length;
    this.objects.push(raw);
    this.childEnds[n] = this.childCount;
    this.tickEnds[n] = this.tickCount;
  }

  /** Adds every node to `target`, in order. */
  replayInto(target: NodeTarget): void {
    const codes = this.table.codesIn(target);
    let child = 0;
    let tick = 0;
    for (let n = 0; n < this.count; n++) {
      const code = this.codes[n];
      const childEnd = this.childEnds[n];
      const tickEnd = this.tickEnds[n];
      if (code < 0) {
        target.addNode(this.objects[-1 - code]);
      } else {
        let frameCode = codes[code];
        if (frameCode < 0) frameCode = this.table.codeIn(target, codes, code);
        target.addNodeParts(this.ids[n], frameCode, this.hits[n], this.parents[n], this.children, child, childEnd - child, this.ticks, tick, (tickEnd - tick) / 2);
      }
      child = childEnd;
      tick = tickEnd;
    }
  }

  private next(): number {
    const n = this.count++;
    if (n === this.ids.length) {
      const size = n * 2;
      this.ids = grownFloat(this.ids, size);
      this.codes = grownInt(this.codes, size);
      this.hits = grownFloat(this.hits, size);
      this.parents = grownFloat(this.parents, size);
      this.childEnds = grownInt(this.childEnds, size);
      this.tickEnds = grownInt(this.tickEnds, size);
    }
    return n;
  }
}
