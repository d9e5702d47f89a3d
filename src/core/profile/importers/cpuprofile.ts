import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { ProfileInput } from '../input';
import { readWholeJson, streamJson } from '../json/read';
import type { JsonHandler } from '../json/stream';
import type { Profile, ProfileSet } from '../model';
import { NodeBytesReader, RecordedNodes } from './cpuprofile-nodes';
import type { Importer } from './importer';

const FORMAT = 'cpuprofile';

/**
 * Above this many samples the per-sample timeline (20 bytes a sample, for the time-ordered
 * view) is dropped unless asked for, to stay within the memory budget (3× the file size).
 */
export const TIMELINE_MAX_SAMPLES = 8_000_000;

export interface CpuprofileOptions {
  /** Read with `JSON.parse` instead of streaming (tests compare both paths). */
  wholeJson?: boolean;
  /** Keep the per-sample timeline. Default: yes up to `timelineMaxSamples` samples. */
  timeline?: boolean;
  /** Default TIMELINE_MAX_SAMPLES; applies only when `timeline` is not given. */
  timelineMaxSamples?: number;
}

/** Where messages point: the file and format named in ProfileImportError. */
export interface Origin {
  file: string | undefined;
  format: string;
}

/**
 * Turns V8 CPU profile data (nodes with call frames, samples with time deltas) into a
 * Profile. Fed incrementally, so it serves a whole `.cpuprofile`, a streamed one and the
 * `Profile`/`ProfileChunk` events of a Chrome trace, where nodes and samples arrive in chunks.
 *
 * Weights follow speedscope: a sample lasts until the next one (time deltas in microseconds,
 * negative deltas clamped), so the last sample weighs 0; runs of samples on the same node
 * become one timeline entry. The `(root)` node is dropped from
 * stacks; samples that land on it keep a `(root)` leaf so no time is lost. `(program)`,
 * `(idle)` and `(garbage collector)` stay as frames.
 */
export class CpuProfileAssembler {
  readonly builder: ProfileBuilder;
  private readonly ids = new NumberList();
  private readonly frameOf = new NumberList();
  private readonly parentIds = new NumberList();
  private readonly hitCounts = new NumberList();
  private readonly rootLike = new NumberList();
  /** Pairs (child id, parent id) from `children` lists. */
  private readonly childLinks = new NumberList();
  /** Triples (node index, line, ticks) from `positionTicks`. */
  private readonly ticks = new NumberList();
  /** script id (or URL) → hash of (line, column) → frames there. */
  private readonly frames = new Map<unknown, Map<number, { name: string; url: string; line: number; column: number; frame: number }[]>>();
  private readonly samples = new NumberList();
  private readonly deltas = new NumberList();
  startTime: number | undefined;
  endTime: number | undefined;

  private readonly orphansAtRoot: boolean;
  private readonly timelineMaxSamples: number;

  /**
   * `orphansAtRoot`: a node whose parent was never recorded hangs off the root, and a sample
   * of a node never recorded is skipped, instead of failing (Chrome traces can lose the
   * `ProfileChunk` that held them). `timeline`: keep the per-sample timeline (default true).
   */
  constructor(
    name: string,
    private readonly origin: Origin,
    options: { orphansAtRoot?: boolean; timeline?: boolean; timelineMaxSamples?: number } = {},
  ) {
    this.orphansAtRoot = options.orphansAtRoot ?? false;
    this.timelineMaxSamples = options.timelineMaxSamples ?? Infinity;
    this.builder = new ProfileBuilder(name, 'microseconds', { timeline: options.timeline ?? true });
  }

  get nodeCount(): number {
    return this.ids.length;
  }

