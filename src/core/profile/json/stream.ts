import { grownFloat } from '../arrays';
import { ProfileImportError } from '../errors';

/**
 * What to do with one JSON value, chosen by the caller as the reader walks the document.
 * The reader dispatches on what it actually finds:
 * - `value`: the whole value is materialized (JSON.parse of its bytes) and passed; use it for
 *   small values such as one node or one event.
 * - `key`: the value must be an object; called once per key, returns the handler for that
 *   key's value (undefined = skip it).
 * - `number`: the value must be an array of numbers, delivered one at a time without
 *   allocating (the fast path for `samples`, `timeDeltas`, `weights`).
 * - `item`: the value must be an array; called once per element with its index.
 * - `scalar`: a string, number, true, false or null, parsed by the reader (no `JSON.parse`
 *   of its bytes); with `key`/`item`/`number`/`value` it takes the values that are not
 *   containers.
 * - `cells` (with `number`): the array may hold any values; those that are not numbers
 *   (null, strings, booleans, objects, arrays) are skipped and delivered as NaN, so tables of
 *   mixed rows still take the fast path.
 * - `elements` (with `item`): the value must be an array; the handler reads its elements
 *   itself, from the bytes: called with the buffer, the position of an element's first byte
 *   and the end of the buffer, it reads as many whole elements (and the commas between them)
 *   as it can and sets `read` to the position just after the last one and their count. It
 *   reads none (count 0) of an element that is not complete in the buffer or not in a form it
 *   knows; that one goes through `batch` or `item`, and the next through `elements` again.
 * - `rows` (with `item`): the value must be an array; its elements that are arrays and complete
 *   in the buffer are read by the `rows` handler (`number`, `cells` and `end`, as if `item`
 *   had returned it) in one loop, with no container for each: the tables of rows of Gecko
 *   profiles. Other elements, and rows in a form the loop does not take (syntax errors
 *   included, so they are reported as without it), go through `item`.
 * - `batch` (with `item`): the value must be an array; runs of its elements that are complete in
 *   the buffer are materialized together (one `JSON.parse` for up to a chunk of elements,
 *   instead of one per element) and passed with the index of the first. An element split
 *   across chunks, or a run `JSON.parse` rejects (so that the error names the element), goes
 *   through `item` instead.
 * - `end`: called when the object or array handled by `key`/`item`/`number` closes.
 * A handler with none of `value`/`key`/`item`/`number` skips the value.
 * `key` and `item` may both be set when either form is accepted (trace files are an array
 * of events or an object holding one).
 */
export interface JsonHandler {
  value?(value: unknown): void;
  key?(name: string): JsonHandler | undefined;
  item?(index: number): JsonHandler | undefined;
  number?(n: number): void;
  cells?: boolean;
  elements?(buf: Uint8Array, start: number, end: number, read: ElementsRead): void;
  rows?: JsonHandler;
  batch?(values: unknown[], first: number): void;
  scalar?(value: string | number | boolean | null): void;
  end?(): void;
}

/** For JsonHandler.elements: the index of the first element (set by the reader); where the elements read end, and how many there were (set by the handler). */
export interface ElementsRead {
  index: number;
  pos: number;
  count: number;
}

/** Where errors are reported: the file and format named in ProfileImportError. */
export interface JsonSource {
  file: string | undefined;
  format: string;
}

export interface JsonReadOptions {
  /**
   * Accept a document that is a top-level array missing its final `]` (with or without a
   * trailing comma), as the Trace Event Format allows for recordings cut short.
   */
  allowUnclosedRootArray?: boolean;
  /**
   * The chunks given to write() are the caller's buffers, reused once write() returns (as
   * `recycledChunks` hands them out): the reader copies what it has to keep.
   */
  recycled?: boolean;
}

const SKIP: JsonHandler = {};

// Container kinds on the reader's stack.
const OBJECT = 0;
const ARRAY = 1;
const NUMBERS = 2;

// What the innermost container expects next.
const FIRST_KEY_OR_END = 0; // after '{'
const KEY = 1; // after ',' in an object
const COLON = 2;
const MEMBER_VALUE = 3; // after ':'
const FIRST_VALUE_OR_END = 4; // after '['
const ELEMENT = 5; // after ',' in an array
const COMMA_OR_END = 6;

