// zod/mini, not zod: the classic build cannot be tree-shaken and costs every import process
// about 10 MB at load. The English messages are the ones classic zod gives.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import { MAX_STRING_LENGTH, type ProfileInput } from '../input';
import { STREAM_THRESHOLD } from '../json/read';
import { JsonStreamReader, type JsonHandler } from '../json/stream';
import type { Frame, Profile, ProfileSet, WeightUnit } from '../model';
import type { Importer } from './importer';

const FORMAT = 'speedscope';
const SCHEMA_URL = 'https://www.speedscope.app/file-format-schema.json';
const SCHEMA_PROPERTY = /"\$schema"\s*:\s*"https:\/\/www\.speedscope\.app\/file-format-schema\.json"/;

/** Frames held by the whole-stack cache (4 bytes each). */
const STACK_CACHE_FRAMES = 8 * 1024 * 1024;

z.config(en());

// zod checks the header only; the big arrays (frames, samples, events) are checked by the
// loops below so a million samples are not validated element by element twice.
const unitSchema = z.enum(['none', 'nanoseconds', 'microseconds', 'milliseconds', 'seconds', 'bytes']);
const common = { name: z.optional(z.string()), unit: unitSchema, startValue: z.number(), endValue: z.number() };
const profileHeaderSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('sampled'), ...common }),
  z.object({ type: z.literal('evented'), ...common }),
]);
const fileHeaderSchema = z.object({
  $schema: z.literal(SCHEMA_URL),
  name: z.optional(z.string()),
  activeProfileIndex: z.optional(z.int()),
});
type ProfileHeader = z.infer<typeof profileHeaderSchema>;

/** speedscope's own file format (https://www.speedscope.app/file-format-schema.json). */
export const speedscopeImporter: Importer = {
  format: FORMAT,
  label: 'speedscope JSON',
  sniff(_head, headText) {
    return /^\s*\{/.test(headText) && SCHEMA_PROPERTY.test(headText);
  },
  import: (input) => importSpeedscope(input),
};

/** Imports a speedscope file, streaming it when it is larger than `streamThreshold` bytes. */
export async function importSpeedscope(input: ProfileInput, options: { streamThreshold?: number } = {}): Promise<ProfileSet> {
  const limit = Math.min(options.streamThreshold ?? STREAM_THRESHOLD, MAX_STRING_LENGTH);
  const parts: Uint8Array[] = [];
  let total = 0;
  let stream: StreamedFile | undefined;
  for await (const chunk of input.chunks(FORMAT)) {
    if (stream) {
      stream.reader.write(chunk);
      continue;
    }
    parts.push(chunk);
    total += chunk.length;
    if (total > limit) {
      stream = new StreamedFile(input);
      for (const p of parts) stream.reader.write(p);
      parts.length = 0;
    }
  }
  if (stream) {
    stream.reader.end();
    return stream.build();
  }
  const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  return importParsed(parseJson(text, input, FORMAT), input);
}

/**
 * JSON.parse with V8's syntax errors turned into one ProfileImportError line (the raw message
 * quotes a slice of the input, which may hold control characters).
 */
export function parseJson(text: string, input: ProfileInput, format: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/Unexpected end of JSON input/.test(message)) {
      throw new ProfileImportError(`truncated JSON: the input ends at character ${text.length} inside a value`, input.name, format, `character ${text.length}`);
    }
    const at = /^(.*?) in JSON at position (\d+)/.exec(message);
    if (at) {
      throw new ProfileImportError(`invalid JSON at character ${at[2]}: ${at[1].toLowerCase()}`, input.name, format, `character ${at[2]}`);
    }
    const token = /^Unexpected token '(.)'/.exec(message);
    throw new ProfileImportError(token ? `invalid JSON: unexpected ${JSON.stringify(token[1])}` : 'invalid JSON', input.name, format);
  }
}

