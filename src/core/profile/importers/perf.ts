import { grownBytes, grownInt } from '../arrays';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { Frame, Profile } from '../model';
import { ByteInterner, hashBytes, mixWord } from '../text/interner';
import { decodeHead, headLines, readLines } from '../text/lines';
import type { Importer } from './importer';

const FORMAT = 'perf';
const MAX_HEADER = 4096;
/** Samples looked up in the stack cache before deciding whether it pays (see PerfReader.stacks). */
const STACK_CACHE_TRIAL = 4096;
const STACK_CACHE_BYTES = 32 * 1024 * 1024;

/** Sample header: `comm pid[/tid] [cpu] time: [period] event:` (comm may contain spaces). */
const HEADER = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[\d+\]\s+)?(?:(\d+\.\d+):\s+)?(?:\d+\s+)?(\S+?):\s*(?:\S.*)?$/;
/** V8 perf-map symbol: kind, optimization marker, name, then `file:line:column`. */
const V8_SYMBOL = /^(?:JS|LazyCompile|Function|Script):[*~^+-]?(.*?) (\S+):(\d+):(\d+)$/;
/** A stack line: tab/space indent, hex address, symbol (maybe `+0x…`), `(dso)`. */
const STACK_LINE = /^\s+[0-9a-f]+\s+\S.*\(.*\)\s*$/;

/**
 * `perf script` text output (Linux perf), streamed with no size limit. Like speedscope, one
 * profile per command/pid/tid, only the first event type, and each sample weighs the time to
 * its neighbours (half the gap before plus half the gap after, in seconds), so totals match
 * what speedscope shows for the same file. Samples without a timestamp are skipped.
 */
export const perfImporter: Importer = {
  format: FORMAT,
  label: 'Linux perf script',
  sniff(head) {
    const lines = headLines(decodeHead(head), head.length, 200).filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
    if (lines.length < 2 || !HEADER.test(lines[0])) return false;
    // The first sample must have at least one indented stack line right after its header.
    return STACK_LINE.test(lines[1]);
  },
  async import(input) {
    const reader = new PerfReader(input.name);
    // Each line is consumed as it comes (a line split across chunks is joined into a copy).
    await readLines(input.recycledChunks(FORMAT, 2), reader.line);
    reader.endSample();
    if (reader.samples === 0) {
      throw new ProfileImportError(
        reader.firstBad ? `no sample header of the form "comm pid time: event:" (line ${reader.firstBad} is not)` : 'no samples with a timestamp',
        input.name,
        FORMAT,
        reader.firstBad ? `line ${reader.firstBad}` : undefined,
      );
    }
    return { format: FORMAT, profiles: reader.finish(), activeIndex: 0 };
  },
};

/** One thread's builder and the sample whose weight is still open (speedscope's bisection). */
interface Thread {
  /** Its place in the reader's map: the stack cache's keys start with it. */
  index: number;
  builder: ProfileBuilder;
  /** File-wide frame id → this builder's frame id (-1 until the thread uses it). */
  local: Int32Array;
  /** The previous sample's stack (file-wide frame ids, root first) and trie nodes. */
  prevFrames: Int32Array;
  prevNodes: Int32Array;
  prevDepth: number;
  pendingNode: number;
  pendingStart: number;
  pendingTime: number;
  count: number;
}

class PerfReader {
  samples = 0;
  firstBad = 0;
  private readonly threads = new Map<string, Thread>();
  private eventType: string | undefined;

  // The sample being read: its thread (undefined = skip its stack lines) and its file-wide
  // frame ids, leaf first.
  private current: Thread | undefined;
  private inSample = false;
  private time = 0;
  private stack = new Int32Array(256);
  private depth = 0;

  // The sample's stack lines as read: each line's frame text (after the address) is copied,
  // a newline after each, behind four bytes naming the thread; where each starts and its hash.
  // The frames are looked up when the sample ends, and only when the stack cache does not
  // know the whole stack.
  private sampleBytes: Uint8Array<ArrayBuffer> = new Uint8Array(16 * 1024);
  private sampleView = new DataView(this.sampleBytes.buffer);
  private sampleLength = 0;
  private sampleHash = 0;
  private lineStart = new Int32Array(256);
  private lineHash = new Int32Array(256);
  private lines = 0;

  /**
   * Whole stacks (the sample's bytes above) → their leaf node: tools sample the same stacks
   * over and over, and a known stack then costs one hash over its lines and one compare
   * instead of a frame lookup and a trie step per line (the 1 M-sample bench file: 60 lines a
   * sample, 20 000 distinct stacks). Turned off when stacks rarely repeat (the trial), and
   * bounded in memory.
   */
  private readonly stacks = new ByteInterner();
  private readonly stackNode: number[] = [];
  /** Samples looked up in the stack cache, or -1 once it is off. */
  private stackLookups = 0;
  private stackHits = 0;