interface Container {
  kind: number;
  handler: JsonHandler;
  state: number;
  /** Handler for the member value after the colon (objects only). */
  member: JsonHandler | undefined;
  /** Current key (objects) for error paths. */
  key: string;
  /** Current element index (arrays). */
  index: number;
  /** A batch of this array's elements failed to parse: the rest go one at a time. */
  unbatched: boolean;
}

/** Returned by scanners when the token may continue in the next chunk. */
const INCOMPLETE = -1;

/**
 * An incremental, byte-level JSON reader for documents too large for one string (V8 caps a
 * string at about 512 MiB, so `JSON.parse` cannot read them). Feed it chunks with `write`,
 * then call `end`; it calls the handlers as it goes and holds only the unread tail of the
 * input, plus whatever single value a handler asked to materialize.
 */
export class JsonStreamReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Absolute byte offset of buf[0] in the document. */
  private base = 0;
  private readonly stack: Container[] = [];
  /** Containers closed, for open() to reuse. */
  private readonly closed: Container[] = [];
  private rootState: 'value' | 'done' = 'value';
  /** Chunks received while waiting for an incomplete token to be completed. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Do not retry an incomplete token before this many bytes are buffered (keeps retries linear). */
  private retryAt = 0;
  /** `buf` is the caller's recycled chunk, not the reader's own copy. */
  private borrowed = false;
  /** The cells of the row readRows is reading. */
  private cells = new Float64Array(64);
  private cellCount = 0;
  private readonly pushCell = (n: number): void => {
    if (this.cellCount === this.cells.length) this.cells = grownFloat(this.cells, this.cells.length * 2);
    this.cells[this.cellCount++] = n;
  };
  /** The two buffers joinBuffer uses in turn. */
  private readonly joins: (Uint8Array | undefined)[] = [undefined, undefined];
  private readonly elementsRead: ElementsRead = { index: 0, pos: 0, count: 0 };

  constructor(
    private readonly root: JsonHandler,
    private readonly source: JsonSource,
    private readonly options: JsonReadOptions = {},
  ) {}

  /** Reads a whole stream of chunks (with `options.recycled`, chunks the source reuses). */
  static async read(chunks: AsyncIterable<Uint8Array>, root: JsonHandler, source: JsonSource, options?: JsonReadOptions): Promise<void> {
    const reader = new JsonStreamReader(root, source, options);
    for await (const chunk of chunks) reader.write(chunk);
    reader.end();
  }

  /** Reads a document already in memory. */
  static readBytes(bytes: Uint8Array, root: JsonHandler, source: JsonSource, options?: JsonReadOptions): void {
    const reader = new JsonStreamReader(root, source, options);
    reader.write(bytes);
    reader.end();
  }

  write(chunk: Uint8Array): void {
    if (this.base === 0 && this.buf.length === 0 && this.pendingBytes === 0 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      // a UTF-8 byte-order mark is not part of the document
      chunk = chunk.subarray(3);
      this.base = 3;
    }
    if (chunk.length === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.buf.length - this.pos + this.pendingBytes < this.retryAt) {
      // Waiting for more bytes: a recycled chunk is kept as a copy.
      if (this.options.recycled) this.pending[this.pending.length - 1] = chunk.slice();
      return;
    }
    this.absorbPending();
    this.run(false);
    if (this.borrowed && this.pos < this.buf.length) {
      // The unread tail of a recycled chunk is kept as a copy.
      this.base += this.pos;
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
      this.borrowed = false;
    }
  }

  end(): void {
    this.absorbPending();
    this.run(true);
    const root = this.stack[0];
    if (this.options.allowUnclosedRootArray && this.stack.length === 1 && root.kind !== OBJECT && (root.state === COMMA_OR_END || root.state === ELEMENT)) {
      this.close(this.pos);
    }
    if (this.rootState !== 'done' || this.stack.length > 0) {
      const top = this.stack[this.stack.length - 1];
      this.fail(true, top ? `expected ${this.expectation(top)}` : 'expected a value', this.base + this.buf.length);
    }
  }

  private absorbPending(): void {
    if (this.pending.length === 0) return;
    const rest = this.buf.length - this.pos;
    if (rest === 0 && this.pending.length === 1) {
      this.base += this.buf.length;
      this.buf = this.pending[0];
      // A chunk that waited in `pending` is a copy already; one absorbed at once is the caller's.
      this.borrowed = this.options.recycled === true;
    } else {
      const joined = this.joinBuffer(rest + this.pendingBytes);
      joined.set(this.buf.subarray(this.pos), 0);
      let offset = rest;
      for (const p of this.pending) {
        joined.set(p, offset);
        offset += p.length;
      }
      this.base += this.pos;
      this.buf = joined;
      this.borrowed = false;
    }
    this.pos = 0;
    this.pending = [];
    this.pendingBytes = 0;
    this.retryAt = 0;
  }

  /**
   * Room for the unread tail and the chunks after it. Up to JOIN_REUSE bytes, one of two
   * buffers used in turn (the tail being copied lives in the other): a token across nearly
   * every chunk boundary made a fresh megabyte per chunk, whose garbage raised the peak RSS.
   */
  private joinBuffer(size: number): Uint8Array {
    if (size > JOIN_REUSE) return new Uint8Array(size);
    const i = this.joins[0] !== undefined && this.joins[0].buffer === this.buf.buffer ? 1 : 0;
    let b = this.joins[i];
    if (b === undefined || b.length < size) b = this.joins[i] = new Uint8Array(Math.max(size, 2 * (b?.length ?? 0), 1 << 16));
    return b.subarray(0, size);
  }

  /** Processes as much of the buffer as possible; stops at an incomplete token unless `eof`. */
  private run(eof: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    let pos = this.pos;
    const stack = this.stack;
    while (true) {
      while (pos < len && isSpace(buf[pos])) pos++;
      if (pos >= len) break;
      const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
      if (!top) {
        if (this.rootState === 'done') this.fail(false, 'unexpected content after the end of the document', this.base + pos);
        const next = this.startValue(this.root, pos, eof);
        if (next === INCOMPLETE) break;
        pos = next;
        this.rootState = 'done';
        continue;
      }
      const c = buf[pos];
      if (top.kind === NUMBERS && (top.state === ELEMENT || top.state === FIRST_VALUE_OR_END)) {
        if (c === 0x5d /* ] */ && top.state === FIRST_VALUE_OR_END) {
          pos = this.close(pos + 1);
          continue;
        }
        const next = this.readNumbers(top, pos, eof);
        if (next === INCOMPLETE) {
          pos = this.pos;
          break;
        }
        pos = next;
        continue;
      }
      switch (top.state) {
        case FIRST_KEY_OR_END:
        case KEY: {
          if (c === 0x7d /* } */ && top.state === FIRST_KEY_OR_END) {
            pos = this.close(pos + 1);
            continue;
          }
          if (c !== 0x22 /* " */) this.fail(false, `expected ${this.expectation(top)}, found ${describe(c)}`, this.base + pos);
          const end = this.scanString(pos, eof);
          if (end === INCOMPLETE) break;
          top.key = this.decodeString(pos, end);
          top.state = COLON;
          pos = end;
          continue;
        }
        case COLON:
          if (c !== 0x3a /* : */) this.fail(false, `expected ':' after key "${top.key}", found ${describe(c)}`, this.base + pos);
          top.member = top.handler.key ? (top.handler.key(top.key) ?? SKIP) : SKIP;
          top.state = MEMBER_VALUE;
          pos++;
          continue;
        case MEMBER_VALUE:
        case FIRST_VALUE_OR_END:
        case ELEMENT: {
          if (c === 0x5d /* ] */ && top.state === FIRST_VALUE_OR_END) {
            pos = this.close(pos + 1);
            continue;
          }
          if (top.kind === ARRAY && top.member === undefined) {
            // The array hooks, each taking a run of elements when it can (see JsonHandler).
            const h = top.handler;
            let next = INCOMPLETE;
            if (h.elements) {
              const read = this.elementsRead;
              read.index = top.index;
              read.pos = pos;
              read.count = 0;
              h.elements(buf, pos, len, read);
              if (read.count > 0) {
                top.index += read.count - 1;
                top.state = COMMA_OR_END;
                next = read.pos;
              }
            }
            if (next === INCOMPLETE && h.rows && c === 0x5b) next = this.readRows(top, pos);
            if (next === INCOMPLETE && h.batch && !top.unbatched) next = this.readBatch(top, pos);
            if (next !== INCOMPLETE) {
              pos = next;
              continue;
            }
          }
          // An element's handler is asked for once, even when its value spans chunks.
          let handler = top.member;
          if (handler === undefined) handler = top.member = top.handler.item ? (top.handler.item(top.index) ?? SKIP) : SKIP;
          const state = top.state;
          top.state = COMMA_OR_END;
          const next = this.startValue(handler, pos, eof);
          if (next === INCOMPLETE) {
            top.state = state;
            break;
          }
          top.member = undefined;
          pos = next;
          continue;
        }
        case COMMA_OR_END: {
          if (c === 0x2c /* , */) {
            if (top.kind === OBJECT) top.state = KEY;
            else {
              top.index++;
              top.state = ELEMENT;
            }
            pos++;
            continue;
          }
          if ((c === 0x7d && top.kind === OBJECT) || (c === 0x5d && top.kind !== OBJECT)) {
            pos = this.close(pos + 1);
            continue;
          }
          this.fail(false, `expected ${this.expectation(top)}, found ${describe(c)}`, this.base + pos);
        }
      }
      break;
    }
    this.pos = pos;
    if (pos < len) this.retryAt = 2 * (len - pos);
  }

  /**
   * Starts a value at `pos` for `handler`: opens a container or reads a whole value.
   * Returns the position after what was consumed, or INCOMPLETE.
   */
  private startValue(handler: JsonHandler, pos: number, eof: boolean): number {
    const c = this.buf[pos];
    if (handler.value && !(handler.scalar && c !== 0x7b && c !== 0x5b)) {
      const end = this.scanValue(pos, eof);
      if (end === INCOMPLETE) return INCOMPLETE;
      let value: unknown;
      try {
        value = JSON.parse(utf8(this.buf, pos, end));
      } catch (e) {
        this.fail(false, `invalid JSON value${this.pathSuffix()}: ${(e as Error).message}`, this.base + pos);
      }
      handler.value(value);
      return end;
    }
    if (c === 0x7b /* { */) {
      if (!handler.key && (handler.item || handler.number)) this.typeError('an array', 'an object', pos);
      this.open(OBJECT, handler, FIRST_KEY_OR_END);
      return pos + 1;
    }
    if (c === 0x5b /* [ */) {
      if (handler.key && !handler.item && !handler.number) this.typeError('an object', 'an array', pos);
      const kind = handler.number ? NUMBERS : ARRAY;
      this.open(kind, handler, FIRST_VALUE_OR_END);
      return pos + 1;
    }
    const end = this.scanScalar(pos, eof);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (handler.scalar) {
      handler.scalar(c === 0x22 ? this.decodeString(pos, end) : c === 0x74 ? true : c === 0x66 ? false : c === 0x6e ? null : this.parseNumber(pos, end));
      return end;
    }
    if (handler.key || handler.item || handler.number) {
      this.typeError(handler.key ? 'an object' : 'an array', describeScalar(c), pos);
    }
    return end;
  }

  /**
   * Rows (arrays of numbers, or of any cells for a `cells` handler) of `top`, an array with a
   * `rows` handler, from `start`, a row's '['. Each row is read whole into `cells` before its
   * numbers are delivered, so a row cut by the end of the buffer, or one with anything the
   * loop does not take, is left untouched to the generic path. Returns the position after the
   * last row read (at ',' or ']'), or INCOMPLETE when there was none.
   */
  private readRows(top: Container, start: number): number {
    const buf = this.buf;
    const len = buf.length;
    const handler = top.handler.rows!;
    const onNumber = handler.number;
    if (!onNumber) return INCOMPLETE;
    const anyCells = handler.cells === true;
    let pos = start;
    let done = INCOMPLETE;
    let count = 0;
    while (pos < len && buf[pos] === 0x5b) {
      let p = this.readRow(pos + 1, anyCells);
      if (p === INCOMPLETE) break;
      for (let k = 0; k < this.cellCount; k++) onNumber(this.cells[k]);
      handler.end?.();
      count++;
      done = p;
      p = skipSpace(buf, p, len);
      if (p >= len || buf[p] !== 0x2c) break;
      pos = skipSpace(buf, p + 1, len);
    }
    if (count === 0) return INCOMPLETE;
    top.index += count - 1;
    top.state = COMMA_OR_END;
    return done;
  }

  /** One row's cells from `p` (just past its '[') into `cells`; the position after its ']', or INCOMPLETE. */
  private readRow(p: number, anyCells: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    this.cellCount = 0;
    try {
      p = skipSpace(buf, p, len);
      if (p < len && buf[p] === 0x5d) return p + 1;
      while (p < len) {
        const c = buf[p];
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
          p = this.readNumber(p, false, this.pushCell);
          if (p === INCOMPLETE) return INCOMPLETE;
        } else if (anyCells) {
          const end = this.scanValue(p, false);
          if (end === INCOMPLETE || end >= len) return INCOMPLETE;
          this.pushCell(NaN);
          p = end;
        } else {
          return INCOMPLETE;
        }
        p = skipSpace(buf, p, len);
        if (p >= len) return INCOMPLETE;
        if (buf[p] === 0x5d) return p + 1;
        if (buf[p] !== 0x2c) return INCOMPLETE;
        p = skipSpace(buf, p + 1, len);
      }
    } catch {
      // A row the generic path reports, with its place in the document.
    }
    return INCOMPLETE;
  }

  /**
   * The elements of `top` (an array with a `batch` handler) from `start`, an element's first
   * byte, to the last one complete in the buffer, parsed at once and handed over. Returns the
   * position after the last of them (a ',' or the array's ']'), or INCOMPLETE when not even
   * one element is complete or the run does not parse: the caller reads the next element alone.
   */
  private readBatch(top: Container, start: number): number {
    const buf = this.buf;
    const len = buf.length;
    let depth = 0;
    let last = -1;
    let count = 0;
    for (let i = start; i < len; i++) {
      const b = buf[i];
      if (b === 0x22) {
        i = stringEnd(buf, i + 1, len);
      } else if (b === 0x7b || b === 0x5b) {
        depth++;
      } else if (b === 0x7d || b === 0x5d) {
        if (depth === 0) {
          // The array's end (or a stray '}', which the caller then reports).
          last = i;
          count++;
          break;
        }
        depth--;
      } else if (b === 0x2c && depth === 0) {
        last = i;
        count++;
      }
    }
    if (count === 0) return INCOMPLETE;
    let values: unknown[];
    try {
      values = JSON.parse(`[${utf8(buf, start, last)}]`) as unknown[];
    } catch {
      top.unbatched = true;
      return INCOMPLETE;
    }
    if (values.length !== count) {
      top.unbatched = true;
      return INCOMPLETE;
    }
    const first = top.index;
    top.index += count - 1;
    top.state = COMMA_OR_END;
    top.handler.batch!(values, first);
    return last;
  }

  /**
   * Pushes a container, reusing one closed before: tables of rows (Gecko's) open millions of
   * small arrays, and an object for each was most of the import's garbage.
   */
  private open(kind: number, handler: JsonHandler, state: number): void {
    const c = this.closed.pop();
    if (c) {
      c.kind = kind;
      c.handler = handler;
      c.state = state;
      c.member = undefined;
      c.key = '';
      c.index = 0;
      c.unbatched = false;
      this.stack.push(c);
    } else {
      this.stack.push({ kind, handler, state, member: undefined, key: '', index: 0, unbatched: false });
    }
  }

  /** Closes the innermost container; `pos` is just past its closing bracket. */
  private close(pos: number): number {
    const top = this.stack.pop()!;
    top.handler.end?.();
    top.handler = SKIP;
    top.member = undefined;
    this.closed.push(top);
    return pos;
  }

  /**
   * The fast path for arrays of numbers: parses elements and separators in a tight loop.
   * Returns the position after the array's ']' or the position where input ran out
   * (stored in this.pos, returning INCOMPLETE).
   */
  private readNumbers(top: Container, start: number, eof: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    const onNumber = top.handler.number!;
    let pos = start;
    for (;;) {
      // an element is expected at pos (after '[' or ',')
      while (pos < len && isSpace(buf[pos])) pos++;
      if (pos >= len) {
        this.pos = pos;
        return INCOMPLETE;
      }
      const tokenStart = pos;
      let c = buf[pos];
      if (top.handler.cells && c !== 0x2d && !(c >= 0x30 && c <= 0x39)) {
        // Not a number: stepped over whole (a string, literal, object or array).
        const end = this.scanValue(tokenStart, eof);
        if (end === INCOMPLETE || (end >= len && !eof)) {
          this.pos = tokenStart;
          return INCOMPLETE;
        }
        onNumber(NaN);
        pos = end;
      } else {
        pos = this.readNumber(tokenStart, eof, onNumber);
        if (pos === INCOMPLETE) {
          this.pos = tokenStart;
          return INCOMPLETE;
        }
      }
      top.state = COMMA_OR_END;
      while (pos < len && isSpace(buf[pos])) pos++;
      if (pos >= len) {
        this.pos = pos;
        return INCOMPLETE;
      }
      c = buf[pos];
      if (c === 0x2c) {
        top.index++;
        top.state = ELEMENT;
        pos++;
        continue;
      }
      if (c === 0x5d) return this.close(pos + 1);
      this.fail(false, `expected ',' or ']' after ${top.handler.cells ? 'an element' : 'a number'}${this.pathSuffix()}, found ${describe(c)}`, this.base + pos);
    }
  }

  /** One number of a number array at `start`, delivered; the position after it, or INCOMPLETE. */
  private readNumber(start: number, eof: boolean, onNumber: (n: number) => void): number {
    const buf = this.buf;
    const len = buf.length;
    let pos = start;
    let c = buf[pos];
    let negative = false;
    if (c === 0x2d /* - */) {
      negative = true;
      pos++;
      c = pos < len ? buf[pos] : 0;
    }
    let value = 0;
    let digits = 0;
    while (pos < len) {
      c = buf[pos];
      const d = c - 0x30;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      digits++;
      pos++;
    }
    if (pos >= len && !eof) return INCOMPLETE;
    if (pos < len && c === 0x2e /* . */ && digits > 0 && digits <= 15 && !(digits > 1 && buf[start + (negative ? 1 : 0)] === 0x30)) {
      // A decimal fraction (sample times in ms): with at most 15 digits in all, the digits
      // make an integer below 2^53 and the power of ten is exact, so one division rounds
      // correctly, giving what Number() gives (Clinger's fast path), without a string.
      let i = pos + 1;
      while (i < len) {
        const d = buf[i] - 0x30;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
        i++;
      }
      const fraction = i - pos - 1;
      if (i >= len && !eof) return INCOMPLETE;
      const next = i < len ? buf[i] : 0;
      if (fraction > 0 && digits + fraction <= 15 && next !== 0x65 && next !== 0x45) {
        const v = value / POWERS_OF_TEN[fraction];
        onNumber(negative ? -v : v);
        return i;
      }
    }
    if (pos < len && (c === 0x2e || c === 0x65 || c === 0x45) /* . e E */) {
      const end = this.scanScalar(start, eof);
      if (end === INCOMPLETE) return INCOMPLETE;
      onNumber(this.parseNumber(start, end));
      return end;
    }
    if (digits === 0 || (digits > 1 && buf[start + (negative ? 1 : 0)] === 0x30) || digits > 15) {
      if (digits === 0) {
        const found = start < len ? describe(buf[start]) : 'the end of the input';
        this.fail(start >= len, `expected a number${this.pathSuffix()}, found ${found}`, this.base + start);
      }
      onNumber(this.parseNumber(start, pos));
    } else {
      onNumber(negative ? -value : value);
    }
    return pos;
  }

  private parseNumber(start: number, end: number): number {
    const text = utf8(this.buf, start, end);
    if (!NUMBER.test(text)) this.fail(false, `invalid number "${text.slice(0, 40)}"${this.pathSuffix()}`, this.base + start);
    return Number(text);
  }

  /** End of the string starting at `pos` (just past its closing quote), or INCOMPLETE. */
  private scanString(pos: number, eof: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    let i = pos + 1;
    while (i < len) {
      const c = buf[i];
      if (c === 0x22) return i + 1;
      if (c === 0x5c /* \ */) i += 2;
      else {
        if (c < 0x20) this.fail(false, `control character in a string${this.pathSuffix()}`, this.base + i);
        i++;
      }
    }
    if (eof) this.fail(true, `unterminated string${this.pathSuffix()}`, this.base + len);
    return INCOMPLETE;
  }

  private decodeString(start: number, end: number): string {
    const buf = this.buf;
    for (let i = start + 1; i < end - 1; i++) {
      if (buf[i] === 0x5c) {
        try {
          return JSON.parse(utf8(buf, start, end)) as string;
        } catch (e) {
          this.fail(false, `invalid string: ${(e as Error).message}`, this.base + start);
        }
      }
    }
    return utf8(buf, start + 1, end - 1);
  }

  /** End of a number or literal token, or INCOMPLETE when it may continue in the next chunk. */
  private scanScalar(pos: number, eof: boolean): number {
    const buf = this.buf;
    const len = buf.length;
    const c = buf[pos];
    if (c === 0x22) return this.scanString(pos, eof);
    let i = pos;
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      while (i < len && isNumberByte(buf[i])) i++;
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
      for (let k = 0; k < word.length; k++, i++) {
        if (i >= len) break;
        if (buf[i] !== word[k]) this.fail(false, `invalid literal${this.pathSuffix()}`, this.base + pos);
      }
      if (i - pos === word.length) return i;
    } else {
      this.fail(false, `expected a value${this.pathSuffix()}, found ${describe(c)}`, this.base + pos);
    }
    if (i < len) return i;
    if (!eof) return INCOMPLETE;
    if (c === 0x74 || c === 0x66 || c === 0x6e) this.fail(true, `truncated literal${this.pathSuffix()}`, this.base + len);
    return i;
  }

  /** End of the complete value starting at `pos` (containers matched by depth), or INCOMPLETE. */
  private scanValue(pos: number, eof: boolean): number {
    const buf = this.buf;
    const c = buf[pos];
    if (c !== 0x7b && c !== 0x5b) return this.scanScalar(pos, eof);
    const end = containerEnd(buf, pos, buf.length);
    if (end >= 0) return end;
    if (eof) this.fail(true, `expected the end of ${c === 0x7b ? 'an object' : 'an array'}${this.pathSuffix()}`, this.base + buf.length);
    return INCOMPLETE;
  }

  private expectation(top: Container): string {
    switch (top.state) {
      case FIRST_KEY_OR_END:
        return 'a key or \'}\'';
      case KEY:
        return 'a key';
      case COLON:
        return "':'";
      case MEMBER_VALUE:
      case ELEMENT:
        return 'a value';
      case FIRST_VALUE_OR_END:
        return "a value or ']'";
      default:
        return top.kind === OBJECT ? "',' or '}'" : "',' or ']'";
    }
  }

  /** " in $.nodes[3].callFrame" — the path of the value being read, for messages. */
  private pathSuffix(): string {
    if (this.stack.length === 0) return '';
    let path = '$';
    for (const c of this.stack) {
      if (c.kind === OBJECT) path += c.state >= COLON ? `.${c.key}` : '';
      else path += `[${c.index}]`;
    }
    return ` in ${path}`;
  }

  private typeError(expected: string, found: string, pos: number): never {
    this.fail(false, `expected ${expected}${this.pathSuffix()}, found ${found}`, this.base + pos);
  }

  private fail(truncated: boolean, message: string, offset: number): never {
    const line = oneLine(`${truncated ? 'truncated' : 'invalid'} JSON: ${message}`);
    throw new ProfileImportError(line, this.source.file, this.source.format, `byte ${offset}`);
  }
}