function importParsed(json: unknown, input: ProfileInput): ProfileSet {
  const file = readHeader(fileHeaderSchema, json, 'file', input);
  const doc = json as { shared?: { frames?: unknown }; profiles?: unknown };
  const rawFrames = typeof doc.shared === 'object' && doc.shared !== null ? doc.shared.frames : undefined;
  if (!Array.isArray(rawFrames)) throw invalid('shared.frames: expected an array', input);
  if (!Array.isArray(doc.profiles)) throw invalid('profiles: expected an array', input);
  const frames = rawFrames.map((f, i) => readFrame(f, i, input));
  const profiles = doc.profiles.map((raw: unknown, index: number) => {
    const header = readHeader(profileHeaderSchema, raw, `profiles[${index}]`, input);
    const p = new ProfileReader(header, index, frames, input);
    const body = raw as { samples?: unknown; weights?: unknown; events?: unknown };
    if (header.type === 'sampled') {
      const { samples, weights } = body;
      if (!Array.isArray(samples)) return p.fail('"samples" is not an array');
      if (!Array.isArray(weights)) return p.fail('"weights" is not an array');
      p.checkLengths(samples.length, weights.length);
      for (let i = 0; i < samples.length; i++) {
        const stack = samples[i];
        if (!Array.isArray(stack)) return p.fail(`sample ${i} is not an array of frame indices`);
        p.sample(p.stackNode(stack, 0, stack.length, i), weights[i], i);
      }
    } else {
      const { events } = body;
      if (!Array.isArray(events)) return p.fail('"events" is not an array');
      p.events(events.length, (i) => {
        const ev = events[i] as { type?: unknown; frame?: unknown; at?: unknown } | null;
        if (typeof ev !== 'object' || ev === null) return p.fail(`event ${i} is not an object`);
        return ev;
      });
    }
    return p.build();
  });
  return profileSet(profiles, file.activeProfileIndex);
}

function profileSet(profiles: Profile[], activeProfileIndex: number | undefined): ProfileSet {
  const active = activeProfileIndex ?? 0;
  return { format: FORMAT, profiles, activeIndex: active >= 0 && active < profiles.length ? active : 0 };
}

function readHeader<T>(schema: z.ZodMiniType<T>, value: unknown, where: string, input: ProfileInput): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const at = where === 'file' ? path.replace(/^\./, '') || 'file' : `${where}${path}`;
  throw invalid(`${at}: ${issue.message}`, input);
}

function invalid(message: string, input: ProfileInput): ProfileImportError {
  return new ProfileImportError(`not a valid speedscope file: ${message}`, input.name, FORMAT);
}

function readFrame(raw: unknown, index: number, input: ProfileInput): Frame {
  const f = raw as { name?: unknown; file?: unknown; line?: unknown; col?: unknown } | null;
  if (typeof f !== 'object' || f === null || typeof f.name !== 'string') {
    throw new ProfileImportError(`shared.frames[${index}] must be an object with a string "name"`, input.name, FORMAT);
  }
  const frame: Frame = { name: f.name };
  // speedscope stores 1-based lines and columns, like the model.
  if (typeof f.file === 'string' && f.file) frame.file = f.file;
  if (typeof f.line === 'number' && f.line > 0) frame.line = f.line;
  if (typeof f.col === 'number' && f.col > 0) frame.column = f.col;
  return frame;
}

/** Feeds one speedscope profile into a ProfileBuilder, checking indices as it goes. */
class ProfileReader {
  private readonly builder: ProfileBuilder;
  /** Builder frame ids by shared frame index, interned on first use. */
  private readonly remap: Int32Array;
  private time = 0;

  constructor(
    private readonly header: ProfileHeader,
    private readonly index: number,
    private readonly frames: Frame[],
    private readonly input: ProfileInput,
  ) {
    this.builder = new ProfileBuilder(header.name || `Profile ${index + 1}`, toUnit(header.unit, header.type), { timeline: true });
    this.builder.startTime = header.startValue;
    this.builder.endTime = header.endValue;
    this.remap = new Int32Array(frames.length).fill(-1);
  }

  fail(message: string): never {
    throw new ProfileImportError(`profile ${this.index}: ${message}`, this.input.name, FORMAT);
  }

