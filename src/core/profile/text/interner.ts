/**
 * Interns byte strings (frame tokens of text profiles) without decoding them: an
 * open-addressing hash table over an arena holding one copy of each distinct token. Callers
 * hash while they scan (`FNV_OFFSET`, `fnv`), so the bytes are read once; only new tokens
 * are ever turned into strings.
 */

import { grownBytes, grownInt } from '../arrays';

export const FNV_OFFSET = 0x811c9dc5 | 0;

/** One FNV-1a step. */
export function fnv(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** Mixes one 32-bit value into a hash (for hashes over hashes, such as a stack of lines). */
export function mixWord(hash: number, word: number): number {
  const h = Math.imul(hash ^ word, 0x5bd1e995);
  return h ^ (h >>> 15);
}

/**
 * A hash of bytes [start, stop) of `view` for ByteInterner.findLong, from at most 24 words
 * spread over them by their length alone (equal bytes, equal words), and the last word: the
 * compare that follows a hit reads every byte anyway, and hashing every word of call frames
 * took more time than the rest of their lookup.
 */
export function sampledHash(view: DataView, start: number, stop: number): number {
  const length = stop - start;
  let hash = length;
  if (length < 4) {
    for (let k = start; k < stop; k++) hash = mixWord(hash, view.getUint8(k));
    return hash;
  }
  const step = length <= 96 ? 4 : (Math.floor(length / 96) + 1) << 2;
  for (let k = start; k + 4 <= stop; k += step) hash = mixWord(hash, view.getInt32(k, true));
  return mixWord(hash, view.getInt32(stop - 4, true));
}

/**
 * A DataView and a Buffer over the chunk a reader is in (for findLong and for memchr and
 * decoding), made again only when the chunk changes.
 */
export class ByteViews {
  view: DataView = new DataView(new ArrayBuffer(0));
  text: Buffer = Buffer.alloc(0);
  private of: Uint8Array | undefined;

  use(buf: Uint8Array): void {
    if (this.of === buf) return;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.of = buf;
  }

  /** Lets go of the chunk. */
  clear(): void {
    this.use(new Uint8Array(0));
  }
}

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

/**
 * Buffer's own UTF-8 slice, which `toString('utf8', start, end)` ends in after checking its
 * arguments and looking up the encoding. Called directly, the collapsed import bench makes
 * its 100 000 frames in 64-68 ms instead of 76-77 (medians of 12 and 14 cold runs). Node
 * and Electron have it; were it missing, toString does the same.
 */
type Utf8Slice = (this: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slice =
  (Buffer.prototype as Buffer & { utf8Slice?: Utf8Slice }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

export class ByteInterner {
  /** Open addressing, two entries per slot: 1 + the token id (0 = empty), then its hash. */
  private slots!: Int32Array;
  private mask!: number;
  private starts!: Int32Array;
  private lengths!: Int32Array;
  private arena!: Uint8Array;
  private arenaView!: DataView;
  private arenaText!: Buffer;
  private arenaLength!: number;
  /** Number of distinct tokens; ids are 0…size-1 in order of first appearance. */
  size!: number;

  constructor() {
    this.clear();
  }

  /** Forgets every token (and gives back the memory they took). */
  clear(): void {
    this.slots = new Int32Array(2 << 12);
    this.mask = (1 << 12) - 1;
    this.starts = new Int32Array(1 << 10);
    this.lengths = new Int32Array(1 << 10);
    this.arenaLength = 0;
    this.growArena(1 << 16);
    this.size = 0;
  }

  /** Bytes held (one copy of each distinct token). */
  get bytes(): number {
    return this.arenaLength;
  }

  /**
   * The id of `buf[start, end)` (whose hash is `hash`), or -1 when it was never added.
   *
   * Every probe runs every step, the empty slot that ends a miss included (it compares one
   * byte against token 0's). V8 compiles a caller's loop with the type feedback seen so far,
   * and a step first reached later (the first time a token is found, which in a sorted file
   * can be thousands of lines in) throws that compiled loop away; so no step waits for a hit.
   */
  find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    const { arena, slots, lengths, starts } = this;
    const mask = this.mask;
    // The hash sits beside the id, so a probe past another token reads no per-token array.
    let h = (hash ^ (hash >>> 15)) & mask;
    let slot = 0;
    do {
      const at2 = h << 1;
      h = (h + 1) & mask;
      slot = slots[at2];
      const id = slot > 0 ? slot - 1 : 0;
      const candidate = (slot > 0 ? 1 : 0) & (slots[at2 + 1] === hash ? 1 : 0) & (lengths[id] === len ? 1 : 0);
      const n = candidate !== 0 ? len : 1;
      const at = starts[id];
      let i = 0;
      while (i < n && arena[at + i] === buf[start + i]) i++;
      if ((candidate & (i === len ? 1 : 0)) !== 0) return id;
    } while (slot !== 0);
    return -1;
  }

  /**
   * As find, for long byte strings (whole stacks) of which `view` is a view: candidates are
   * compared four bytes at a time.
   */
  findLong(view: DataView<ArrayBufferLike>, start: number, end: number, hash: number): number {
    const len = end - start;
    const { slots, lengths } = this;
    const mask = this.mask;
    for (let h = (hash ^ (hash >>> 15)) & mask; ; h = (h + 1) & mask) {
      const slot = slots[h << 1];
      if (slot === 0) return -1;
      const id = slot - 1;
      if (slots[(h << 1) + 1] === hash && lengths[id] === len && this.sameAt(id, view, start)) return id;
    }
  }

  /**
   * Whether token `id` starts at byte `start` of `view` and ends at `end` or at a `separator`
   * byte before it. Returns where it ends, or -1. For callers that can guess the next token:
   * a match costs one compare of its bytes (four at a time), with no hashing and no probe.
   */
  matchAt(id: number, view: DataView, start: number, end: number, separator: number): number {
    const len = this.lengths[id];
    const stop = start + len;
    if (stop > end || (stop < end && view.getUint8(stop) !== separator)) return -1;
    return this.sameAt(id, view, start) ? stop : -1;
  }

  /** Whether token `id`'s bytes are at `start` of `view`, compared four at a time. */
  private sameAt(id: number, view: DataView<ArrayBufferLike>, start: number): boolean {
    const len = this.lengths[id];
    const arena = this.arenaView;
    const at = this.starts[id];
    let i = 0;
    for (; i + 4 <= len; i += 4) if (arena.getInt32(at + i) !== view.getInt32(start + i)) return false;
    for (; i < len; i++) if (arena.getUint8(at + i) !== view.getUint8(start + i)) return false;
    return true;
  }

  /**
   * Makes room for `tokens` tokens of `bytes` bytes in all without growing (each doubling
   * copies into fresh memory, and fresh memory costs a page fault at its first touch). Room
   * that stays unused in the token arrays is never touched, so it costs address space, not
   * memory. The hash table is touched wherever tokens land, so it gets only enough slots for
   * half of `tokens` (it doubles if more come).
   *
   * `scratch` (zero-filled, see ProfileBuilder.scratch) holds the hash table and the token
   * bytes, in all the room the table leaves, when that is at least half of `bytes` (the bytes
   * move to a buffer of their own if they outgrow it). Its owner may reuse it once the tokens
   * are no longer looked up or decoded.
   */
  reserve(tokens: number, bytes: number, scratch?: ArrayBuffer): void {
    if (tokens > this.starts.length) this.growEntries(tokens);
    const slots = tokens > this.mask + 1 ? this.tableSize(tokens) : this.mask + 1;
    if (scratch && this.size === 0 && scratch.byteLength >= slots * 8 + bytes / 2) {
      this.slots = new Int32Array(scratch, 0, slots * 2);
      this.mask = slots - 1;
      this.useArena(new Uint8Array(scratch, slots * 8));
      return;
    }
    if (bytes > this.arena.length) this.growArena(bytes);
    if (tokens > this.mask + 1) this.rehash(tokens);
  }

  /** Adds `buf[start, end)` (not present yet) and returns its id. */
  add(buf: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    const id = this.size++;
    if (id >= this.starts.length) this.growEntries();
    if (this.arenaLength + len > this.arena.length) this.growArena(Math.max(this.arena.length * 2, this.arenaLength + len));
    // Tokens are short: a byte loop beats creating a subarray view for each.
    const arena = this.arena;
    const at = this.arenaLength;
    if (len <= 256) for (let i = 0; i < len; i++) arena[at + i] = buf[start + i];
    else arena.set(buf.subarray(start, end), at);
    this.starts[id] = this.arenaLength;
    this.lengths[id] = len;
    this.arenaLength += len;
    if (this.size * 2 > this.mask) this.rehash();
    this.place(this.slots, id, hash);
    return id;
  }

  private growArena(size: number): void {
    this.useArena(this.arenaLength > 0 ? grownBytes(this.arena.subarray(0, this.arenaLength), size) : new Uint8Array(size));
  }

  private useArena(arena: Uint8Array<ArrayBuffer>): void {
    this.arena = arena;
    this.arenaView = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    this.arenaText = Buffer.from(arena.buffer, arena.byteOffset, arena.byteLength);
  }

  /** Token `id` decoded as UTF-8. */
  text(id: number): string {
    const at = this.starts[id];
    return utf8Slice.call(this.arenaText, at, at + this.lengths[id]);
  }

  private place(slots: Int32Array, id: number, hash: number): void {
    const mask = this.mask;
    let h = (hash ^ (hash >>> 15)) & mask;
    while (slots[h << 1] !== 0) h = (h + 1) & mask;
    slots[h << 1] = id + 1;
    slots[(h << 1) + 1] = hash;
  }

  /** Slots after a rehash: twice as many, or more than `minSlots`. */
  private tableSize(minSlots: number): number {
    let size = (this.mask + 1) * 2;
    while (size <= minSlots) size *= 2;
    return size;
  }

  /** Doubles the table, or grows it to more than `minSlots` slots. */
  private rehash(minSlots = 0): void {
    const size = this.tableSize(minSlots);
    const old = this.slots;
    const slots = new Int32Array(size * 2);
    this.mask = size - 1;
    for (let at = 0; at < old.length; at += 2) if (old[at] !== 0) this.place(slots, old[at] - 1, old[at + 1]);
    this.slots = slots;
  }

  private growEntries(size = this.starts.length * 2): void {
    this.starts = grownInt(this.starts, size);
    this.lengths = grownInt(this.lengths, size);
  }
}