  /** Stack-line text after the address (`sym+0x10 (dso)`), interned by its bytes, → file-wide frame id (-1: not a frame). */
  private readonly frameKeys = new ByteInterner();
  private readonly keyFrame: number[] = [];
  private readonly frames: Frame[] = [];

  constructor(private readonly file: string | undefined) {
    // Room for the cache's bytes at once: doubling would copy them into fresh memory each
    // time, and room never used is never touched.
    this.stacks.reserve(1 << 14, STACK_CACHE_BYTES);
  }

  readonly line = (buf: Buffer, start: number, end: number, lineNo: number): void => {
    let i = start;
    while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
    if (i === end) {
      this.endSample();
      return;
    }
    if (buf[i] === 35 /* # */) return;
    if (i > start) {
      if (this.inSample) this.stackLine(buf, i, end);
      return;
    }
    this.endSample();
    // Real headers are short; a long line is not one (and would make the regex slow).
    if (end - start > MAX_HEADER) {
      if (!this.firstBad) this.firstBad = lineNo;
      return;
    }
    this.header(buf.toString('utf8', start, end), lineNo);
  };

  private header(text: string, lineNo: number): void {
    const m = HEADER.exec(text);
    if (!m) {
      if (!this.firstBad) this.firstBad = lineNo;
      return;
    }
    this.inSample = true;
    const [, command, first, second, time, event] = m;
    if (time === undefined || (this.eventType !== undefined && event !== this.eventType)) {
      this.current = undefined;
      return;
    }
    this.eventType = event;
    const name = threadName(command, second !== undefined ? first : '0', second ?? first);
    let thread = this.threads.get(name);
    if (!thread) {
      const builder = new ProfileBuilder(name, 'seconds', { timeline: true });
      thread = {
        index: this.threads.size,
        builder,
        local: new Int32Array(0),
        prevFrames: new Int32Array(64),
        prevNodes: new Int32Array(64),
        prevDepth: 0,
        pendingNode: -1,
        pendingStart: 0,
        pendingTime: 0,
        count: 0,
      };
      this.threads.set(name, thread);
    }
    this.current = thread;
    this.time = Number(time);
    this.sampleView.setInt32(0, thread.index, true);
    this.sampleLength = 4;
    this.sampleHash = mixWord(0, thread.index);
    this.lines = 0;
  }

  /** `addr sym[+0xoff] (dso)`; `i` is at the address. */
  private stackLine(buf: Buffer, i: number, end: number): void {
    if (!this.current) return;
    while (i < end && buf[i] !== 32 && buf[i] !== 9) i++;
    while (i < end && (buf[i] === 32 || buf[i] === 9)) i++;
    if (i === end) return;
    const len = end - i;
    const hash = hashBytes(buf, i, end);
    const n = this.lines++;
    if (n >= this.lineStart.length) {
      this.lineStart = grownInt(this.lineStart, n * 2);
      this.lineHash = grownInt(this.lineHash, n * 2);
    }
    let at = this.sampleLength;
    if (at + len + 1 > this.sampleBytes.length) {
      this.sampleBytes = grownBytes(this.sampleBytes, Math.max(this.sampleBytes.length * 2, at + len + 1));
      this.sampleView = new DataView(this.sampleBytes.buffer);
    }
    this.lineStart[n] = at;
    this.lineHash[n] = hash;
    const bytes = this.sampleBytes;
    for (let k = i; k < end; k++) bytes[at++] = buf[k];
    bytes[at++] = 10;
    this.sampleLength = at;
    this.sampleHash = mixWord(this.sampleHash, hash);
  }

  /** The frames of the sample's lines, leaf first, into `stack` (lines that are no frame are left out). */
  private stackFrames(): void {
    const bytes = this.sampleBytes;
    let depth = 0;
    for (let n = 0; n < this.lines; n++) {
      const start = this.lineStart[n];
      const end = (n + 1 < this.lines ? this.lineStart[n + 1] : this.sampleLength) - 1;
      const hash = this.lineHash[n];
      let key = this.frameKeys.find(bytes, start, end, hash);
      if (key < 0) {
        key = this.frameKeys.add(bytes, start, end, hash);
        const parsed = parseStackFrame(Buffer.from(bytes.buffer, start, end - start).toString('utf8'));
        this.keyFrame.push(parsed ? this.frames.length : -1);
        if (parsed) this.frames.push(parsed);
      }
      const frame = this.keyFrame[key];
      if (frame < 0) continue;
      if (depth >= this.stack.length) this.stack = grownInt(this.stack, this.stack.length * 2);
      this.stack[depth++] = frame;
    }
    this.depth = depth;
  }