  checkLengths(samples: number, weights: number): void {
    if (samples !== weights) this.fail(`samples has ${samples} entries but weights has ${weights}`);
  }

  private frameId(f: unknown, where: string): number {
    if (typeof f !== 'number' || !(f >= 0 && f < this.frames.length) || f % 1 !== 0) {
      return this.fail(`${where} refers to frame ${JSON.stringify(f)}, but shared.frames has ${this.frames.length} entries`);
    }
    let id = this.remap[f];
    if (id < 0) id = this.remap[f] = this.builder.frame(this.frames[f]);
    return id;
  }

  // The previous walked stack (source frame indices) and its trie nodes: consecutive samples
  // often share a deep prefix, which is then found by comparing integers instead of hashing.
  private prevFrames = new Int32Array(64);
  private prevNodes = new Int32Array(64);
  private prevLength = 0;

  // Whole-stack cache: samples repeat the same few thousand stacks in any order, and one hash
  // and compare over the stack is far cheaper than a trie lookup per frame. Stacks are kept
  // flat in `cached` (bounded; once full, new stacks are walked but not kept).
  private readonly stackSlots = new Map<number, number>();
  private cached = new Int32Array(4096);
  private cachedLength = 0;
  private readonly cachedStarts: number[] = [];
  private readonly cachedNodes: number[] = [];

  /** The trie node of the sample stack `stack[offset .. offset+n)`, root first. */
  stackNode(stack: ArrayLike<unknown>, offset: number, n: number, sample: number): number {
    let h = n;
    for (let j = 0; j < n; j++) h = Math.imul(h ^ ((stack[offset + j] as number) | 0), 0x01000193);
    h &= 0x3fffffff;
    const entry = this.stackSlots.get(h);
    if (entry !== undefined) {
      const at = this.cachedStarts[entry];
      if (this.cachedStarts[entry + 1] - at === n) {
        const cached = this.cached;
        let j = 0;
        while (j < n && stack[offset + j] === cached[at + j]) j++;
        if (j === n) return this.cachedNodes[entry];
      }
    }
    const node = this.walk(stack, offset, n, sample);
    if (entry === undefined && this.cachedLength + n <= STACK_CACHE_FRAMES) {
      if (this.cachedStarts.length === 0) this.cachedStarts.push(0);
      if (this.cachedLength + n > this.cached.length) {
        const grown = new Int32Array(Math.max(this.cached.length * 2, this.cachedLength + n));
        grown.set(this.cached.subarray(0, this.cachedLength));
        this.cached = grown;
      }
      // The walk checked every index, so the stack is valid integers.
      for (let j = 0; j < n; j++) this.cached[this.cachedLength + j] = stack[offset + j] as number;
      this.cachedLength += n;
      this.stackSlots.set(h, this.cachedNodes.length);
      this.cachedNodes.push(node);
      this.cachedStarts.push(this.cachedLength);
    }
    return node;
  }

  private walk(stack: ArrayLike<unknown>, offset: number, n: number, sample: number): number {
    const max = Math.min(n, this.prevLength);
    let j = 0;
    while (j < max && stack[offset + j] === this.prevFrames[j]) j++;
    let node = j > 0 ? this.prevNodes[j - 1] : 0;
    if (n > this.prevNodes.length) {
      this.prevFrames = growTo(this.prevFrames, n);
      this.prevNodes = growTo(this.prevNodes, n);
    }
    for (; j < n; j++) {
      const frame = stack[offset + j];
      node = this.builder.child(node, this.frameId(frame, `sample ${sample}`));
      this.prevFrames[j] = frame as number;
      this.prevNodes[j] = node;
    }
    this.prevLength = n;
    return node;
  }

  /** A sampled profile's samples follow each other: each starts where the previous ended. */
  sample(node: number, weight: unknown, i: number): void {
    if (typeof weight !== 'number' || !(weight >= 0) || weight === Infinity) this.fail(`weight ${i} is ${JSON.stringify(weight)}, expected a non-negative number`);
    this.builder.appendToNode(node, weight as number, this.time);
    this.time += weight as number;
  }

