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

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return h;
}

export class ByteInterner {
  private slots = new Int32Array(1 << 12);
  private mask = (1 << 12) - 1;
  private hashes = new Int32Array(1 << 10);
  private starts = new Int32Array(1 << 10);
  private lengths = new Int32Array(1 << 10);
  private arena = new Uint8Array(1 << 16);
  private arenaView = new DataView(this.arena.buffer);
  private arenaLength = 0;
  /** Number of distinct tokens; ids are 0…size-1 in order of first appearance. */
  size = 0;

  /** Bytes held (one copy of each distinct token). */
  get bytes(): number {
    return this.arenaLength;
  }

  /** The id of `buf[start, end)` (whose hash is `hash`), or -1 when it was never added. */
  find(buf: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    const arena = this.arena;
    let h = (hash ^ (hash >>> 15)) & this.mask;
    for (;;) {
      const slot = this.slots[h];
      if (slot === 0) return -1;
      const id = slot - 1;
      if (this.hashes[id] === hash && this.lengths[id] === len) {
        const at = this.starts[id];
        let i = 0;
        while (i < len && arena[at + i] === buf[start + i]) i++;
        if (i === len) return id;
      }
      h = (h + 1) & this.mask;
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
    const arena = this.arenaView;
    const at = this.starts[id];
    let i = 0;
    for (; i + 4 <= len; i += 4) if (arena.getInt32(at + i) !== view.getInt32(start + i)) return -1;
    for (; i < len; i++) if (arena.getUint8(at + i) !== view.getUint8(start + i)) return -1;
    return stop;
  }

  /**
   * Makes room for `tokens` tokens of `bytes` bytes in all without growing (each doubling
   * copies into fresh memory, and fresh memory costs a page fault at its first touch). Room
   * that stays unused is never touched, so it costs address space, not memory.
   */
  reserve(tokens: number, bytes: number): void {
    if (tokens > this.hashes.length) this.growEntries(tokens);
    if (bytes > this.arena.length) this.growArena(bytes);
  }

  /** Adds `buf[start, end)` (not present yet) and returns its id. */
  add(buf: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    const id = this.size++;
    if (id >= this.hashes.length) this.growEntries();
    if (this.arenaLength + len > this.arena.length) this.growArena(Math.max(this.arena.length * 2, this.arenaLength + len));
    // Tokens are short: a byte loop beats creating a subarray view for each.
    const arena = this.arena;
    const at = this.arenaLength;
    if (len <= 256) for (let i = 0; i < len; i++) arena[at + i] = buf[start + i];
    else arena.set(buf.subarray(start, end), at);
    this.hashes[id] = hash;
    this.starts[id] = this.arenaLength;
    this.lengths[id] = len;
    this.arenaLength += len;
    if (this.size * 2 > this.mask) this.rehash();
    else this.place(id);
    return id;
  }

  private growArena(size: number): void {
    this.arena = grownBytes(this.arena.subarray(0, this.arenaLength), size);
    this.arenaView = new DataView(this.arena.buffer);
  }

  private place(id: number): void {
    const hash = this.hashes[id];
    let h = (hash ^ (hash >>> 15)) & this.mask;
    while (this.slots[h] !== 0) h = (h + 1) & this.mask;
    this.slots[h] = id + 1;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }

  private growEntries(size = this.hashes.length * 2): void {
    this.hashes = grownInt(this.hashes, size);
    this.starts = grownInt(this.starts, size);
    this.lengths = grownInt(this.lengths, size);
  }
}
