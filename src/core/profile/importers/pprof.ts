import { grownFloat, grownInt } from '../arrays';
import { Profile as PprofProfile, type ProfileInput as PprofFields } from 'pprof-format';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { Frame, Profile, WeightUnit } from '../model';
import type { ProfileInput } from '../input';
import type { Importer } from './importer';

const FORMAT = 'pprof';

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** Wire type of each top-level field of profile.proto's Profile message (13 may also be packed). */
const PROFILE_FIELDS: Record<number, { name: string; wire: number }> = {
  1: { name: 'sample_type', wire: LEN },
  2: { name: 'sample', wire: LEN },
  3: { name: 'mapping', wire: LEN },
  4: { name: 'location', wire: LEN },
  5: { name: 'function', wire: LEN },
  6: { name: 'string_table', wire: LEN },
  7: { name: 'drop_frames', wire: VARINT },
  8: { name: 'keep_frames', wire: VARINT },
  9: { name: 'time_nanos', wire: VARINT },
  10: { name: 'duration_nanos', wire: VARINT },
  11: { name: 'period_type', wire: LEN },
  12: { name: 'period', wire: VARINT },
  13: { name: 'comment', wire: VARINT },
  14: { name: 'default_sample_type', wire: VARINT },
  15: { name: 'doc_url', wire: VARINT },
};

/**
 * pprof protobuf (profile.proto), raw or gzipped: Go, @datadog/pprof, async-profiler,
 * py-spy, Parca, Pyroscope. Every sample type becomes one Profile; inlined functions (several
 * lines in one location) become several frames; line numbers become per-line cost; the
 * mapping (binary or library) becomes the frame's module. Labels are not kept.
 */
export const pprofImporter: Importer = {
  format: FORMAT,
  label: 'pprof',
  sniff(head) {
    return scanProfile(head, true) === undefined;
  },
  async import(input) {
    const fail = (message: string, at?: number): ProfileImportError =>
      new ProfileImportError(message, input.name, FORMAT, at === undefined ? undefined : `byte ${at}`);
    // The bytes are read in a frame of their own: once decoded they can be collected while
    // the profile is built (an interpreted frame keeps every value it has held).
    const decoded = await readProfile(input, fail);
    return { format: FORMAT, ...convert(decoded, fail) };
  },
};

async function readProfile(input: ProfileInput, fail: (message: string, at?: number) => ProfileImportError): Promise<ReturnType<typeof decodeProfile>> {
  return decodeProfile(await input.bytes(FORMAT), fail);
}

interface WireProblem {
  message: string;
  at: number;
}

/**
 * Walks the top-level fields of a Profile message, checking each tag is a profile.proto field
 * with its wire type and that length-delimited fields fit. In `prefix` mode (sniffing a head)
 * the bytes may stop anywhere, but at least one whole field must be seen, and field 1 or 6
 * (sample types, strings: every real profile has both) must appear.
 */
function scanProfile(bytes: Uint8Array, prefix: boolean): WireProblem | undefined {
  let pos = 0;
  let fields = 0;
  let sawCore = false;
  const n = bytes.length;
  if (n === 0) return { message: 'the content is empty', at: 0 };
  while (pos < n) {
    const tagAt = pos;
    const tag = readVarint(bytes, pos);
    if (tag.next < 0) return prefix ? ok(fields, sawCore, tagAt) : { message: `truncated field tag at byte ${tagAt}`, at: tagAt };
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    const wire = tag.value & 7;
    const spec = PROFILE_FIELDS[field];
    if (!spec) return { message: `unknown field ${field} (wire type ${wire}) at byte ${tagAt}`, at: tagAt };
    if (wire !== spec.wire && !(field === 13 && wire === LEN)) {
      return { message: `field ${field} (${spec.name}) has wire type ${wire}, expected ${spec.wire} at byte ${tagAt}`, at: tagAt };
    }
    if (wire === VARINT) {
      const v = readVarint(bytes, pos);
      if (v.next < 0) return prefix ? ok(fields, sawCore, tagAt) : { message: `truncated ${spec.name} at byte ${pos}`, at: pos };
      pos = v.next;
    } else {
      const len = readVarint(bytes, pos);
      if (len.next < 0) return prefix ? ok(fields, sawCore, tagAt) : { message: `truncated length of ${spec.name} at byte ${pos}`, at: pos };
      if (len.next + len.value > n) {
        if (prefix) return ok(fields, sawCore, tagAt);
        return { message: `truncated: ${spec.name} at byte ${tagAt} needs ${len.value} bytes, ${n - len.next} remain`, at: tagAt };
      }
      if (field === 1 && !validValueType(bytes, len.next, len.next + len.value)) {
        return { message: `sample_type at byte ${tagAt} is not a ValueType message`, at: tagAt };
      }
      pos = len.next + len.value;
    }
    fields++;
    if (field === 1 || field === 6) sawCore = true;
  }
  return sawCore ? undefined : { message: 'no sample_type or string_table field', at: 0 };
}