  /** One element of `nodes`: {id, callFrame, hitCount?, children?, parent?, positionTicks?}. */
  addNode(raw: unknown): void {
    if (!isObject(raw)) this.fail(`node ${this.ids.length} is not an object`);
    const id = raw.id;
    if (!isInt(id)) this.fail(`node ${this.ids.length} has no integer "id"`);
    const callFrame = raw.callFrame;
    if (!isObject(callFrame)) this.fail(`node id ${id} has no "callFrame" object`);
    const code = this.callFrameCode(callFrame);
    const index = this.ids.length;
    this.ids.push(id);
    this.frameOf.push(code >> 1);
    this.rootLike.push(code & 1);
    this.hitCounts.push(typeof raw.hitCount === 'number' && raw.hitCount > 0 ? raw.hitCount : 0);
    if (raw.parent !== undefined) {
      if (!isInt(raw.parent)) this.fail(`node id ${id} has a non-integer "parent"`);
      this.parentIds.push(raw.parent);
    } else {
      this.parentIds.push(NaN);
    }
    if (raw.children !== undefined) {
      if (!Array.isArray(raw.children)) this.fail(`node id ${id} has "children" that is not an array`);
      for (const child of raw.children) {
        if (!isInt(child)) this.fail(`node id ${id} has a non-integer child id`);
        this.childLinks.push(child);
        this.childLinks.push(id);
      }
    }
    if (raw.positionTicks !== undefined) {
      if (!Array.isArray(raw.positionTicks)) this.fail(`node id ${id} has "positionTicks" that is not an array`);
      for (const tick of raw.positionTicks) {
        if (!isObject(tick) || typeof tick.line !== 'number' || typeof tick.ticks !== 'number') {
          this.fail(`node id ${id} has a positionTicks entry without numeric "line" and "ticks"`);
        }
        this.ticks.push(index);
        this.ticks.push(tick.line);
        this.ticks.push(tick.ticks);
      }
    }
  }

  /**
   * A call frame object's code: its frame ·2, plus 1 for the `(root)` frame V8 puts at the
   * top (no URL), which stacks leave out. -1 when it is not an object.
   */
  callFrameCode(callFrame: unknown): number {
    if (!isObject(callFrame)) return -1;
    const functionName = typeof callFrame.functionName === 'string' ? callFrame.functionName : '';
    const url = typeof callFrame.url === 'string' ? callFrame.url : '';
    // V8 call frames are 0-based (-1 = unknown); the model is 1-based.
    const line = typeof callFrame.lineNumber === 'number' && callFrame.lineNumber >= 0 ? callFrame.lineNumber + 1 : 0;
    const column = typeof callFrame.columnNumber === 'number' && callFrame.columnNumber >= 0 ? callFrame.columnNumber + 1 : 0;
    const frame = this.frameFor(callFrame.scriptId, functionName, url, line, column);
    return frame * 2 + (functionName === '(root)' && !url ? 1 : 0);
  }

  /**
   * A node read by NodeBytesReader, its members checked there: `parent` NaN when absent;
   * its children and (line, ticks) pairs at the given offsets of the reader's arrays.
   */
  addNodeParts(id: number, frameCode: number, hitCount: number, parent: number, children: Float64Array, childStart: number, childCount: number, ticks: Float64Array, tickStart: number, tickCount: number): void {
    const index = this.ids.length;
    this.ids.push(id);
    this.frameOf.push(frameCode >> 1);
    this.rootLike.push(frameCode & 1);
    this.hitCounts.push(hitCount);
    this.parentIds.push(parent);
    for (let i = childStart; i < childStart + childCount; i++) {
      this.childLinks.push(children[i]);
      this.childLinks.push(id);
    }
    for (let i = tickStart; i < tickStart + 2 * tickCount; i += 2) {
      this.ticks.push(index);
      this.ticks.push(ticks[i]);
      this.ticks.push(ticks[i + 1]);
    }
  }

  /**
   * Interns a call frame. Many nodes share one (a function reached by several paths), so
   * frames are looked up by values already in hand — script id, then position, then name —
   * rather than by a string built per node, which profiling showed dominating the import.
   */
  private frameFor(scriptId: unknown, name: string, url: string, line: number, column: number): number {
    const script = typeof scriptId === 'string' || typeof scriptId === 'number' ? scriptId : url;
    let byPosition = this.frames.get(script);
    if (!byPosition) this.frames.set(script, (byPosition = new Map()));
    // A small-integer key: line·2²⁶+column left that range, and boxed number keys made this
    // map the slowest part of interning. Entries keep line and column for collisions.
    const position = (Math.imul(line, 0x9e3779b1) ^ column) & 0x3fffffff;
    let known = byPosition.get(position);
    if (known) {
      for (const f of known) if (f.line === line && f.column === column && f.name === name && f.url === url) return f.frame;
    } else {
      byPosition.set(position, (known = []));
    }
    const frame = this.builder.frame({ name: name || '(anonymous)', file: url, line, column });
    known.push({ name, url, line, column, frame });
    return frame;
  }