  /** The leaf node of the sample's stack in `thread`, from the stack cache or by walking the trie. */
  private sampleNode(thread: Thread): number {
    const length = this.sampleLength;
    const hash = this.sampleHash;
    if (this.stackLookups >= 0) {
      const id = this.stacks.findLong(this.sampleView, 0, length, hash);
      this.stackLookups++;
      if (id >= 0) {
        this.stackHits++;
        return this.stackNode[id];
      }
      if (this.stackLookups === STACK_CACHE_TRIAL && this.stackHits * 4 < this.stackLookups) this.stopCachingStacks();
    }
    this.stackFrames();
    const node = this.walk(thread);
    if (this.stackLookups >= 0 && this.stacks.bytes + length <= STACK_CACHE_BYTES) {
      this.stacks.add(this.sampleBytes, 0, length, hash);
      this.stackNode.push(node);
    }
    return node;
  }

  private stopCachingStacks(): void {
    this.stackLookups = -1;
    this.stacks.clear();
    this.stackNode.length = 0;
  }

  endSample(): void {
    if (!this.inSample) return;
    this.inSample = false;
    const thread = this.current;
    if (!thread) return;
    this.current = undefined;
    const b = thread.builder;
    const node = this.sampleNode(thread);
    const time = this.time;
    if (thread.count > 0) {
      if (time < thread.pendingTime) {
        throw new ProfileImportError(`samples of "${b.name}" go back in time (${time} s after ${thread.pendingTime} s)`, this.file, FORMAT);
      }
      const boundary = (time + thread.pendingTime) / 2;
      b.appendToNode(thread.pendingNode, boundary - thread.pendingStart, thread.pendingStart);
      thread.pendingStart = boundary;
    } else {
      thread.pendingStart = time;
    }
    thread.pendingNode = node;
    thread.pendingTime = time;
    thread.count++;
    this.samples++;
  }

  /** The trie node of the stack in `stack` (leaf first) in `thread`'s tree. */
  private walk(thread: Thread): number {
    const b = thread.builder;
    if (thread.local.length < this.frames.length) {
      const local = new Int32Array(Math.max(this.frames.length, thread.local.length * 2)).fill(-1);
      local.set(thread.local);
      thread.local = local;
    }
    // Consecutive samples of a thread usually share the root part of their stacks: reuse
    // the previous sample's trie nodes for it instead of looking them up again.
    const depth = this.depth;
    if (thread.prevFrames.length < depth) {
      thread.prevFrames = grownInt(thread.prevFrames, Math.max(depth, thread.prevFrames.length * 2));
      thread.prevNodes = grownInt(thread.prevNodes, thread.prevFrames.length);
    }
    const max = depth < thread.prevDepth ? depth : thread.prevDepth;
    let r = 0;
    while (r < max && this.stack[depth - 1 - r] === thread.prevFrames[r]) r++;
    let node = r > 0 ? thread.prevNodes[r - 1] : 0;
    for (; r < depth; r++) {
      const global = this.stack[depth - 1 - r];
      let frame = thread.local[global];
      if (frame < 0) frame = thread.local[global] = b.frame(this.frames[global]);
      node = b.child(node, frame);
      thread.prevFrames[r] = global;
      thread.prevNodes[r] = node;
    }
    thread.prevDepth = depth;
    return node;
  }

  finish(): Profile[] {
    const profiles: Profile[] = [];
    for (const thread of this.threads.values()) {
      const b = thread.builder;
      if (thread.count === 1) {
        // One sample has no neighbour to measure time against: it weighs one sample.
        b.unit = 'samples';
        b.appendToNode(thread.pendingNode, 1, thread.pendingStart);
      } else {
        b.appendToNode(thread.pendingNode, thread.pendingTime - thread.pendingStart, thread.pendingStart);
      }
      profiles.push(b.build());
    }
    return profiles;
  }
}

/**
 * `sym[+0xoff] (dso)` → frame; the DSO is the module, unknown symbols are named after it as
 * speedscope does. Node's `--perf-basic-prof` symbols (`JS:*name /path/file.js:4:21`) carry
 * their source position, which is kept so the frame links to the code.
 */
function parseStackFrame(text: string): Frame | undefined {
  const open = text.lastIndexOf(' (');
  if (open < 0 || !text.endsWith(')')) return undefined;
  const dso = text.slice(open + 2, -1);
  const symbol = text.slice(0, open).replace(/\+0x[\da-f]+$/, '');
  const js = V8_SYMBOL.exec(symbol);
  if (js) return { name: js[1] || '(anonymous)', file: js[2], line: Number(js[3]), column: Number(js[4]), module: dso };
  return { name: symbol === '[unknown]' ? `??? (${dso})` : symbol, module: dso };
}

/** speedscope's profile names: "comm pid: P tid: T", leaving out ids that are 0 (the idle task). */
function threadName(command: string, pid: string, tid: string): string {
  let name = command;
  if (Number(pid) !== 0) name += ` pid: ${pid}`;
  if (Number(tid) !== 0) name += ` tid: ${tid}`;
  return name;
}