function ok(fields: number, sawCore: boolean, at: number): WireProblem | undefined {
  return fields > 0 && sawCore ? undefined : { message: 'too few fields to tell', at };
}

/** A ValueType holds only varint fields 1 (type) and 2 (unit). */
function validValueType(bytes: Uint8Array, pos: number, end: number): boolean {
  while (pos < end) {
    const tag = readVarint(bytes, pos);
    if (tag.next < 0 || tag.next > end || (tag.value !== 8 && tag.value !== 16)) return false;
    const v = readVarint(bytes, tag.next);
    if (v.next < 0 || v.next > end) return false;
    pos = v.next;
  }
  return true;
}

/** Where the varint last read by varintAt ended; -1 when the bytes ended first or it ran over 10 bytes. */
let varintNext = -1;

/** A varint at `pos` (exact up to 2^53) that must end before `end`; see varintNext. */
function varintAt(bytes: Uint8Array, pos: number, end: number): number {
  if (pos < end && bytes[pos] < 0x80) {
    varintNext = pos + 1;
    return bytes[pos];
  }
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos < end; i++) {
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      varintNext = pos;
      return value;
    }
    scale *= 128;
  }
  varintNext = -1;
  return 0;
}

function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } {
  const value = varintAt(bytes, pos, bytes.length);
  return { value, next: varintNext };
}

/** pprof-format gives int64 fields as number or, past 2^32, bigint. */
type Numeric = number | bigint;

const num = (v: Numeric | undefined): number => (v === undefined ? 0 : Number(v));

/**
 * Distinct stacks (location ids leaf-first, as in the file) with their values summed per
 * sample type. pprof repeats a stack once per label set and per collection interval, so a
 * profile of a million samples often has only thousands of stacks.
 */
class StackSet {
  /** Distinct stacks. */
  count = 0;
  /** Samples added. */
  samples = 0;
  /** Values per sample (the sample types); -1 until the first sample. */
  typeCount = -1;
  /** The sample that introduced each stack (for error messages). */
  readonly firstSample: number[] = [];
  /** Location ids of stack k at ids[start[k]] … ids[start[k + 1]]. */
  ids = new Float64Array(1024);
  start = new Int32Array(65);
  weights = new Float64Array(0);
  counts = new Float64Array(0);
  private readonly byHash = new Map<number, number>();

  add(ids: Float64Array, idCount: number, values: Float64Array, valueCount: number, expectedTypes: number, fail: (message: string) => ProfileImportError): void {
    const s = this.samples++;
    if (this.typeCount < 0) {
      this.typeCount = expectedTypes > 0 ? expectedTypes : valueCount;
      this.weights = new Float64Array(64 * Math.max(1, this.typeCount));
      this.counts = new Float64Array(this.weights.length);
    }
    const typeCount = this.typeCount;
    if (valueCount !== typeCount) throw fail(`sample ${s} has ${valueCount} values for ${typeCount} sample types`);
    let h = 0x811c9dc5;
    for (let l = 0; l < idCount; l++) h = Math.imul(h ^ ids[l], 0x01000193);
    let stack = this.byHash.get(h);
    if (stack !== undefined && !this.same(stack, ids, idCount)) stack = undefined;
    if (stack === undefined) {
      stack = this.count++;
      this.firstSample.push(s);
      const from = this.start[stack];
      if (from + idCount > this.ids.length) this.ids = grownFloat(this.ids, Math.max(this.ids.length * 2, from + idCount));
      this.ids.set(ids.subarray(0, idCount), from);
      if (stack + 2 > this.start.length) this.start = grownInt(this.start, this.start.length * 2);
      this.start[stack + 1] = from + idCount;
      // On a hash collision the first stack keeps the slot; the other is simply not cached.
      if (!this.byHash.has(h)) this.byHash.set(h, stack);
      if ((stack + 1) * typeCount > this.weights.length) {
        this.weights = grownFloat(this.weights, this.weights.length * 2);
        this.counts = grownFloat(this.counts, this.counts.length * 2);
      }
    }
    for (let t = 0; t < typeCount; t++) {
      const w = values[t];
      if (w === 0) continue;
      this.weights[stack * typeCount + t] += w;
      this.counts[stack * typeCount + t]++;
    }
  }