  addSample(id: number): void {
    this.samples.push(id);
  }

  addTimeDelta(delta: number): void {
    this.deltas.push(delta);
  }

  /** A whole `.cpuprofile` object already parsed. */
  addProfileObject(doc: Record<string, unknown>): void {
    if (doc.nodes instanceof RecordedNodes) {
      doc.nodes.replayInto(this);
    } else if (doc.nodes !== undefined) {
      if (!Array.isArray(doc.nodes)) this.fail('"nodes" is not an array');
      for (const node of doc.nodes) this.addNode(node);
    } else if (doc.head !== undefined) {
      this.addOldFormat(doc);
      return;
    } else {
      this.fail('no "nodes" array (nor the older "head" tree)');
    }
    this.addSamples(doc.samples);
    this.addTimeDeltas(doc.timeDeltas);
    if (typeof doc.startTime === 'number') this.startTime = doc.startTime;
    if (typeof doc.endTime === 'number') this.endTime = doc.endTime;
  }

  /** A parsed `samples` array (undefined when absent). */
  addSamples(value: unknown): void {
    this.numbersOf(value, 'samples', this.samples);
  }

  /** A parsed `timeDeltas` array (undefined when absent). */
  addTimeDeltas(value: unknown): void {
    this.numbersOf(value, 'timeDeltas', this.deltas);
  }

  private numbersOf(value: unknown, field: string, list: NumberList): void {
    if (value === undefined) return;
    if (value instanceof NumberList) {
      if (value.firstNaN >= 0) this.fail(`${field}[${value.firstNaN}] is not a number`);
      list.pushList(value);
      return;
    }
    if (!Array.isArray(value)) this.fail(`"${field}" is not an array`);
    for (let i = 0; i < value.length; i++) {
      if (typeof value[i] !== 'number') this.fail(`${field}[${i}] is not a number`);
    }
    list.pushAll(value as number[]);
  }

  /**
   * The format before Chrome 58 / Node 8: a nested `head` tree, start/end in seconds and
   * absolute `timestamps` in microseconds.
   */
  addOldFormat(doc: Record<string, unknown>): void {
    const pending: { node: unknown; parent: number | undefined }[] = [{ node: doc.head, parent: undefined }];
    while (pending.length > 0) {
      const { node, parent } = pending.pop()!;
      if (!isObject(node)) this.fail(`node ${this.ids.length} of the "head" tree is not an object`);
      this.addNode({
        id: node.id,
        callFrame: { functionName: node.functionName, url: node.url, lineNumber: node.lineNumber, columnNumber: node.columnNumber },
        hitCount: node.hitCount,
        parent,
        positionTicks: node.positionTicks,
      });
      const children = node.children;
      if (children === undefined) continue;
      if (!Array.isArray(children)) this.fail(`node id ${node.id} has "children" that is not an array`);
      for (let i = children.length - 1; i >= 0; i--) pending.push({ node: children[i], parent: node.id as number });
    }
    const seconds = (v: unknown) => (typeof v === 'number' ? v * 1e6 : undefined);
    this.startTime = seconds(doc.startTime);
    this.endTime = seconds(doc.endTime);
    this.addSamples(doc.samples);
    if (doc.timestamps !== undefined) {
      const timestamps = new NumberList();
      this.numbersOf(doc.timestamps, 'timestamps', timestamps);
      let previous = this.startTime ?? 0;
      for (let i = 0; i < timestamps.length; i++) {
        this.addTimeDelta(timestamps.at(i) - previous);
        previous = timestamps.at(i);
      }
    } else {
      this.addTimeDeltas(doc.timeDeltas);
    }
  }

