import { grownFloat, grownInt } from '../arrays';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { Frame } from '../model';
import { ByteInterner, FNV_OFFSET, fnv, hashBytes } from '../text/interner';
import { decodeHead, headLines, parseDecimal, readLines } from '../text/lines';
import type { Importer } from './importer';

const FORMAT = 'collapsed';
/** Lines looked up before deciding whether caching whole lines pays (off sooner when none repeat). */
const LINE_CACHE_TRIAL = 4096;
const LINE_CACHE_FIRST_LOOK = 256;
const LINE_CACHE_BYTES = 64 * 1024 * 1024;
/** Stack lines the head must hold, none of them twice, for the line cache to start off. */
const LINE_CACHE_HEAD_LINES = 16;
const SEMI = 59;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const SLASH = 47;
const CLOSE_PAREN = 41;
const CLOSE_BRACKET = 93;

/** `stack count`: a non-space start, a space, then a plain decimal count at the very end. */
const STACK_LINE = /^[^\s#].*[ \t]\d+(?:\.\d+)?$/;
/** py-spy's `function (file.py:12)` frame shape. */
const PY_SPY_FRAME = /^(.+) \(([^()]+):(\d+)\)$/;
/** async-profiler's frame type suffixes (`_[j]` JIT-compiled, `_[i]` inlined, …). */
const ASYNC_PROFILER_KIND: Record<string, string> = {
  j: 'jit',
  i: 'inlined',
  k: 'kernel',
  '0': 'interpreted',
  '1': 'c1',
};

/**
 * Collapsed ("folded") stacks: `root;…;leaf count` per line, as written by Brendan Gregg's
 * stackcollapse scripts, async-profiler (`-o collapsed`) and py-spy (`--format raw`).
 * Streams the input with no size limit.
 */
export const collapsedImporter: Importer = {
  format: FORMAT,
  label: 'Collapsed stacks',
  sniff(head) {
    // Comments and blank lines are allowed; the first real line and nearly all of the rest
    // must be stacks, so prose or other text formats that merely end in a number are not taken.
    const lines = headLines(decodeHead(head), head.length, 50).filter((l) => l.trim() !== '' && !isComment(l));
    if (lines.length === 0 || !STACK_LINE.test(lines[0])) return false;
    const bad = lines.filter((l) => !STACK_LINE.test(l)).length;
    return bad * 5 <= lines.length;
  },
  async import(input) {
    const reader = new CollapsedReader();
    if (input.knownSize !== undefined) reader.reserve(input.knownSize);
    if (!stacksRepeat(input.head)) reader.stopCachingLines();
    // Lines are consumed as they come. Two buffers: the previous line, which each line is
    // compared with, is still in one of them.
    await readLines(input.recycledChunks(FORMAT, 2), reader.line);
    if (reader.builder.samples === 0) {
      const why = reader.firstBad
        ? `no line of the form "frame;frame;… count" (line ${reader.firstBad} is not)`
        : 'no stack lines';
      throw new ProfileImportError(why, input.name, FORMAT, reader.firstBad ? `line ${reader.firstBad}` : undefined);
    }
    return { format: FORMAT, profiles: [reader.finish()], activeIndex: 0 };
  },
};

/**
 * Whether the whole-line cache may pay, judged from the head: tools that write one line per
 * sample repeat stacks within a few lines, and aggregated output never repeats one. Only a
 * head of enough lines with no stack twice says no; otherwise the reader's trial decides.
 * (Turning the cache off before the first line also keeps its trial's hashing and copying
 * of whole lines out of the reader's compiled code.)
 */
function stacksRepeat(head: Uint8Array): boolean {
  const seen = new Set<string>();
  for (const line of headLines(decodeHead(head), head.length, 1 << 20)) {
    const cut = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
    if (cut <= 0 || isComment(line)) continue;
    const stack = line.slice(0, cut).trimEnd();
    if (seen.has(stack)) return true;
    seen.add(stack);
  }
  return seen.size < LINE_CACHE_HEAD_LINES;
}

function viewOf(buf: Buffer): DataView<ArrayBufferLike> {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

function isComment(line: string): boolean {
  return line.startsWith('#') || line.startsWith('//');
}

/**
 * Consecutive collapsed lines usually share a long prefix (the scripts sort their output),
 * so each line is compared byte-wise with the previous one and only the frames after the
 * shared part are decoded and looked up. Frames are interned per distinct token (by its bytes).
 */
class CollapsedReader {
  readonly builder: ProfileBuilder;
  firstBad = 0;

  private readonly tokens = new ByteInterner();

  // Whole-line cache: tools that write one line per sample repeat the same stacks, which then
  // cost one hash and one compare. Turned off when early lines rarely repeat (sorted,
  // aggregated output), and bounded in memory.
  private readonly lines = new ByteInterner();
  private readonly lineNode: number[] = [];
  /**
   * Lines looked up in the cache, or -1 once it is off. One counter rather than a flag as
   * well: V8 compiles a field that has never changed as a constant, and a flag turned off
   * some hundred lines in would throw away the reader's optimized code while it compiles.
   */
  private lineLookups = 0;
  private lineHits = 0;
  /** Per token id: its frame and the source line (0 when the token has none). */
  private tokenFrame = new Int32Array(1024);
  private tokenLine = new Int32Array(1024);
  /** Per token id: 1 + the token that followed it last (0 = none yet). */
  private successor = new Int32Array(1024);
  private anyLines = false;

  // Frames are numbered here and made only at the end (see finish), so reading the file
  // creates no string or object per frame. A plain token is a frame of its own; frames parsed
  // out of py-spy or async-profiler tokens may be shared by several tokens.
  private frameCount = 0;
  /** Per frame id: 1 + the plain token that names it, or 0 for a parsed frame. */
  private frameToken = new Int32Array(1024);
  private readonly parsedFrames = new Map<number, Frame>();
  private readonly parsedIds = new Map<string, number>();

  // The previous stack line: where its bytes are (its chunk is still valid when the next
  // line arrives, see the recycledChunks call; a copy when other lines came between), the
  // end offset of each frame, the token and trie node at each depth.
  private prevBuf: Buffer = Buffer.alloc(0);
  private prevView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private prevStart = 0;
  private prevCopy: Buffer = Buffer.alloc(4096);
  private prevDepth = 0;
  private prevEnds = new Int32Array(256);
  private prevTokens = new Int32Array(256);
  private prevNodes = new Int32Array(256);

  // Line accounting (py-spy): per (token) pair, the last sample that counted it and its totals.
  private readonly lineSelf = new Map<number, number>();
  private lineTotal: Float64Array = new Float64Array(256);
  private lineSeen: Int32Array = new Int32Array(256);
  private sample = 0;

  constructor() {
    // The name must not come from the file name: the same bytes import the same way anonymously.
    this.builder = new ProfileBuilder('Collapsed stacks', 'samples');
  }

  /**
   * Sizes the tables for a file of `size` bytes: the node arrays for about one node per 48
   * bytes (a distinct frame on each line is ~30), the token and frame tables for about one
   * distinct token per 256 bytes and their bytes for an eighth of the file, the node lookup
   * table for a lookup per KB (below where a line leaves the known tree its frames are new,
   * see Builder.child, and only nodes that get a second child are ever looked up). Growing
   * them step by step copies each into fresh memory, and room that stays unused is never
   * touched. It also means no table is replaced for the first time in the middle of the
   * file, which would throw away the reader's optimized code (V8 compiles a field that has
   * never changed as a constant).
   *
   * The token hash table and bytes live in the buffer the builder writes the nodes' totals
   * into at the end, when every frame name is decoded: the pages they touched cost the totals
   * no page fault. On the 33 MB bench file that took the build step from 21 to 5 ms (about
   * 1 100 faults fewer) and peak memory down by 4 MB.
   */
  reserve(size: number): void {
    this.builder.reserve(Math.min(Math.floor(size / 48), 1 << 20), Math.min(Math.floor(size / 1024), 1 << 18));
    const tokens = Math.min(Math.floor(size / 256), 1 << 20);
    this.tokens.reserve(tokens, Math.min(Math.floor(size / 8), 32 << 20), this.builder.scratch());
    if (tokens > this.tokenFrame.length) this.growTokens(tokens);
    if (tokens > this.frameToken.length) this.frameToken = grownInt(this.frameToken, tokens);
  }

  readonly line = (buf: Buffer, start: number, end: number, lineNo: number): void => {
    if (start === end) return;
    const c0 = buf[start];
    if (c0 === HASH || (c0 === SLASH && end - start > 1 && buf[start + 1] === SLASH)) return this.keepPrevious();
    let sp = end - 1;
    while (sp > start && buf[sp] !== SPACE && buf[sp] !== TAB) sp--;
    const weight = sp > start ? parseDecimal(buf, sp + 1, end) : NaN;
    let stackEnd = sp;
    while (stackEnd > start && (buf[stackEnd - 1] === SPACE || buf[stackEnd - 1] === TAB)) stackEnd--;
    if (!(weight >= 0) || stackEnd === start) {
      this.keepPrevious();
      if (!this.firstBad) this.firstBad = lineNo;
    } else if (!this.addStack(buf, start, stackEnd, weight)) {
      if (!this.firstBad) this.firstBad = lineNo;
    }
  };

  /**
   * Copies the previous line's bytes out of its chunk, for a line that does not replace it:
   * by the time the next stack arrives that chunk may be reused.
   */
  private keepPrevious(): void {
    if (this.prevBuf === this.prevCopy || this.prevDepth === 0) return;
    const len = this.prevEnds[this.prevDepth - 1];
    if (len > this.prevCopy.length) this.prevCopy = Buffer.allocUnsafe(Math.max(len, this.prevCopy.length * 2));
    this.prevBuf.copy(this.prevCopy, 0, this.prevStart, this.prevStart + len);
    this.prevBuf = this.prevCopy;
    this.prevView = viewOf(this.prevCopy);
    this.prevStart = 0;
  }

  private addStack(buf: Buffer, start: number, end: number, weight: number): boolean {
    let lineHash = 0;
    if (this.lineLookups >= 0) {
      lineHash = hashBytes(buf, start, end);
      const id = this.lines.find(buf, start, end, lineHash);
      this.lineLookups++;
      if (id >= 0) {
        this.lineHits++;
        this.builder.appendToNode(this.lineNode[id], weight);
        this.keepPrevious();
        return true;
      }
      // Lines do not repeat (aggregated output): the copies held for the trial go.
      if ((this.lineLookups === LINE_CACHE_FIRST_LOOK && this.lineHits === 0) || (this.lineLookups === LINE_CACHE_TRIAL && this.lineHits * 4 < this.lineLookups)) this.stopCachingLines();
    }
    // Shared prefix with the previous line, cut back to the last frame boundary inside it.
    // Each step below runs on every line, as in ByteInterner.find: a step V8 first meets after
    // compiling this function (a line that is a prefix of the last, a new chunk) would throw
    // the compiled code away. So the view is made per line, not when the chunk changes.
    const view = viewOf(buf);
    const prev = this.prevView;
    const prevStart = this.prevStart;
    const prevDepth = this.prevDepth;
    const prevEnds = this.prevEnds;
    const prevLen = prevDepth > 0 ? prevEnds[prevDepth - 1] : 0;
    const len = end - start;
    const max = len < prevLen ? len : prevLen;
    let same = 0;
    while (same + 4 <= max && view.getInt32(start + same) === prev.getInt32(prevStart + same)) same += 4;
    while (same < max && view.getUint8(start + same) === prev.getUint8(prevStart + same)) same++;
    // Frames that end before the first difference are shared. When one line is a prefix of
    // the other (same === max), so is a frame that ends there in both.
    let depth = 0;
    while (depth < prevDepth && prevEnds[depth] < same) depth++;
    const endsFrame = (same === len ? 1 : 0) | (buf[start + same] === SEMI ? 1 : 0);
    depth += (same === max ? 1 : 0) & (depth < prevDepth ? 1 : 0) & (prevEnds[depth < prevDepth ? depth : 0] === same ? 1 : 0) & endsFrame;
    let node = depth > 0 ? this.prevNodes[depth - 1] : 0;
    let pos = depth > 0 ? start + this.prevEnds[depth - 1] + 1 : start;
    // Below where this line leaves the previous one, a frame is most often followed by the
    // frame that followed it last time (a function mostly calls the same few): that guess
    // costs one compare and saves hashing the token and probing the table.
    let before = depth > 0 ? this.prevTokens[depth - 1] : -1;
    while (pos <= end) {
      const guess = before >= 0 ? this.successor[before] - 1 : -1;
      let semi = guess >= 0 ? this.tokens.matchAt(guess, view, pos, end, SEMI) : -1;
      let token = guess;
      if (semi < 0) {
        semi = pos;
        let hash = FNV_OFFSET;
        for (let c = buf[semi]; semi < end && c !== SEMI; c = buf[++semi]) hash = fnv(hash, c);
        token = semi > pos ? this.tokens.find(buf, pos, semi, hash) : -1;
        if (token < 0 && semi > pos) token = this.newToken(buf, pos, semi, hash);
        if (before >= 0 && token >= 0) this.successor[before] = token + 1;
      }
      if (semi > pos) {
        before = token;
        node = this.builder.child(node, this.tokenFrame[token]);
        if (depth >= this.prevEnds.length) this.growPath();
        this.prevEnds[depth] = semi - start;
        this.prevTokens[depth] = token;
        this.prevNodes[depth] = node;
        depth++;
      }
      pos = semi + 1;
    }
    this.prevBuf = buf;
    this.prevView = view;
    this.prevStart = start;
    this.prevDepth = depth;
    if (depth === 0) return false;
    this.builder.appendToNode(node, weight);
    if (this.anyLines) {
      // py-spy lines carry per-line cost, which needs the tokens of every sample.
      if (this.lineLookups >= 0) this.stopCachingLines();
      this.countLines(depth, weight);
    } else if (this.lineLookups >= 0 && this.lines.bytes + (end - start) <= LINE_CACHE_BYTES) {
      this.lines.add(buf, start, end, lineHash);
      this.lineNode.push(node);
    }
    return true;
  }

  stopCachingLines(): void {
    this.lineLookups = -1;
    this.lines.clear();
    this.lineNode.length = 0;
  }

  private newToken(buf: Buffer, start: number, end: number, hash: number): number {
    const id = this.tokens.add(buf, start, end, hash);
    if (id >= this.tokenFrame.length) this.growTokens();
    const last = buf[end - 1];
    if (last !== CLOSE_PAREN && last !== CLOSE_BRACKET) {
      this.tokenFrame[id] = this.newFrame(id + 1);
      return id;
    }
    const { frame, line } = parseFrame(buf.toString('utf8', start, end));
    const key = `${frame.name}\u0000${frame.file ?? ''}\u0000${frame.module ?? ''}`;
    let frameId = this.parsedIds.get(key);
    if (frameId === undefined) {
      frameId = this.newFrame(0);
      this.parsedIds.set(key, frameId);
      this.parsedFrames.set(frameId, frame);
    }
    this.tokenFrame[id] = frameId;
    this.tokenLine[id] = line;
    if (line > 0) this.anyLines = true;
    return id;
  }

  private newFrame(token: number): number {
    const id = this.frameCount++;
    if (id >= this.frameToken.length) this.frameToken = grownInt(this.frameToken, id * 2);
    this.frameToken[id] = token;
    return id;
  }

  /** Per-line cost for py-spy frames: the leaf line gets self weight, each line total once per sample. */
  private countLines(depth: number, weight: number): void {
    const sample = ++this.sample;
    if (this.lineTotal.length < this.tokens.size) this.growLineTables();
    for (let d = 0; d < depth; d++) {
      const token = this.prevTokens[d];
      if (this.tokenLine[token] === 0 || this.lineSeen[token] === sample) continue;
      this.lineSeen[token] = sample;
      this.lineTotal[token] += weight;
    }
    const leaf = this.prevTokens[depth - 1];
    if (this.tokenLine[leaf] > 0) this.lineSelf.set(leaf, (this.lineSelf.get(leaf) ?? 0) + weight);
  }

  finish() {
    for (let token = 0; token < this.tokens.size && token < this.lineTotal.length; token++) {
      const line = this.tokenLine[token];
      if (line > 0 && this.lineTotal[token] > 0) this.builder.addLineTotal(this.tokenFrame[token], line, this.lineTotal[token]);
    }
    for (const [token, weight] of this.lineSelf) this.builder.addLineSelf(this.tokenFrame[token], this.tokenLine[token], weight);
    // All frames at once, into an array of the final size.
    const frames = new Array<Frame>(this.frameCount);
    for (let id = 0; id < this.frameCount; id++) {
      const token = this.frameToken[id];
      frames[id] = token > 0 ? { name: this.tokens.text(token - 1) } : this.parsedFrames.get(id)!;
    }
    return this.builder.build(frames);
  }

  private growTokens(size = this.tokenFrame.length * 2): void {
    this.tokenFrame = grownInt(this.tokenFrame, size);
    this.tokenLine = grownInt(this.tokenLine, size);
    this.successor = grownInt(this.successor, size);
  }

  private growPath(): void {
    const size = this.prevEnds.length * 2;
    this.prevEnds = grownInt(this.prevEnds, size);
    this.prevTokens = grownInt(this.prevTokens, size);
    this.prevNodes = grownInt(this.prevNodes, size);
  }

  private growLineTables(): void {
    const size = Math.max(this.tokens.size, this.lineTotal.length * 2);
    this.lineTotal = grownFloat(this.lineTotal, size);
    this.lineSeen = grownInt(this.lineSeen, size);
  }
}

/**
 * Splits the conventions of the tools that write collapsed stacks out of a frame token:
 * py-spy's `name (file:line)` (the line is where the sample was, so it becomes line cost,
 * not part of the frame's identity) and async-profiler's `name_[j]` kind suffixes.
 */
function parseFrame(token: string): { frame: Frame; line: number } {
  const n = token.length;
  // py-spy frames end in ")"; the regex is not worth trying on the others.
  const py = n > 0 && token.charCodeAt(n - 1) === CLOSE_PAREN ? PY_SPY_FRAME.exec(token) : null;
  if (py) return { frame: { name: py[1], file: py[2] }, line: Number(py[3]) };
  if (n > 4 && token.charCodeAt(n - 1) === CLOSE_BRACKET && token.charCodeAt(n - 4) === 95 /* _ */ && token.charCodeAt(n - 3) === 91 /* [ */) {
    const kind = ASYNC_PROFILER_KIND[token[n - 2]];
    if (kind) return { frame: { name: token.slice(0, n - 4), module: kind }, line: 0 };
  }
  return { frame: { name: token }, line: 0 };
}
