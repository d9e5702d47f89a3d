import { Profile as PprofProfile } from 'pprof-format';
import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { Frame, Profile, WeightUnit } from '../model';
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
    const bytes = await input.bytes(FORMAT);
    const problem = scanProfile(bytes, false);
    if (problem) throw new ProfileImportError(`not a pprof profile: ${problem.message}`, input.name, FORMAT, `byte ${problem.at}`);
    let decoded: PprofProfile;
    try {
      decoded = PprofProfile.decode(bytes);
    } catch (e) {
      throw new ProfileImportError(`not a pprof profile: ${e instanceof Error ? e.message : String(e)}`, input.name, FORMAT);
    }
    return { format: FORMAT, ...convert(decoded, (message) => new ProfileImportError(message, input.name, FORMAT)) };
  },
};

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

/** A varint at `pos` (up to 2^53); `next` is -1 when the bytes end first or it is over 10 bytes. */
function readVarint(bytes: Uint8Array, pos: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) return { value: 0, next: -1 };
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: pos };
    scale *= 128;
  }
  return { value: 0, next: -1 };
}

/** pprof-format gives int64 fields as number or, past 2^32, bigint. */
type Numeric = number | bigint;

const num = (v: Numeric | undefined): number => (v === undefined ? 0 : Number(v));

function convert(p: PprofProfile, fail: (message: string) => ProfileImportError): { profiles: Profile[]; activeIndex: number } {
  const strings = p.stringTable.strings;
  const str = (index: Numeric, what: string): string => {
    const i = num(index);
    const s = strings[i];
    if (s === undefined) throw fail(`${what} refers to string ${i}, but the string table has ${strings.length}`);
    return s;
  };
  const types = p.sampleType.map((t, i) => ({ type: str(t.type, `sample_type ${i}`), unit: str(t.unit, `sample_type ${i} unit`) }));
  if (types.length === 0) throw fail('no sample_type: the profile does not say what its values measure');

  // Pass 1, first: samples with the same stack (pprof repeats them when labels differ) are
  // summed, so the trie walk and the line accounting happen once per distinct stack. Their
  // location ids are copied out and the decoded samples let go: they are most of the decoded
  // profile, and every full garbage collection from here on would walk them again.
  const typeCount = types.length;
  let samples = p.sample;
  const stackOf = new Map<number, number>();
  const stackSample: number[] = [];
  let stackIds = new Float64Array(1024);
  let stackStart = new Int32Array(65);
  let weights = new Float64Array(64 * typeCount);
  let counts = new Float64Array(64 * typeCount);
  const sameStack = (stack: number, ids: readonly Numeric[]): boolean => {
    const from = stackStart[stack];
    if (stackStart[stack + 1] - from !== ids.length) return false;
    for (let l = 0; l < ids.length; l++) if (stackIds[from + l] !== num(ids[l])) return false;
    return true;
  };
  for (let s = 0; s < samples.length; s++) {
    const sample = samples[s];
    const values = sample.value;
    if (values.length !== typeCount) throw fail(`sample ${s} has ${values.length} values for ${typeCount} sample types`);
    const ids = sample.locationId;
    let h = 0x811c9dc5;
    for (let l = 0; l < ids.length; l++) h = Math.imul(h ^ num(ids[l]), 0x01000193);
    let stack = stackOf.get(h);
    if (stack !== undefined && !sameStack(stack, ids)) stack = undefined;
    if (stack === undefined) {
      stack = stackSample.length;
      stackSample.push(s);
      const from = stackStart[stack];
      if (from + ids.length > stackIds.length) stackIds = growFloat(stackIds, Math.max(stackIds.length * 2, from + ids.length));
      for (let l = 0; l < ids.length; l++) stackIds[from + l] = num(ids[l]);
      if (stack + 2 > stackStart.length) stackStart = growInt(stackStart, stackStart.length * 2);
      stackStart[stack + 1] = from + ids.length;
      // On a hash collision the first stack keeps the slot; the other is simply not cached.
      if (!stackOf.has(h)) stackOf.set(h, stack);
      if ((stack + 1) * typeCount > weights.length) {
        weights = growFloat(weights, weights.length * 2);
        counts = growFloat(counts, counts.length * 2);
      }
    }
    for (let t = 0; t < typeCount; t++) {
      const w = num(values[t]);
      if (w === 0) continue;
      weights[stack * typeCount + t] += w;
      counts[stack * typeCount + t]++;
    }
  }
  stackOf.clear();
  p.sample = samples = [];

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
  const locs = p.location;
  const locStart = new Int32Array(locs.length + 1);
  const flatFrame: number[] = [];
  const flatPair: number[] = [];
  for (let i = 0; i < locs.length; i++) {
    const loc = locs[i];
    const id = num(loc.id);
    const module = mappings.get(num(loc.mappingId)) || undefined;
    if (loc.line.length === 0) {
      // Unsymbolized: the address is all there is.
      flatFrame.push(frameOf({ name: `0x${num(loc.address).toString(16)}`, module }));
      flatPair.push(-1);
    }
    for (let k = loc.line.length - 1; k >= 0; k--) {
      const line = loc.line[k];
      const fnId = num(line.functionId);
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
      const lineNo = num(line.line);
      flatFrame.push(frame);
      flatPair.push(pairOf(frame, lineNo));
    }
    locStart[i + 1] = flatFrame.length;
  }
  const locationIndex = new IdTable<number>(locs.map((l) => num(l.id)));
  for (let i = 0; i < locs.length; i++) locationIndex.set(num(locs[i].id), i);
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
  // Room for every node at once, instead of re-inserting them all at each doubling of the trie's hash table.
  builders[0].reserve(Math.min(frameSlots, 1 << 24));
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
        frameStack = growInt(frameStack, size);
        pairStack = growInt(pairStack, size);
      }
      for (let k = locStart[li]; k < end; k++) {
        frameStack[depth] = flatFrame[k];
        pairStack[depth] = flatPair[k];
        depth++;
      }
    }
    if (path.length < depth) {
      path = growInt(path, Math.max(path.length * 2, depth));
      prevFrames = growInt(prevFrames, path.length);
      firstPath = growInt(firstPath, path.length);
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

function growInt(a: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

function growFloat(a: Float64Array, size: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(size);
  b.set(a);
  return b;
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