  /** Lets go of the lookup once every sample is in. */
  done(): void {
    this.byHash.clear();
  }

  private same(stack: number, ids: Float64Array, idCount: number): boolean {
    const from = this.start[stack];
    if (this.start[stack + 1] - from !== idCount) return false;
    for (let l = 0; l < idCount; l++) if (this.ids[from + l] !== ids[l]) return false;
    return true;
  }
}

/**
 * Decodes a Profile message that scanProfile has checked. Every field but `sample` goes to
 * pprof-format's own field decoders; samples, usually nine tenths of the bytes, are read here
 * straight into a StackSet, so no object per sample (and per location id) is ever made: the
 * whole decode of a million samples then needs little more memory than the file.
 */
function decodeProfile(
  bytes: Uint8Array,
  fail: (message: string, at?: number) => ProfileImportError,
): { profile: PprofProfile; strings: string[]; stacks: StackSet; locations: LocationTable } {
  const problem = scanProfile(bytes, false);
  if (problem) throw fail(`not a pprof profile: ${problem.message}`, problem.at);
  try {
    return decodeFields(bytes, fail);
  } catch (e) {
    if (e instanceof ProfileImportError) throw e;
    // pprof-format's decoders on a field that is not what profile.proto says.
    throw fail(`not a pprof profile: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function decodeFields(
  bytes: Uint8Array,
  fail: (message: string) => ProfileImportError,
): { profile: PprofProfile; strings: string[]; stacks: StackSet; locations: LocationTable } {
  const data: PprofFields = {};
  const stacks = new StackSet();
  const locations = new LocationTable();
  // pprof-format's string table would keep a UTF-8 copy (its own ArrayBuffer) of every string.
  const strings: string[] = [];
  const utf8 = new TextDecoder();
  const reader = new WireReader(bytes, fail);
  let ids = new Float64Array(256);
  let values = new Float64Array(8);
  const n = bytes.length;
  while (reader.pos < n) {
    const tag = reader.varint(n);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === VARINT) {
      const from = reader.pos;
      reader.varint(n);
      PprofProfile.decodeValue(data, field, bytes.subarray(from, reader.pos));
      continue;
    }
    // scanProfile let only varint and length-delimited fields through.
    const len = reader.varint(n);
    const from = reader.pos;
    const end = from + len;
    reader.pos = end;
    if (field === 4) {
      locations.decode(reader, from, end);
      continue;
    }
    if (field === 6) {
      strings.push(utf8.decode(bytes.subarray(from, end)));
      continue;
    }
    if (field !== 2) {
      PprofProfile.decodeValue(data, field, bytes.subarray(from, end));
      continue;
    }
    // Sample: location_id = 1 (repeated uint64), value = 2 (repeated int64), label = 3.
    let idCount = 0;
    let valueCount = 0;
    const sample = new WireReader(bytes, fail, from);
    while (sample.pos < end) {
      const at = sample.pos;
      const stag = sample.varint(end);
      const sfield = Math.floor(stag / 8);
      const swire = stag & 7;
      if ((sfield === 1 || sfield === 2) && (swire === VARINT || swire === LEN)) {
        const stop = swire === LEN ? sample.varint(end) + sample.pos : -1;
        if (stop > end) throw fail(`not a pprof profile: sample ${stacks.samples} field ${sfield} at byte ${at} runs past its sample`);
        do {
          if (stop >= 0 && sample.pos >= stop) break;
          const v = sfield === 1 ? sample.varint(end) : sample.int64(end);
          if (sfield === 1) {
            if (idCount === ids.length) ids = grownFloat(ids, ids.length * 2);
            ids[idCount++] = v;
          } else {
            if (valueCount === values.length) values = grownFloat(values, values.length * 2);
            values[valueCount++] = v;
          }
        } while (stop >= 0);
        if (stop >= 0 && sample.pos !== stop) throw fail(`not a pprof profile: sample ${stacks.samples} field ${sfield} at byte ${at} ends inside a number`);
      } else {
        sample.skip(swire, end, at);
      }
    }
    stacks.add(ids, idCount, values, valueCount, data.sampleType?.length ?? 0, fail);
  }
  stacks.done();
  return { profile: new PprofProfile(data), strings, stacks, locations };
}

/**
 * The Location messages in flat arrays (a real profile has one per call site: hundreds of
 * thousands, each with its Line messages, which as objects would outweigh the rest).
 */
class LocationTable {
  count = 0;
  id = new Float64Array(1024);
  mapping = new Float64Array(1024);
  address = new Float64Array(1024);
  /** Lines of location i at lineStart[i] … lineStart[i + 1], leaf-most (inlined) first. */
  lineStart = new Int32Array(1025);
  lineFunction = new Float64Array(1024);
  lineNumber = new Float64Array(1024);

  /** Location: id = 1, mapping_id = 2, address = 3, line = 4 (function_id = 1, line = 2), is_folded = 5. */
  decode(reader: WireReader, from: number, end: number): void {
    const i = this.count++;
    if (i + 1 >= this.id.length) {
      const size = this.id.length * 2;
      this.id = grownFloat(this.id, size);
      this.mapping = grownFloat(this.mapping, size);
      this.address = grownFloat(this.address, size);
      this.lineStart = grownInt(this.lineStart, size + 1);
    }
    let lines = this.lineStart[i];
    let id = 0;
    let mapping = 0;
    let address = 0;
    reader.pos = from;
    while (reader.pos < end) {
      const at = reader.pos;
      const tag = reader.varint(end);
      if (tag === 8) id = reader.varint(end);
      else if (tag === 16) mapping = reader.varint(end);
      else if (tag === 24) address = reader.varint(end);
      else if (tag === 34) {
        const stop = reader.varint(end) + reader.pos;
        if (stop > end) throw reader.fail(`not a pprof profile: location ${i} line at byte ${at} runs past its location`);
        if (lines === this.lineFunction.length) {
          this.lineFunction = grownFloat(this.lineFunction, lines * 2);
          this.lineNumber = grownFloat(this.lineNumber, lines * 2);
        }
        let fn = 0;
        let line = 0;
        while (reader.pos < stop) {
          const lineAt = reader.pos;
          const lineTag = reader.varint(stop);
          if (lineTag === 8) fn = reader.varint(stop);
          else if (lineTag === 16) line = reader.int64(stop);
          else reader.skip(lineTag & 7, stop, lineAt);
        }
        this.lineFunction[lines] = fn;
        this.lineNumber[lines] = line;
        lines++;
      } else reader.skip(tag & 7, end, at);
    }
    this.id[i] = id;
    this.mapping[i] = mapping;
    this.address[i] = address;
    this.lineStart[i + 1] = lines;
  }
}

/** Protobuf wire reading over bytes whose fields scanProfile or the caller bounded. */
class WireReader {
  constructor(
    private readonly bytes: Uint8Array,
    readonly fail: (message: string) => ProfileImportError,
    public pos = 0,
  ) {}

  /** An unsigned varint (exact up to 2^53) ending before `end`. */
  varint(end: number): number {
    const value = varintAt(this.bytes, this.pos, end);
    if (varintNext < 0) {
      throw this.fail(`not a pprof profile: a number at byte ${this.pos} ${end - this.pos >= 10 ? 'is longer than 10 bytes' : 'is cut off'}`);
    }
    this.pos = varintNext;
    return value;
  }

  /** A signed int64 varint (two's complement: negative values take 10 bytes). */
  int64(end: number): number {
    const from = this.pos;
    const value = this.varint(end);
    if (this.pos - from < 10) return value;
    let big = 0n;
    for (let i = this.pos - 1; i >= from; i--) big = (big << 7n) | BigInt(this.bytes[i] & 0x7f);
    return Number(BigInt.asIntN(64, big));
  }

  /** Steps over a field of wire type `wire` whose tag started at `at`. */
  skip(wire: number, end: number, at: number): void {
    let next: number;
    if (wire === VARINT) {
      this.varint(end);
      return;
    } else if (wire === LEN) {
      next = this.varint(end) + this.pos;
    } else if (wire === I64) {
      next = this.pos + 8;
    } else if (wire === I32) {
      next = this.pos + 4;
    } else {
      throw this.fail(`not a pprof profile: unknown wire type ${wire} at byte ${at}`);
    }
    if (next > end) throw this.fail(`not a pprof profile: the field at byte ${at} runs past its message`);
    this.pos = next;
  }
}

function convert(
  { profile: p, strings, stacks, locations: locs }: ReturnType<typeof decodeProfile>,
  fail: (message: string) => ProfileImportError,
): { profiles: Profile[]; activeIndex: number } {
  const str = (index: Numeric, what: string): string => {
    const i = num(index);
    const s = strings[i];
    if (s === undefined) throw fail(`${what} refers to string ${i}, but the string table has ${strings.length}`);
    return s;
  };
  const types = p.sampleType.map((t, i) => ({ type: str(t.type, `sample_type ${i}`), unit: str(t.unit, `sample_type ${i} unit`) }));
  if (types.length === 0) throw fail('no sample_type: the profile does not say what its values measure');
  const typeCount = types.length;
  if (stacks.typeCount >= 0 && stacks.typeCount !== typeCount) throw fail(`sample 0 has ${stacks.typeCount} values for ${typeCount} sample types`);
  const { ids: stackIds, start: stackStart, weights, counts, firstSample: stackSample } = stacks;

  const mappings = new Map<number, string>();
  for (const m of p.mapping) mappings.set(num(m.id), str(m.filename, `mapping ${num(m.id)} filename`));
  const functions = new IdTable<{ name: string; file: string; startLine: number }>(p.function.map((f) => num(f.id)));
  for (const f of p.function) {
    const id = num(f.id);
    const name = str(f.name, `function ${id} name`) || str(f.systemName, `function ${id} system_name`) || `<function ${id}>`;
    functions.set(id, { name, file: str(f.filename, `function ${id} filename`), startLine: num(f.startLine) });
  }

  // Frames are interned once, file-wide; each sample type's builder maps them lazily.
  const frames: Frame[] = [];
  const frameIds = new Map<string, number>();
  const frameOf = (frame: Frame): number => {
    const key = `${frame.name}\u0000${frame.file ?? ''}\u0000${frame.line ?? 0}\u0000${frame.module ?? ''}`;
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(frame);
      frameIds.set(key, id);
    }
    return id;
  };
  // (frame, line) pairs for per-line cost, chained per frame (a frame has only a few lines).
  const pairFrame: number[] = [];
  const pairLine: number[] = [];
  const pairNext: number[] = [];
  const firstPair: number[] = [];
  const pairOf = (frame: number, line: number): number => {
    if (line <= 0) return -1;
    let id = firstPair[frame] ?? -1;
    while (id >= 0 && pairLine[id] !== line) id = pairNext[id];
    if (id < 0) {
      id = pairFrame.length;
      pairFrame.push(frame);
      pairLine.push(line);
      pairNext.push(firstPair[frame] ?? -1);
      firstPair[frame] = id;
    }
    return id;
  };
  // The frame of each (function, mapping), so locations do not rebuild frame keys.
  const functionFrames = new IdTable<{ module: string | undefined; frame: number }>(p.function.map((f) => num(f.id)));

  // Locations flattened: frames root-first (the last line of a location is the caller the
  // others are inlined into) and their (frame, line) pairs, location i at locStart[i]….
  const locStart = new Int32Array(locs.count + 1);
  const flatFrame: number[] = [];
  const flatPair: number[] = [];
  for (let i = 0; i < locs.count; i++) {
    const id = locs.id[i];
    const module = mappings.get(locs.mapping[i]) || undefined;
    const first = locs.lineStart[i];
    if (locs.lineStart[i + 1] === first) {
      // Unsymbolized: the address is all there is.
      flatFrame.push(frameOf({ name: `0x${locs.address[i].toString(16)}`, module }));
      flatPair.push(-1);
    }
    for (let k = locs.lineStart[i + 1] - 1; k >= first; k--) {
      const fnId = locs.lineFunction[k];
      const fn = functions.get(fnId);
      if (!fn) throw fail(`location ${id} refers to unknown function ${fnId}`);
      const known = functionFrames.get(fnId);
      let frame: number;
      if (known && known.module === module) {
        frame = known.frame;
      } else {
        frame = frameOf({ name: fn.name, file: fn.file || undefined, line: fn.startLine || undefined, module });
        if (!known) functionFrames.set(fnId, { module, frame });
      }
      flatFrame.push(frame);
      flatPair.push(pairOf(frame, locs.lineNumber[k]));
    }
    locStart[i + 1] = flatFrame.length;
  }
  const locationIndex = new IdTable<number>(Array.from(locs.id.subarray(0, locs.count)));
  for (let i = 0; i < locs.count; i++) locationIndex.set(locs.id[i], i);
  const locIndex = (id: number): number => locationIndex.get(id) ?? -1;

  // The distinct stacks' location ids (from pass 1): a sample's unknown location is named now,
  // and their frames counted: at most one trie node each.
  let frameSlots = 0;
  for (let stack = 0; stack < stackSample.length; stack++) {
    for (let l = stackStart[stack]; l < stackStart[stack + 1]; l++) {
      const li = locIndex(stackIds[l]);
      if (li < 0) throw fail(`sample ${stackSample[stack]} refers to unknown location ${stackIds[l]}`);
      frameSlots += locStart[li + 1] - locStart[li];
    }
  }

  // Pass 2: each distinct stack goes into the first type's trie (reusing the prefix shared
  // with the previous stack); the other types map that trie's nodes to their own.
  const builders = types.map((t) => new ProfileBuilder(t.type, weightUnit(t.type, t.unit)));
  // Room for every node at once; the lookup table grows as needed (most nodes are first children, never looked up: see Builder.child).
  builders[0].reserve(Math.min(frameSlots, 1 << 24), 0);
  const local = types.map(() => new Int32Array(frames.length).fill(-1));
  const nodeMaps = types.map(() => new Int32Array(1024).fill(-1));
  let frameStack = new Int32Array(64);
  let pairStack = new Int32Array(64);
  let prevFrames = new Int32Array(64);
  let path = new Int32Array(64);
  let prevDepth = 0;
  let firstPath = new Int32Array(64);
  const pairSeen = new Int32Array(pairFrame.length).fill(-1);
  const lineTotal = new Float64Array(pairFrame.length * typeCount);
  const lineSelf = new Float64Array(pairFrame.length * typeCount);
  for (let stack = 0; stack < stackSample.length; stack++) {
    let depth = 0;
    for (let l = stackStart[stack + 1] - 1; l >= stackStart[stack]; l--) {
      const li = locIndex(stackIds[l]);
      const end = locStart[li + 1];
      if (depth + end - locStart[li] > frameStack.length) {
        const size = Math.max(frameStack.length * 2, depth + end - locStart[li]);
        frameStack = grownInt(frameStack, size);
        pairStack = grownInt(pairStack, size);
      }
      for (let k = locStart[li]; k < end; k++) {
        frameStack[depth] = flatFrame[k];
        pairStack[depth] = flatPair[k];
        depth++;
      }
    }
    if (path.length < depth) {
      path = grownInt(path, Math.max(path.length * 2, depth));
      prevFrames = grownInt(prevFrames, path.length);
      firstPath = grownInt(firstPath, path.length);
    }
    for (let t = 0; t < typeCount; t++) {
      const weight = weights[stack * typeCount + t];
      if (weight === 0 && t > 0) continue;
      const b = builders[t];
      const map = local[t];
      if (t === 0) {
        // Builder 0 holds every stack (even those with zero weight for it) so other types can map onto it.
        let d = 0;
        const max = depth < prevDepth ? depth : prevDepth;
        while (d < max && frameStack[d] === prevFrames[d]) d++;
        let node = d > 0 ? path[d - 1] : 0;
        for (; d < depth; d++) {
          const f = frameStack[d];
          let bf = map[f];
          if (bf < 0) bf = map[f] = b.frame(frames[f]);
          node = b.child(node, bf);
          path[d] = node;
        }
        prevFrames.set(frameStack.subarray(0, depth));
        prevDepth = depth;
        firstPath.set(path.subarray(0, depth));
        if (weight !== 0) {
          b.appendToNode(node, weight);
          b.addSampleCount(counts[stack * typeCount] - 1);
        }
        continue;
      }
      let nodeMap = nodeMaps[t];
      const leaf0 = depth > 0 ? firstPath[depth - 1] : 0;
      if (leaf0 >= nodeMap.length) {
        const grown = new Int32Array(Math.max(nodeMap.length * 2, leaf0 + 1)).fill(-1);
        grown.set(nodeMap);
        nodeMap = nodeMaps[t] = grown;
      }
      let node = depth > 0 ? nodeMap[leaf0] : 0;
      if (node < 0) {
        // Find the deepest node this type already has on the path, then create the rest.
        let d = depth - 1;
        while (d > 0 && nodeMap[firstPath[d - 1]] < 0) d--;
        node = d > 0 ? nodeMap[firstPath[d - 1]] : 0;
        for (; d < depth; d++) {
          const f = frameStack[d];
          let bf = map[f];
          if (bf < 0) bf = map[f] = b.frame(frames[f]);
          node = b.child(node, bf);
          nodeMap[firstPath[d]] = node;
        }
      }
      b.appendToNode(node, weight);
      b.addSampleCount(counts[stack * typeCount + t] - 1);
    }
    if (depth > 0) {
      const leafPair = pairStack[depth - 1];
      if (leafPair >= 0) for (let t = 0; t < typeCount; t++) lineSelf[leafPair * typeCount + t] += weights[stack * typeCount + t];
    }
    // Each (frame, line) pair counts once per stack for line totals.
    for (let d = 0; d < depth; d++) {
      const pair = pairStack[d];
      if (pair < 0 || pairSeen[pair] === stack) continue;
      pairSeen[pair] = stack;
      for (let t = 0; t < typeCount; t++) lineTotal[pair * typeCount + t] += weights[stack * typeCount + t];
    }
  }

  const profiles = builders.map((b, t) => {
    const map = local[t];
    for (let pair = 0; pair < pairFrame.length; pair++) {
      const bf = map[pairFrame[pair]];
      if (bf < 0) continue;
      const self = lineSelf[pair * typeCount + t];
      const total = lineTotal[pair * typeCount + t];
      if (self !== 0) b.addLineSelf(bf, pairLine[pair], self);
      if (total !== 0) b.addLineTotal(bf, pairLine[pair], total);
    }
    return b.build();
  });
  // pprof's default is the last sample type unless default_sample_type names another.
  let activeIndex = typeCount - 1;
  const preferred = num(p.defaultSampleType);
  if (preferred) {
    const i = types.findIndex((t) => t.type === strings[preferred]);
    if (i >= 0) activeIndex = i;
  }
  return { profiles, activeIndex };
}

/** Lookup by pprof id: an array when ids are small (Go and Node number them 1…n), else a Map. */
class IdTable<T> {
  private readonly dense: (T | undefined)[] | undefined;
  private readonly sparse: Map<number, T> | undefined;
  constructor(ids: number[]) {
    let max = 0;
    for (const id of ids) if (id > max) max = id;
    if (max <= 4 * ids.length + 1024) this.dense = new Array<T | undefined>(max + 1).fill(undefined);
    else this.sparse = new Map();
  }
  set(id: number, value: T): void {
    if (this.dense) this.dense[id] = value;
    else this.sparse!.set(id, value);
  }
  get(id: number): T | undefined {
    return this.dense ? this.dense[id] : this.sparse!.get(id);
  }
}

/** profile.proto unit strings to model units; counts are samples or objects by their type name. */
function weightUnit(type: string, unit: string): WeightUnit {
  switch (unit) {
    case 'nanoseconds':
    case 'microseconds':
    case 'milliseconds':
    case 'seconds':
    case 'bytes':
      return unit;
    case 'count':
    case 'samples':
    case 'objects':
      if (/objects/.test(type) || unit === 'objects') return 'objects';
      if (/^samples?$/.test(type) || unit === 'samples') return 'samples';
      return 'count';
    default:
      return 'count';
  }
}