  /**
   * Replays open/close events: the time between two events is self weight of the frame on top
   * of the stack (speedscope's CallTreeProfileBuilder does the same).
   */
  events(count: number, event: (i: number) => { type?: unknown; frame?: unknown; at?: unknown }): void {
    const { builder, frames } = this;
    const start = this.header.startValue;
    let nodes = new Int32Array(64);
    let sourceFrames = new Int32Array(64);
    let depth = 0;
    let last = start;
    for (let i = 0; i < count; i++) {
      const ev = event(i);
      const at = ev.at;
      if (typeof at !== 'number' || !Number.isFinite(at)) this.fail(`event ${i} has no numeric "at"`);
      const delta = (at as number) - last;
      if (delta < 0) this.fail(`event ${i} at ${at} comes before the previous event at ${last}; events must be in time order`);
      if (delta > 0 && depth > 0) builder.appendToNode(nodes[depth - 1], delta, last - start);
      last = at as number;
      const id = this.frameId(ev.frame, `event ${i}`);
      const frame = ev.frame as number;
      if (ev.type === 'O') {
        if (depth === nodes.length) {
          nodes = grow(nodes);
          sourceFrames = grow(sourceFrames);
        }
        nodes[depth] = builder.child(depth > 0 ? nodes[depth - 1] : 0, id);
        sourceFrames[depth++] = frame;
      } else if (ev.type === 'C') {
        if (depth === 0) this.fail(`event ${i} closes frame ${JSON.stringify(frames[frame].name)} but no frame is open`);
        const top = sourceFrames[depth - 1];
        if (top !== frame) {
          this.fail(`event ${i} at ${at} closes frame ${JSON.stringify(frames[frame].name)} while frame ${JSON.stringify(frames[top].name)} is on top of the stack`);
        }
        depth--;
      } else {
        this.fail(`event ${i} has type ${JSON.stringify(ev.type)}, expected "O" or "C"`);
      }
    }
    if (depth > 0) this.fail(`the events end with ${depth} frame(s) still open (innermost ${JSON.stringify(frames[sourceFrames[depth - 1]].name)})`);
  }

  build(): Profile {
    return this.builder.build();
  }
}