  build(): Profile {
    const n = this.ids.length;
    if (n === 0) this.fail('profile has no nodes');
    const index = this.indexById();
    const parent = new Int32Array(n).fill(-1);
    for (let i = 0; i < n; i++) {
      const pid = this.parentIds.at(i);
      if (Number.isNaN(pid)) continue;
      const p = index(pid);
      if (p < 0 && !this.orphansAtRoot) this.fail(`node id ${this.ids.at(i)} refers to unknown parent id ${pid}`);
      parent[i] = p;
    }
    // Children lists may name nodes a truncated recording never wrote; like V8's own tools, skip those.
    for (let k = 0; k < this.childLinks.length; k += 2) {
      const c = index(this.childLinks.at(k));
      if (c >= 0) parent[c] = index(this.childLinks.at(k + 1));
    }
    this.builder.reserve(n);
    const trieNode = this.resolveTrieNodes(parent);

    const b = this.builder;
    const nodeSelf = new Float64Array(n);
    const sampleCount = this.samples.length;
    if (sampleCount > this.timelineMaxSamples) b.dropTimeline();
    if (sampleCount > 0) {
      // Runs of one node share an entry, so this is an upper bound: one allocation, not ten doublings.
      b.reserveTimeline(sampleCount);
      if (this.deltas.length < sampleCount) {
        this.fail(`"samples" has ${sampleCount} entries but "timeDeltas" only ${this.deltas.length}`);
      }
      // speedscope's timing, so totals agree: consecutive samples of the same node form a run;
      // a run starts at its first sample's time (never before the previous run's start:
      // Chrome writes negative deltas) and lasts until the next run; the last sample's time
      // ends the profile.
      let elapsed = this.deltas.at(0);
      let clock = elapsed;
      let runNode = -1;
      let runStart = 0;
      let runLength = 0;
      let rootLeaf = -1;
      const closeRun = (end: number) => {
        let leaf = trieNode[runNode];
        if (leaf === 0) {
          if (rootLeaf < 0) rootLeaf = b.child(0, b.frame({ name: '(root)' }));
          leaf = rootLeaf;
        }
        b.appendToNode(leaf, end - runStart, runStart);
        b.addSampleCount(runLength - 1);
        nodeSelf[runNode] += end - runStart;
      };
      for (let i = 0; i < sampleCount; i++) {
        const id = this.samples.at(i);
        const node = index(id);
        if (node < 0) {
          if (!this.orphansAtRoot) this.fail(`sample ${i} refers to unknown node id ${id}`);
          // The node was in a lost chunk: the running sample continues, as in speedscope.
          if (i + 1 < sampleCount) elapsed += this.deltas.at(i + 1);
          continue;
        }
        if (node !== runNode) {
          if (elapsed > clock) clock = elapsed;
          if (runNode >= 0) closeRun(clock);
          runNode = node;
          runStart = clock;
          runLength = 0;
        }
        runLength++;
        if (i + 1 < sampleCount) elapsed += this.deltas.at(i + 1);
      }
      if (runNode >= 0) closeRun(Math.max(clock, elapsed));
    } else {
      // Profiles saved without samples (older DevTools) only have hit counts.
      b.unit = 'samples';
      for (let i = 0; i < n; i++) {
        const hits = this.hitCounts.at(i);
        if (hits === 0) continue;
        const leaf = trieNode[i] === 0 ? b.child(0, b.frame({ name: '(root)' })) : trieNode[i];
        b.appendToNode(leaf, hits);
        b.addSampleCount(hits - 1);
        nodeSelf[i] = hits;
      }
    }
    this.addPositionTicks(nodeSelf);
    if (this.startTime !== undefined) b.startTime = this.startTime;
    if (this.endTime !== undefined) b.endTime = this.endTime;
    return b.build();
  }

