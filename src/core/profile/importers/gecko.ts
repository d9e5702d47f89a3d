import { grownInt } from '../arrays';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { ProfileInput } from '../input';
import type { Frame, Profile, WeightUnit } from '../model';
import type { Importer } from './importer';
import { streamJson } from '../json/read';
import { skipSpace, type ElementsRead, type JsonHandler } from '../json/stream';
import { ByteInterner, ByteViews, sampledHash } from '../text/interner';
import { parseJson } from './speedscope';

const FORMAT = 'gecko';

// Firefox DevTools "Recorded Performance Data" files start with these three keys.
const DEVTOOLS_RECORDING = /^\s*\{\s*"label"\s*:\s*"(?:[^"\\]|\\.)*"\s*,\s*"duration"\s*:\s*[-\d.eE+]+\s*,\s*"markers"\s*:/;
const GECKO_META = /"meta"\s*:\s*\{/;
const GECKO_META_KEYS = /"(?:stackwalk|gcpoison|asyncstack|preprocessedProfileVersion)"\s*:/;
const GECKO_TABLES = /"(?:stackTable|frameTable|funcTable)"\s*:\s*\{/;

/**
 * Firefox Profiler / Gecko profiles: the raw format written by Firefox (threads with
 * `{schema, data}` tables and a per-thread stringTable, also wrapped in a DevTools recording)
 * and the processed format of profiler.firefox.com (column arrays, funcTable, stringArray).
 * One profile per thread that has samples.
 */
export const geckoImporter: Importer = {
  format: FORMAT,
  label: 'Firefox Profiler (Gecko) JSON',
  sniff(_head, headText) {
    if (!/^\s*\{/.test(headText)) return false;
    if (DEVTOOLS_RECORDING.test(headText)) return true;
    if (GECKO_META.test(headText) && GECKO_META_KEYS.test(headText)) return true;
    return GECKO_TABLES.test(headText) && /"threads"\s*:\s*\[/.test(headText);
  },
  async import(input) {
    // Streamed: the big tables go straight into typed columns instead of the million small
    // arrays JSON.parse would make of their rows (which every later garbage collection walks).
    const root = new StreamedProfile(input);
    await streamJson(input, FORMAT, root.handler());
    const doc = root.document();
    if (!doc) {
      throw new ProfileImportError('not a Gecko profile: expected an object with a "threads" array (or a DevTools recording with "profile.threads")', input.name, FORMAT);
    }
    const threads: ThreadSource[] = [];
    collectThreads(doc, {}, 1, threads, input);
    const profiles: Profile[] = [];
    const names = new Set<string>();
    threads.forEach((source, i) => {
      const profile = importThread(source, i, input);
      if (profile.sampleCount === 0) return;
      // Every content process has its own GeckoMain; tell them apart by process.
      if (names.has(profile.name)) profile.name = `${profile.name} (${processLabel(source.thread, i)})`;
      names.add(profile.name);
      profiles.push(profile);
    });
    // Show the thread with the most sampled time first.
    let active = 0;
    profiles.forEach((p, i) => {
      if (p.totalWeight > profiles[active].totalWeight) active = i;
    });
    return { format: FORMAT, profiles, activeIndex: active };
  },
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface ThreadSource {
  thread: Record<string, unknown>;
  /** The profile's `shared` tables (processed format, version 56+). */
  shared: Record<string, unknown>;
  /** Sampling interval in ms. */
  interval: number;
}

/** Threads of the profile and of its sub-process profiles (Firefox nests them, older versions as JSON strings). */
function collectThreads(profile: Record<string, unknown>, parentShared: Record<string, unknown>, parentInterval: number, out: ThreadSource[], input: ProfileInput): void {
  const shared = isObject(profile.shared) ? profile.shared : parentShared;
  const meta = isObject(profile.meta) ? profile.meta : {};
  const interval = typeof meta.interval === 'number' && meta.interval > 0 ? meta.interval : parentInterval;
  for (const t of profile.threads as unknown[]) {
    const thread = typeof t === 'string' ? parseJson(t, input, FORMAT) : t;
    if (!isObject(thread)) throw new ProfileImportError(`thread ${out.length} is not an object`, input.name, FORMAT);
    out.push({ thread, shared, interval });
  }
  if (Array.isArray(profile.processes)) {
    for (const p of profile.processes) {
      const sub = typeof p === 'string' ? parseJson(p, input, FORMAT) : p;
      if (isObject(sub) && Array.isArray(sub.threads)) collectThreads(sub, shared, interval, out, input);
    }
  }
}

function processLabel(thread: Record<string, unknown>, index: number): string {
  const parts: string[] = [];
  if (typeof thread.processName === 'string' && thread.processName) parts.push(thread.processName);
  if (typeof thread.pid === 'number' || (typeof thread.pid === 'string' && thread.pid)) parts.push(`pid ${thread.pid}`);
  else if (typeof thread.tid === 'number') parts.push(`tid ${thread.tid}`);
  else parts.push(`thread ${index}`);
  return parts.join(', ');
}

/** The streamed tables behind each thread object handed to importThread. */
const streamedTables = new WeakMap<object, StreamedThread>();

/** The thread members the importer reads besides its tables (all small scalars). */
const THREAD_SCALARS = new Set(['name', 'processName', 'processType', 'pid', 'tid']);
/** Tables read column by column into typed arrays, and the columns importThread reads of each. */
const THREAD_TABLES = new Map([
  ['samples', new Set(['stack', 'time', 'timeDeltas', 'weight'])],
  ['stackTable', new Set(['prefix', 'frame'])],
  ['frameTable', new Set(['location', 'line', 'func'])],
  ['funcTable', new Set(['name', 'fileName', 'source', 'lineNumber', 'columnNumber', 'resource'])],
  ['resourceTable', new Set(['name'])],
]);

/**
 * A Gecko document as it streams by: `meta` and `shared` are materialized (small), each
 * thread keeps its scalars, its string table (a raw thread's as the frames it names, see
 * ParsedLocations) and its tables as typed columns; markers and
 * everything else are skipped unread. Threads and processes that older Firefox wrote as JSON
 * strings are parsed when they arrive. (Exported for the tests, as is ThreadTables.)
 */
export class StreamedProfile {
  private doc: Record<string, unknown> | undefined;

  constructor(private readonly input: ProfileInput) {}

  /** The profile object (the DevTools recording's `profile`, when wrapped), once read. */
  document(): Record<string, unknown> | undefined {
    const doc = this.doc;
    if (isObject(doc) && isObject(doc.profile) && Array.isArray(doc.profile.threads)) return doc.profile;
    return doc && Array.isArray(doc.threads) ? doc : undefined;
  }

  handler(): JsonHandler {
    return { key: this.profileKeys((this.doc = {})) };
  }

  private profileKeys(target: Record<string, unknown>): (name: string) => JsonHandler | undefined {
    return (name) => {
      switch (name) {
        case 'meta':
        case 'shared':
          return { value: (v) => (target[name] = v) };
        case 'profile': {
          const profile: Record<string, unknown> = {};
          target.profile = profile;
          return { key: this.profileKeys(profile), scalar: (v) => (target.profile = typeof v === 'string' ? parseJson(v, this.input, FORMAT) : v) };
        }
        case 'threads': {
          const threads: unknown[] = [];
          target.threads = threads;
          return {
            item: () => {
              const thread = new StreamedThread();
              return { key: thread.key, scalar: (v) => threads.push(typeof v === 'string' ? parseJson(v, this.input, FORMAT) : v), end: () => threads.push(thread.object()) };
            },
          };
        }
        case 'processes': {
          const processes: unknown[] = [];
          target.processes = processes;
          return {
            item: () => {
              const sub: Record<string, unknown> = {};
              return { key: this.profileKeys(sub), scalar: (v) => processes.push(typeof v === 'string' ? parseJson(v, this.input, FORMAT) : v), end: () => processes.push(sub) };
            },
          };
        }
        default:
          return undefined;
      }
    };
  }
}

class StreamedThread {
  readonly tables = new Map<string, StreamedTable>();
  /** A raw thread's string table, parsed into frames as it streamed by (see ParsedLocations). */
  locations: ParsedLocations | undefined;
  private readonly scalars: Record<string, unknown> = {};
  private strings: unknown[] | undefined;
  private stringsKey = '';

  readonly key = (name: string): JsonHandler | undefined => {
    if (THREAD_SCALARS.has(name)) return { scalar: (v) => (this.scalars[name] = v) };
    const columns = THREAD_TABLES.get(name);
    if (columns) {
      const table = new StreamedTable(columns);
      this.tables.set(name, table);
      return table.handler();
    }
    if (name === 'stringTable' && this.tables.get('samples')?.hasSchema) {
      // A raw thread (its samples came first, with a schema, as Firefox writes them).
      const locations = (this.locations = new ParsedLocations(this.tables.get('frameTable')?.rowCount ?? 0));
      let at = 0;
      const item: JsonHandler = { scalar: (v) => locations.add(at, v), value: undefined };
      return {
        elements: (buf, start, end, read) => locations.readStrings(buf, start, end, read),
        end: () => locations.stringsRead(),
        item: (index) => {
          at = index;
          locations.count = index + 1;
          return item;
        },
      };
    }
    if (name === 'stringTable' || name === 'stringArray') {
      const strings: unknown[] = (this.strings = []);
      this.stringsKey = name;
      const item: JsonHandler = { scalar: (v) => strings.push(v), value: undefined };
      return { item: () => item };
    }
    return undefined;
  };

  /** Drops a table or the string table, once no later phase reads it. */
  forget(key: string): void {
    this.tables.delete(key);
    if (key === this.stringsKey) this.strings = undefined;
    if (key === 'stringTable') this.locations = undefined;
  }

  /** The thread as importThread reads it: scalars and strings, its tables in streamedTables. */
  object(): Record<string, unknown> {
    const thread: Record<string, unknown> = { ...this.scalars };
    streamedTables.set(thread, this);
    if (this.strings) thread[this.stringsKey] = this.strings;
    // importThread tells a thread with no samples table from one with an empty table.
    for (const name of this.tables.keys()) thread[name] = {};
    return thread;
  }
}

/**
 * A raw thread's string table, parsed as it streams by: each string that is a location becomes
 * a frame at once and is not kept. Kept as a table, a large profile's strings (hundreds of
 * thousands) outlive every young-generation collection and then wait in the old generation,
 * long after the frames are read, for a full collection that may come only after the next
 * phases have allocated on top of them.
 */
class ParsedLocations {
  /** The frames found, interned; readFrames copies the ones the frame table uses. */
  readonly frames = new ProfileBuilder('locations', 'samples');
  /** Strings in the table. */
  count = 0;
  /** Per string index: a frame of `frames`, -1 for a string that is not a frame kept, -2 for no string. */
  private ids = new Int32Array(1024).fill(-2);
  /** Strings read by readStrings, by their bytes (quotes included), and the frame of each. */
  private readonly strings = new ByteInterner();
  private stringIds = new Int32Array(1024);
  private readonly bytes = new ByteViews();

  add(index: number, value: unknown): void {
    if (typeof value !== 'string') return;
    this.set(index, rawFrame(value, this.frames));
  }

  /**
   * JsonHandler.elements for the string table: strings read from the bytes, each distinct
   * one (by its bytes) decoded and parsed once. Firefox writes every string once, but a
   * table with repeats costs a lookup per repeat, not a decode, a regex and a frame lookup.
   * Stops before anything but a string (those and strings with control characters go
   * through `add`, which reports them).
   */
  readStrings(buf: Uint8Array, start: number, end: number, read: ElementsRead): void {
    this.bytes.use(buf);
    const { view, text } = this.bytes;
    let pos = start;
    let done = start;
    let index = read.index;
    while (pos < end && buf[pos] === 0x22) {
      // The next quote (memchr) ends the string if the bytes up to it are a string seen
      // before: bytes equal to a whole string are that string, escapes and all.
      let close = text.indexOf(0x22, pos + 1);
      let known = close >= 0 && close < end ? this.strings.findLong(view, pos, close + 1, sampledHash(view, pos, close + 1)) : -1;
      if (known < 0) {
        let escaped = false;
        let control = false;
        close = pos + 1;
        while (close < end) {
          const c = buf[close];
          if (c === 0x22) break;
          if (c === 0x5c) {
            escaped = true;
            close += 2;
          } else {
            if (c < 0x20) control = true;
            close++;
          }
        }
        if (close >= end || control) break;
        const hash = sampledHash(view, pos, close + 1);
        known = this.strings.findLong(view, pos, close + 1, hash);
        if (known < 0) {
          let value: string;
          try {
            value = escaped ? (JSON.parse(text.toString('utf8', pos, close + 1)) as string) : text.toString('utf8', pos + 1, close);
          } catch {
            break;
          }
          known = this.strings.add(buf, pos, close + 1, hash);
          if (known >= this.stringIds.length) this.stringIds = grownInt(this.stringIds, this.stringIds.length * 2);
          this.stringIds[known] = rawFrame(value, this.frames);
        }
      }
      this.set(index++, this.stringIds[known]);
      done = close + 1;
      pos = skipSpace(buf, done, end);
      if (pos >= end || buf[pos] !== 0x2c) break;
      pos = skipSpace(buf, pos + 1, end);
    }
    read.pos = done;
    read.count = index - read.index;
    if (index > this.count) this.count = index;
  }

  /**
   * `expected`: about how many strings are coming (the frame table's rows, when it came
   * first), so the string interner is sized once: grown step by step, each doubling's freed
   * copy stayed in the C heap and the import's peak RSS went up by a tenth.
   */
  constructor(expected: number) {
    if (expected > 0) this.strings.reserve(expected, expected * 64);
  }

  /** The end of the string table: the strings' bytes are not needed any more. */
  stringsRead(): void {
    this.strings.clear();
    this.stringIds = new Int32Array(0);
    this.bytes.clear();
  }

  private set(index: number, id: number): void {
    if (index >= this.ids.length) {
      const old = this.ids.length;
      this.ids = grownInt(this.ids, Math.max(old * 2, index + 1));
      this.ids.fill(-2, old);
    }
    this.ids[index] = id;
  }

  /** The frame of string `index` (as add() gave it), -2 when there is no such string. */
  id(index: unknown): number {
    return typeof index === 'number' && index >= 0 && index < this.ids.length ? this.ids[index] : -2;
  }
}

/**
 * One table in either layout, as numeric columns: `{schema, data: [[…], …]}` (raw, columns by
 * position until the schema names them; the schema may come after the data) or
 * `{column: […], length}` (processed). Cells that are not numbers (null, strings, booleans)
 * read as null, which is what every column the importer uses holds besides numbers.
 */
class StreamedTable {
  hasSchema = false;
  readonly scalars: Record<string, unknown> = {};
  private schema: Record<string, unknown> = {};
  /** Raw layout: column values by position, `rows` rows. */
  private positional: Column[] = [];
  private rows = 0;
  /** Processed layout: named columns (their length is the number of values). */
  private readonly named = new Map<string, Column>();
  /** Raw layout, once the schema is known: whether each position is a column kept. */
  private keep: boolean[] | undefined;

  constructor(private readonly wanted: ReadonlySet<string>) {}

  /** Rows read so far (raw layout). */
  get rowCount(): number {
    return this.rows;
  }

  handler(): JsonHandler {
    let cell = 0;
    const row: JsonHandler = {
      cells: true,
      number: (n) => {
        if (this.keep && !this.keep[cell]) {
          cell++;
          return;
        }
        (this.positional[cell] ??= new Column()).set(this.rows, n);
        cell++;
      },
      end: () => {
        // A short row leaves NaN (null) in the rest of its columns: cells never set are NaN.
        this.rows++;
        cell = 0;
      },
    };
    return {
      key: (name) => {
        if (name === 'schema') {
          this.hasSchema = true;
          return {
            value: (v) => {
              this.schema = isObject(v) ? v : {};
              // Known before the rows (as Firefox writes it): only the columns read are kept.
              if (this.rows === 0) {
                this.keep = [];
                for (const [c, i] of Object.entries(this.schema)) if (this.wanted.has(c) && typeof i === 'number' && i >= 0 && i < 1024) this.keep[i] = true;
              }
            },
          };
        }
        if (name === 'data') return { item: () => row, rows: row };
        // Other members: scalars kept (`length`, `weightType`), arrays skipped.
        if (!this.wanted.has(name)) return { scalar: (v) => (this.scalars[name] = v) };
        const column = new Column();
        return {
          cells: true,
          number: (n) => column.set(column.length, n),
          end: () => this.named.set(name, column),
          scalar: (v) => (this.scalars[name] = v),
        };
      },
    };
  }

  /** The table for importThread (whose readers return null for a non-number cell). */
  table(what: string, fail: (m: string) => never): Table {
    const columnOf = (values: Column | undefined, length: number) => (row: number) => {
      if (!values || row >= length) return undefined;
      const v = values.get(row);
      return v === v ? v : null;
    };
    if (this.hasSchema) {
      const position = (c: string) => (typeof this.schema[c] === 'number' ? (this.schema[c] as number) : -1);
      const column = (c: string) => columnOf(this.positional[position(c)], this.rows);
      return { length: this.rows, has: (c) => position(c) >= 0, column, get: (c, row) => column(c)(row) };
    }
    const lengthOf = this.scalars.length;
    const first = ['frame', 'stack', 'func', 'name'].map((c) => this.named.get(c)).find((c) => c);
    const length = typeof lengthOf === 'number' ? lengthOf : first ? first.length : -1;
    if (length < 0) return fail(`${what} has neither a schema/data layout nor column arrays`);
    const column = (c: string) => {
      const col = this.named.get(c);
      return columnOf(col, col ? Math.min(col.length, length) : 0);
    };
    return { length, has: (c) => this.named.has(c), column, get: (c, row) => column(c)(row) };
  }
}

/**
 * A column of numbers (NaN for null) in fixed blocks, so that growing it copies nothing and
 * leaves no garbage: doubling arrays left every table's outgrown copies (as much again as the
 * tables) to a full collection, which may come only after the next phases have allocated.
 * A block holds 32-bit integers (indices, lines: most columns) until a value that is not one
 * arrives, and then doubles.
 */
class Column {
  private static readonly BITS = 13;
  private static readonly MASK = (1 << Column.BITS) - 1;
  /** Null in an integer block. */
  private static readonly NULL = -0x80000000;
  private readonly blocks: (Int32Array | Float64Array)[] = [];
  private readonly wide: boolean[] = [];
  /** One past the highest row set. */
  length = 0;

  set(row: number, value: number): void {
    const b = row >>> Column.BITS;
    while (b >= this.blocks.length) {
      this.blocks.push(new Int32Array(1 << Column.BITS).fill(Column.NULL));
      this.wide.push(false);
    }
    if (!this.wide[b]) {
      if (value !== value) value = Column.NULL;
      else if ((value | 0) !== value || value === Column.NULL) this.widen(b);
    }
    this.blocks[b][row & Column.MASK] = value;
    if (row >= this.length) this.length = row + 1;
  }

  get(row: number): number {
    const b = row >>> Column.BITS;
    if (b >= this.blocks.length) return NaN;
    const v = this.blocks[b][row & Column.MASK];
    return !this.wide[b] && v === Column.NULL ? NaN : v;
  }

  private widen(b: number): void {
    const narrow = this.blocks[b];
    const wide = new Float64Array(narrow.length);
    for (let i = 0; i < narrow.length; i++) wide[i] = narrow[i] === Column.NULL ? NaN : narrow[i];
    this.blocks[b] = wide;
    this.wide[b] = true;
  }
}

/** A table in either layout: `{schema: {col: i}, data: rows}` (raw) or `{col: values}` (processed). */
interface Table {
  length: number;
  has(column: string): boolean;
  /** Reader of one column, resolved once so row loops do no name lookups. */
  column(name: string): (row: number) => unknown;
  get(column: string, row: number): unknown;
}

function readTable(raw: unknown, what: string, fail: (m: string) => never): Table {
  if (!isObject(raw)) return fail(`${what} is missing`);
  if (isObject(raw.schema) && Array.isArray(raw.data)) {
    const schema = raw.schema as Record<string, number>;
    const data = raw.data as unknown[];
    const column = (c: string) => {
      const i = schema[c];
      return (row: number) => {
        const r = data[row];
        return Array.isArray(r) ? r[i] : undefined;
      };
    };
    return { length: data.length, has: (c) => typeof schema[c] === 'number', column, get: (c, row) => column(c)(row) };
  }
  const length = typeof raw.length === 'number' ? raw.length : Array.isArray(raw.frame) ? raw.frame.length : Array.isArray(raw.stack) ? raw.stack.length : Array.isArray(raw.func) ? raw.func.length : Array.isArray(raw.name) ? raw.name.length : -1;
  if (length < 0) return fail(`${what} has neither a schema/data layout nor column arrays`);
  const column = (c: string) => {
    const values = Array.isArray(raw[c]) ? raw[c] : [];
    return (row: number) => values[row];
  };
  return { length, has: (c) => Array.isArray(raw[c]), column, get: (c, row) => column(c)(row) };
}

// "name (file:line:column)" as in raw Gecko JS frame locations; recent Firefox appends the
// index of the script in the profile's source table: "name (file:line:column)[3]".
const JS_LOCATION = /(.*)\s+\((.*?)(?::(\d+))?(?::(\d+))?\)(\[\d+\])?$/;

/**
 * The tables of one thread, opened when a phase of importThread needs them and let go after
 * it (a large profile's string and frame tables are most of what an import holds).
 */
export class ThreadTables {
  readonly streamed: StreamedThread | undefined;

  constructor(
    private readonly thread: Record<string, unknown>,
    private readonly fail: (m: string) => never,
  ) {
    this.streamed = streamedTables.get(thread);
  }

  open(key: string): Table {
    return this.streamed?.tables.get(key)?.table(key, this.fail) ?? readTable(this.thread[key], key, this.fail);
  }

  has(key: string): boolean {
    return this.streamed?.tables.has(key) || isObject(this.thread[key]);
  }

  hasSchema(key: string): boolean {
    return this.streamed?.tables.get(key)?.hasSchema ?? (isObject(this.thread[key]) && 'schema' in (this.thread[key] as object));
  }

  scalar(key: string, name: string): unknown {
    if (this.streamed) return this.streamed.tables.get(key)?.scalars[name];
    const t = this.thread[key];
    return isObject(t) ? t[name] : undefined;
  }

  /** Forgets tables no later phase reads (the thread's own; `shared` ones stay). */
  release(...keys: string[]): void {
    for (const key of keys) {
      this.streamed?.forget(key);
      delete this.thread[key];
    }
  }
}

function importThread({ thread, shared, interval }: ThreadSource, index: number, input: ProfileInput): Profile {
  const name = typeof thread.name === 'string' && thread.name ? thread.name : `Thread ${index}`;
  const fail = (message: string): never => {
    throw new ProfileImportError(`thread ${index} (${name}): ${message}`, input.name, FORMAT);
  };
  const tables = new ThreadTables(thread, fail);
  const processed = !tables.hasSchema('samples');
  const weightType = processed ? tables.scalar('samples', 'weightType') : undefined;
  const explicitWeight = (weightType === 'tracing-ms' || weightType === 'bytes') && tables.open('samples').has('weight');
  const unit: WeightUnit = explicitWeight && weightType === 'bytes' ? 'bytes' : 'milliseconds';
  const builder = new ProfileBuilder(name, unit, { timeline: true });

  const frames = readFrames(tables, thread, shared, processed, builder, fail);
  tables.release('frameTable', 'funcTable', 'resourceTable', 'stringTable', 'stringArray');
  const stacks = readStacks(tables, frames, builder, fail);
  tables.release('stackTable');
  addSamples(tables, frames, stacks, explicitWeight, interval, builder, fail);
  tables.release('samples');
  return builder.build();
}

/** Builder frame id of each frameTable row (-1 = not a frame we keep), and its line. */
interface ThreadFrames {
  ids: Int32Array;
  lines: Int32Array;
}

function readFrames(
  tables: ThreadTables,
  thread: Record<string, unknown>,
  shared: Record<string, unknown>,
  processed: boolean,
  builder: ProfileBuilder,
  fail: (m: string) => never,
): ThreadFrames {
  const parsed = processed ? undefined : tables.streamed?.locations;
  const strings = (thread.stringArray ?? thread.stringTable ?? shared.stringArray) as unknown;
  if (!parsed && !Array.isArray(strings)) fail('has no stringTable/stringArray');
  const string = (i: unknown, what: string): string => {
    const s = typeof i === 'number' ? (strings as unknown[])[i] : undefined;
    return typeof s === 'string' ? s : fail(`${what} refers to string ${JSON.stringify(i)}, but the string table has ${(strings as unknown[]).length} entries`);
  };
  const frameTable = tables.open('frameTable');
  const funcs = processed ? tables.open('funcTable') : undefined;
  const resources = processed && tables.has('resourceTable') ? tables.open('resourceTable') : undefined;
  const sources = processed && isObject(shared.sources) ? readTable(shared.sources, 'shared.sources', fail) : undefined;

  const frameLine = frameTable.column('line');
  const frameFunc = frameTable.column('func');
  const frameLocation = frameTable.column('location');
  const frameIds = new Int32Array(frameTable.length);
  const frameLines = new Int32Array(frameTable.length);
  const funcIds = funcs ? new Int32Array(funcs.length).fill(-2) : undefined;
  // Builder frame id per string-table index of a location, or per frame of `parsed` (-2 = not
  // looked up yet): an array, not a Map, since every frameTable row looks one up (a million
  // lookups on a large profile).
  const locationIds = new Int32Array(funcs ? 0 : parsed ? parsed.frames.frames.length : (strings as unknown[]).length).fill(-2);
  for (let f = 0; f < frameTable.length; f++) {
    const line = frameLine(f);
    frameLines[f] = typeof line === 'number' && line > 0 ? line : 0;
    if (funcs) {
      const func = frameFunc(f);
      if (typeof func !== 'number' || !(func >= 0 && func < funcs.length)) return fail(`frameTable row ${f} refers to func ${JSON.stringify(func)}, but funcTable has ${funcs.length} entries`);
      if (funcIds![func] === -2) funcIds![func] = builder.frame(processedFrame(funcs, resources, sources, func, string));
      frameIds[f] = funcIds![func];
    } else if (parsed) {
      // Parsed as the string table streamed by: frames in the order rows first use them.
      const location = frameLocation(f);
      const found = parsed.id(location);
      if (found === -2) return fail(`frameTable row ${f} refers to string ${JSON.stringify(location)}, but the string table has ${parsed.count} entries`);
      if (found >= 0 && locationIds[found] === -2) locationIds[found] = builder.frame(parsed.frames.frames[found]);
      frameIds[f] = found >= 0 ? locationIds[found] : -1;
    } else {
      // Many rows share a location string; parse each string once.
      const location = frameLocation(f);
      const known = typeof location === 'number' && location >= 0 && location < locationIds.length;
      let id = known ? locationIds[location] : -2;
      if (id === -2) {
        id = rawFrame(string(location, `frameTable row ${f}`), builder);
        if (known) locationIds[location] = id;
      }
      frameIds[f] = id;
    }
  }
  return { ids: frameIds, lines: frameLines };
}

/** Trie node, frameTable row and parent row of each stackTable row. */
interface ThreadStacks {
  nodes: Int32Array;
  frames: Int32Array;
  parents: Int32Array;
  hasLines: boolean;
}

function readStacks(tables: ThreadTables, frames: ThreadFrames, builder: ProfileBuilder, fail: (m: string) => never): ThreadStacks {
  const stacks = tables.open('stackTable');
  const frameCount = frames.ids.length;
  const frameIds = frames.ids;
  const stackPrefix = stacks.column('prefix');
  const stackFrame = stacks.column('frame');
  // Gecko writes a stack's prefix before the stack.
  const stackNodes = new Int32Array(stacks.length);
  const stackFrames = new Int32Array(stacks.length);
  const stackParents = new Int32Array(stacks.length);
  let hasLines = false;
  builder.reserve(stacks.length, 0);
  for (let s = 0; s < stacks.length; s++) {
    const prefix = stackPrefix(s);
    const frame = stackFrame(s);
    if (typeof frame !== 'number' || !(frame >= 0 && frame < frameCount)) return fail(`stackTable row ${s} refers to frame ${JSON.stringify(frame)}, but frameTable has ${frameCount} entries`);
    let parent = 0;
    if (prefix !== null && prefix !== undefined) {
      if (typeof prefix !== 'number' || !(prefix >= 0 && prefix < s)) return fail(`stackTable row ${s} has prefix ${JSON.stringify(prefix)}, expected an earlier row`);
      parent = stackNodes[prefix];
    }
    stackParents[s] = prefix === null || prefix === undefined ? -1 : (prefix as number);
    stackFrames[s] = frame;
    const id = frameIds[frame];
    stackNodes[s] = id >= 0 ? builder.child(parent, id) : parent;
    if (id >= 0 && frames.lines[frame] > 0) hasLines = true;
  }
  return { nodes: stackNodes, frames: stackFrames, parents: stackParents, hasLines };
}

function addSamples(
  tables: ThreadTables,
  frames: ThreadFrames,
  stacks: ThreadStacks,
  explicitWeight: boolean,
  interval: number,
  builder: ProfileBuilder,
  fail: (m: string) => never,
): void {
  const samples = tables.open('samples');
  const stackCount = stacks.nodes.length;
  const stackNodes = stacks.nodes;
  const n = samples.length;
  builder.reserveTimeline(n);
  // Times are read as the samples are walked, each once: no copy of the column.
  const time = sampleClock(samples, fail);
  const sampleStack = samples.column('stack');
  const sampleWeight = samples.column('weight');
  // Line costs depend only on the stack, so weights are summed per stackTable row and
  // spread over the stack's lines once per row rather than once per sample.
  const stackWeight = stacks.hasLines ? new Float64Array(stackCount) : undefined;
  // Like speedscope, a sample lasts until the next one, so the last sample has no duration
  // (unless the format gives explicit weights). Unlike speedscope, not across a gap where the
  // thread was not sampled (paused profiler, thread not yet registered), which would turn one
  // sample into seconds.
  const maxDuration = 10 * interval;
  const start = n > 0 ? time(0) : 0;
  let next = start;
  for (let i = 0; i < n; i++) {
    const at = next;
    if (i + 1 < n) next = time(i + 1);
    const stack = sampleStack(i);
    if (stack === null || stack === undefined) continue;
    if (typeof stack !== 'number' || !(stack >= 0 && stack < stackCount)) return fail(`sample ${i} refers to stack ${JSON.stringify(stack)}, but stackTable has ${stackCount} entries`);
    let weight: number;
    if (explicitWeight) {
      const w = sampleWeight(i);
      weight = typeof w === 'number' ? w : fail(`sample ${i} has weight ${JSON.stringify(w)}, expected a number`);
    } else {
      if (i === n - 1) break;
      weight = next - at;
      if (weight < 0) fail(`sample ${i + 1} at ${next} ms comes before sample ${i} at ${at} ms`);
      if (weight > maxDuration) weight = maxDuration;
    }
    const node = stackNodes[stack];
    if (node === 0 || weight === 0) continue;
    builder.appendToNode(node, weight, at - start);
    if (stackWeight) stackWeight[stack] += weight;
  }
  if (n > 0) {
    builder.startTime = 0;
    builder.endTime = time(n - 1) - start;
  }
  if (stackWeight) {
    const lineFrames: number[] = [];
    const lineValues: number[] = [];
    for (let stack = 0; stack < stackCount; stack++) {
      const weight = stackWeight[stack];
      if (weight === 0) continue;
      lineFrames.length = 0;
      lineValues.length = 0;
      for (let s = stack; s >= 0; s = stacks.parents[s]) {
        const f = stacks.frames[s];
        if (frames.ids[f] < 0) continue;
        lineFrames.push(frames.ids[f]);
        lineValues.push(frames.lines[f]);
      }
      builder.addLines(lineFrames.reverse(), lineValues.reverse(), weight);
    }
  }
}

/**
 * Sample times in ms, from a `time` column or by summing `timeDeltas` (processed format), for
 * a walk forward through the samples: time(i) reads (and checks) every sample up to i once;
 * i must not go back.
 */
function sampleClock(samples: Table, fail: (m: string) => never): (i: number) => number {
  const deltas = !samples.has('time') && samples.has('timeDeltas');
  if (!deltas && !samples.has('time')) return fail('samples have neither a "time" nor a "timeDeltas" column');
  const column = samples.column(deltas ? 'timeDeltas' : 'time');
  let read = -1;
  let t = 0;
  return (i) => {
    while (read < i) {
      const v = column(++read);
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(`sample ${read} has time ${JSON.stringify(v)}, expected a number`);
      t = deltas ? t + v : v;
    }
    return t;
  };
}

/**
 * Raw Gecko frames are location strings; as speedscope does, only JavaScript frames
 * ("name (file:line:col)") outside Firefox's own code (resource:, self-hosted) are kept.
 */
function rawFrame(location: string, builder: ProfileBuilder): number {
  // Cheap test first: native frame labels rarely end like a JS location, and the regex
  // backtracks a lot on the ones that do not match.
  const last = location.charCodeAt(location.length - 1);
  if (last !== 41 /* ) */ && last !== 93 /* ] */) return -1;
  const m = JS_LOCATION.exec(location);
  if (!m) return -1;
  const file = m[2];
  if (file.startsWith('resource:') || file === 'self-hosted' || file.startsWith('self-hosted:')) return -1;
  const frame: Frame = { name: m[1], file };
  if (m[3]) frame.line = parseInt(m[3], 10);
  // Older Firefox wrote 0-based columns; the versions that add the source index write 1-based ones.
  if (m[4]) frame.column = parseInt(m[4], 10) + (m[5] ? 0 : 1);
  return builder.frame(frame);
}

/** Processed-format functions are symbolicated already, so every frame is kept (native ones too). */
function processedFrame(funcs: Table, resources: Table | undefined, sources: Table | undefined, func: number, string: (i: unknown, what: string) => string): Frame {
  const frame: Frame = { name: string(funcs.get('name', func), `funcTable row ${func}`) };
  const file = funcs.get('fileName', func);
  if (file !== null && file !== undefined) frame.file = string(file, `funcTable row ${func} fileName`);
  // Version 58 moved file names into the shared source table.
  const source = funcs.get('source', func);
  if (sources && typeof source === 'number' && source >= 0 && source < sources.length) {
    const name = sources.get('filename', source);
    if (name !== null && name !== undefined) frame.file = string(name, `shared.sources row ${source}`);
  }
  const line = funcs.get('lineNumber', func);
  if (typeof line === 'number' && line > 0) frame.line = line;
  const column = funcs.get('columnNumber', func);
  if (typeof column === 'number' && column > 0) frame.column = column;
  const resource = funcs.get('resource', func);
  if (resources && typeof resource === 'number' && resource >= 0 && resource < resources.length) {
    const moduleName = resources.get('name', resource);
    if (typeof moduleName === 'number') frame.module = string(moduleName, `resourceTable row ${resource}`);
  }
  return frame;
}