/** Growable typed-array column for the streaming path. */
class Column<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(public data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => T)(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

const EVENT_OPEN = 1;
const EVENT_CLOSE = 2;

/** One profile as read by the streaming reader: its header and its arrays in flat columns. */
interface StreamedProfile {
  header: Record<string, unknown>;
  stackFrames: Column<Int32Array>;
  /** End offset of each sample's stack in stackFrames. */
  stackEnds: Column<Int32Array>;
  weights: Column<Float64Array>;
  /** Event type (EVENT_OPEN, EVENT_CLOSE, 0 = other), frame and time. */
  eventTypes: Column<Int32Array>;
  eventFrames: Column<Float64Array>;
  eventAts: Column<Float64Array>;
  hasSamples: boolean;
  hasWeights: boolean;
  hasEvents: boolean;
}

/**
 * A speedscope file read by the streaming JSON reader (files beyond V8's string limit). Keys
 * may come in any order (profiles before shared.frames), so samples and events are kept as
 * flat typed arrays and turned into profiles once the whole file is read.
 */
class StreamedFile {
  readonly reader: JsonStreamReader;
  private readonly header: Record<string, unknown> = {};
  private readonly rawFrames: Frame[] = [];
  private hasFrames = false;
  private readonly profiles: StreamedProfile[] = [];

  constructor(private readonly input: ProfileInput) {
    this.reader = new JsonStreamReader(this.rootHandler(), { file: input.name, format: FORMAT });
  }

  private rootHandler(): JsonHandler {
    const frame: JsonHandler = { value: (v) => this.rawFrames.push(readFrame(v, this.rawFrames.length, this.input)) };
    return {
      key: (name) => {
        if (name === 'shared') {
          return {
            key: (k) => {
              if (k !== 'frames') return undefined;
              this.hasFrames = true;
              return { item: () => frame };
            },
          };
        }
        if (name === 'profiles') return { item: () => this.profileHandler() };
        return { value: (v) => (this.header[name] = v) };
      },
    };
  }

  private profileHandler(): JsonHandler {
    const p: StreamedProfile = {
      header: {},
      stackFrames: new Column(new Int32Array(1024)),
      stackEnds: new Column(new Int32Array(256)),
      weights: new Column(new Float64Array(256)),
      eventTypes: new Column(new Int32Array(16)),
      eventFrames: new Column(new Float64Array(16)),
      eventAts: new Column(new Float64Array(16)),
      hasSamples: false,
      hasWeights: false,
      hasEvents: false,
    };
    this.profiles.push(p);
    // Frame indices outside int32 become -1, which the index check reports.
    const frameOf = (n: number) => (n >= 0 && n <= 0x7fffffff && n % 1 === 0 ? n : -1);
    const stack: JsonHandler = { number: (n) => p.stackFrames.push(frameOf(n)), end: () => p.stackEnds.push(p.stackFrames.length) };
    const event: JsonHandler = {
      value: (v) => {
        const ev = (typeof v === 'object' && v !== null ? v : {}) as { type?: unknown; frame?: unknown; at?: unknown };
        p.eventTypes.push(ev.type === 'O' ? EVENT_OPEN : ev.type === 'C' ? EVENT_CLOSE : 0);
        p.eventFrames.push(typeof ev.frame === 'number' ? ev.frame : NaN);
        p.eventAts.push(typeof ev.at === 'number' ? ev.at : NaN);
      },
    };
    return {
      key: (name) => {
        switch (name) {
          case 'samples':
            p.hasSamples = true;
            return { item: () => stack };
          case 'weights':
            p.hasWeights = true;
            return { number: (n) => p.weights.push(n) };
          case 'events':
            p.hasEvents = true;
            return { item: () => event };
          default:
            return { value: (v) => (p.header[name] = v) };
        }
      },
    };
  }

  build(): ProfileSet {
    const { input } = this;
    const file = readHeader(fileHeaderSchema, this.header, 'file', input);
    if (!this.hasFrames) throw invalid('shared.frames: expected an array', input);
    const profiles = this.profiles.map((s, index) => {
      const header = readHeader(profileHeaderSchema, s.header, `profiles[${index}]`, input);
      const p = new ProfileReader(header, index, this.rawFrames, input);
      if (header.type === 'sampled') {
        if (!s.hasSamples) p.fail('"samples" is not an array');
        if (!s.hasWeights) p.fail('"weights" is not an array');
        p.checkLengths(s.stackEnds.length, s.weights.length);
        const frames = s.stackFrames.data;
        const ends = s.stackEnds.data;
        const weights = s.weights.data;
        let start = 0;
        for (let i = 0; i < s.stackEnds.length; i++) {
          const end = ends[i];
          p.sample(p.stackNode(frames, start, end - start, i), weights[i], i);
          start = end;
        }
      } else {
        if (!s.hasEvents) p.fail('"events" is not an array');
        const types = s.eventTypes.data;
        const frames = s.eventFrames.data;
        const ats = s.eventAts.data;
        const ev: { type?: unknown; frame?: unknown; at?: unknown } = {};
        p.events(s.eventTypes.length, (i) => {
          ev.type = types[i] === EVENT_OPEN ? 'O' : types[i] === EVENT_CLOSE ? 'C' : undefined;
          ev.frame = Number.isNaN(frames[i]) ? undefined : frames[i];
          ev.at = Number.isNaN(ats[i]) ? undefined : ats[i];
          return ev;
        });
      }
      return p.build();
    });
    return profileSet(profiles, file.activeProfileIndex);
  }
}

function growTo(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

function toUnit(unit: z.infer<typeof unitSchema>, type: 'sampled' | 'evented'): WeightUnit {
  if (unit !== 'none') return unit;
  // Unitless sampled profiles count samples; unitless evented ones measure some abstract time.
  return type === 'sampled' ? 'samples' : 'count';
}