  /**
   * positionTicks count hits per source line (1-based, unlike call frames); each node's
   * self weight is shared among its lines in proportion to those counts.
   */
  private addPositionTicks(nodeSelf: Float64Array): void {
    const t = this.ticks;
    for (let k = 0; k < t.length; ) {
      const node = t.at(k);
      let total = 0;
      let end = k;
      while (end < t.length && t.at(end) === node) {
        total += t.at(end + 2);
        end += 3;
      }
      const self = nodeSelf[node];
      if (total > 0 && self > 0) {
        const frame = this.frameOf.at(node);
        for (let j = k; j < end; j += 3) {
          const weight = (self * t.at(j + 2)) / total;
          this.builder.addLineSelf(frame, t.at(j + 1), weight);
          this.builder.addLineTotal(frame, t.at(j + 1), weight);
        }
      }
      k = end;
    }
  }

  /** Maps a node id to its index: a table when ids are dense (the usual 1..n), else a Map. */
  private indexById(): (id: number) => number {
    const n = this.ids.length;
    let max = 0;
    let min = 0;
    for (let i = 0; i < n; i++) {
      const id = this.ids.at(i);
      if (id > max) max = id;
      if (id < min) min = id;
    }
    if (min >= 0 && max < 4 * n + 1024) {
      const table = new Int32Array(max + 1).fill(-1);
      for (let i = 0; i < n; i++) {
        const id = this.ids.at(i);
        if (table[id] >= 0) this.fail(`node id ${id} appears twice`);
        table[id] = i;
      }
      return (id) => (id >= 0 && id <= max && Number.isInteger(id) ? table[id] : -1);
    }
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = this.ids.at(i);
      if (map.has(id)) this.fail(`node id ${id} appears twice`);
      map.set(id, i);
    }
    return (id) => map.get(id) ?? -1;
  }

  /** The trie node of every profile node, creating parents first; `(root)` maps to node 0. */
  private resolveTrieNodes(parent: Int32Array): Int32Array {
    const n = parent.length;
    const trieNode = new Int32Array(n).fill(-1);
    const mark = new Int32Array(n);
    const chain: number[] = [];
    for (let i = 0; i < n; i++) {
      if (trieNode[i] >= 0) continue;
      chain.length = 0;
      let j = i;
      while (j >= 0 && trieNode[j] < 0) {
        if (mark[j] === i + 1) this.fail(`node id ${this.ids.at(j)} is its own ancestor`);
        mark[j] = i + 1;
        chain.push(j);
        j = parent[j];
      }
      let node = j >= 0 ? trieNode[j] : 0;
      for (let k = chain.length - 1; k >= 0; k--) {
        const m = chain[k];
        if (parent[m] < 0 && this.rootLike.at(m) === 1) node = 0;
        else node = this.builder.child(node, this.frameOf.at(m));
        trieNode[m] = node;
      }
    }
    return trieNode;
  }

  private fail(message: string): never {
    throw new ProfileImportError(message, this.origin.file, this.origin.format);
  }
}

/**
 * A growable list of numbers (ids, samples and deltas run into tens of millions): 4 bytes per
 * entry while every value is a 32-bit integer, as V8 writes them, 8 bytes once one is not.
 */