/** Joins of at most this many bytes reuse joinBuffer's two buffers. */
const JOIN_REUSE = 8 * 1024 * 1024;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const POWERS_OF_TEN = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** The index of the quote that closes a string whose content starts at `i`, or ≥ `end` when it does not close before `end`. */
export function stringEnd(buf: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = buf[i];
    if (c === 0x22) return i;
    i += c === 0x5c ? 2 : 1;
  }
  return i;
}

/**
 * The position after the object or array that starts at `pos` (brackets matched by depth,
 * strings stepped over; not validated), or -1 when it does not end before `end`.
 */
export function containerEnd(buf: Uint8Array, pos: number, end: number): number {
  let depth = 0;
  for (let i = pos; i < end; i++) {
    const b = buf[i];
    if (b === 0x22) i = stringEnd(buf, i + 1, end);
    else if (b === 0x7b || b === 0x5b) depth++;
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

/** The first position from `p` that is not JSON whitespace (or `end`). */
export function skipSpace(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isSpace(buf[p])) p++;
  return p;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

function utf8(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
}

/** Messages quote input (keys, JSON.parse's excerpt); keep them on one printable line. */
export function oneLine(message: string): string {
  return message.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function describe(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

function describeScalar(c: number): string {
  if (c === 0x22) return 'a string';
  if (c === 0x74 || c === 0x66) return 'a boolean';
  if (c === 0x6e) return 'null';
  return 'a number';
}