export class NumberList {
  private data: Int32Array | Float64Array = new Int32Array(1024);
  length = 0;
  /** The first element pushed as NaN (by pushCell: a cell that was not a number), or -1. */
  firstNaN = -1;
  /** A cell of a number array as the streaming reader gives it: NaN for one that is not a number. */
  pushCell(value: number): void {
    if (value !== value && this.firstNaN < 0) this.firstNaN = this.length;
    this.push(value);
  }
  pushList(other: NumberList): void {
    if (this.length + other.length > this.data.length) this.grow(this.length + other.length);
    if (this.data instanceof Int32Array && other.data instanceof Float64Array) this.widen();
    this.data.set(other.data.subarray(0, other.length), this.length);
    this.length += other.length;
  }
  push(value: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    if (this.data instanceof Int32Array && (value | 0) !== value) this.widen();
    this.data[this.length++] = value;
  }
  pushAll(values: number[]): void {
    if (this.length + values.length > this.data.length) this.grow(this.length + values.length);
    if (this.data instanceof Int32Array && !values.every((v) => (v | 0) === v)) this.widen();
    this.data.set(values, this.length);
    this.length += values.length;
  }
  at(i: number): number {
    return this.data[i];
  }
  private grow(needed: number): void {
    let size = this.data.length * 2;
    while (size < needed) size *= 2;
    const bigger = this.data instanceof Int32Array ? new Int32Array(size) : new Float64Array(size);
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }
  private widen(): void {
    const wide = new Float64Array(this.data.length);
    wide.set(this.data.subarray(0, this.length));
    this.data = wide;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function cpuprofileHandler(assembler: CpuProfileAssembler, old: { doc?: Record<string, unknown> }): JsonHandler {
  const node: JsonHandler = { value: (v) => assembler.addNode(v) };
  const nodeBytes = new NodeBytesReader(assembler);
  return {
    key(name) {
      switch (name) {
        case 'nodes':
          return {
            item: () => node,
            elements: (buf, start, end, read) => nodeBytes.read(buf, start, end, read),
            batch: (nodes) => {
              for (let i = 0; i < nodes.length; i++) assembler.addNode(nodes[i]);
            },
          };
        case 'samples':
          return { number: (n) => assembler.addSample(n) };
        case 'timeDeltas':
          return { number: (n) => assembler.addTimeDelta(n) };
        case 'startTime':
          return { value: (v) => (assembler.startTime = typeof v === 'number' ? v : undefined) };
        case 'endTime':
          return { value: (v) => (assembler.endTime = typeof v === 'number' ? v : undefined) };
        case 'head':
          // The old tree format predates large profiles; it is read whole.
          return { value: (v) => ((old.doc ??= {}).head = v) };
        case 'timestamps':
          return { value: (v) => ((old.doc ??= {}).timestamps = v) };
        default:
          return undefined;
      }
    },
  };
}

/**
 * Imports a `.cpuprofile`, streamed (or with `JSON.parse`, when `wholeJson` is set). Streaming
 * reads nodes from the bytes (NodeBytesReader) and copies samples and deltas straight into
 * typed arrays: on the import bench (1 M samples, 125 MB) a whole import takes 0.92-1.07x the
 * time of `JSON.parse` alone and 237-255 MB at peak, where `JSON.parse` takes 396 MB.
 */
export async function importCpuprofile(input: ProfileInput, options: CpuprofileOptions = {}): Promise<ProfileSet> {
  const origin = { file: input.name, format: FORMAT };
  const assembler = new CpuProfileAssembler('CPU profile', origin, {
    timeline: options.timeline ?? true,
    timelineMaxSamples: options.timeline === undefined ? (options.timelineMaxSamples ?? TIMELINE_MAX_SAMPLES) : Infinity,
  });
  if (options.wholeJson) {
    const doc = await readWholeJson(input, FORMAT);
    if (!isObject(doc)) throw new ProfileImportError('expected a JSON object with "nodes"', input.name, FORMAT);
    assembler.addProfileObject(doc);
  } else {
    const old: { doc?: Record<string, unknown> } = {};
    await streamJson(input, FORMAT, cpuprofileHandler(assembler, old));
    if (old.doc) assembler.addOldFormat({ ...old.doc, startTime: assembler.startTime, endTime: assembler.endTime });
  }
  return { format: FORMAT, profiles: [assembler.build()], activeIndex: 0 };
}

const FIRST_KEY = /^\uFEFF?\s*\{\s*"(\w+)"\s*:/;
const CPUPROFILE_KEYS = new Set(['nodes', 'head', 'startTime', 'endTime', 'samples', 'timeDeltas']);

export const cpuprofileImporter: Importer = {
  format: FORMAT,
  label: 'Chrome/V8 .cpuprofile',
  sniff(_head, text) {
    const first = FIRST_KEY.exec(text);
    if (!first || !CPUPROFILE_KEYS.has(first[1])) return false;
    // A sampling heap profile also starts with "head" but its nodes carry "selfSize".
    if (/"selfSize"\s*:/.test(text)) return false;
    return /"callFrame"\s*:|"functionName"\s*:/.test(text) || first[1] === 'samples' || first[1] === 'timeDeltas';
  },
  import: (input) => importCpuprofile(input),
};
