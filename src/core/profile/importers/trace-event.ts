import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { ProfileInput } from '../input';
import type { Frame, Profile, ProfileSet } from '../model';
import { readWholeJson, streamJson } from '../json/read';
import type { JsonHandler } from '../json/stream';
import { CpuProfileAssembler, NumberList, type Origin } from './cpuprofile';
import { CallFrameTable, NodeBytesReader, RecordedNodes, type NodeSink } from './cpuprofile-nodes';
import type { Importer } from './importer';

const FORMAT = 'trace-event';

export interface TraceEventOptions {
  /** Read with `JSON.parse` instead of streaming (tests compare both paths). */
  wholeJson?: boolean;
}

/**
 * Chrome's Trace Event Format (chrome://tracing, DevTools Performance recordings, Perfetto's
 * JSON export, Hermes). Three kinds of content, in order of preference (speedscope's):
 * 1. `Profile`/`ProfileChunk` (or older `CpuProfile`) events carrying V8 CPU profiles, one
 *    profile per recorded thread — sampled, weights in microseconds.
 * 2. A top-level `samples` list with `stackFrames` (Hermes and Chrome's sampled traces).
 * 3. Otherwise the duration events B/E/X of each thread, as an evented profile whose weights
 *    are the time spent in each stack.
 * Recordings are streamed event by event (see TraceCollector).
 */
export async function importTraceEvents(input: ProfileInput, options: TraceEventOptions = {}): Promise<ProfileSet> {
  const collector = new TraceCollector({ file: input.name, format: FORMAT });
  // The format allows a missing final `]` (a recording cut short).
  const json = { allowUnclosedRootArray: true };
  // Streamed: no copy of the file as one string, and no parsed document beside the events
  // kept (1 M samples: 4.0x the file at peak with JSON.parse).
  if (options.wholeJson) collector.addDocument(await readWholeJson(input, FORMAT, json));
  else await streamJson(input, FORMAT, collector.handler(), json);
  return collector.result();
}

interface TraceEvent {
  name?: unknown;
  ph?: unknown;
  ts?: unknown;
  pid?: unknown;
  tid?: unknown;
  id?: unknown;
  dur?: unknown;
  tdur?: unknown;
  args?: unknown;
}

/**
 * Keeps, in file order, only the events an import can use, so a streamed recording never
 * holds all of its events: CPU profile events, process/thread names, and duration events
 * until the first CPU profile event shows they will not be needed.
 */
class TraceCollector {
  private readonly profileEvents: TraceEvent[] = [];
  private durationEvents: TraceEvent[] = [];
  private readonly metadata: TraceEvent[] = [];
  private samples: unknown;
  private stackFrames: unknown;
  private count = 0;

  constructor(private readonly origin: Origin) {}

  add(raw: unknown): void {
    const index = this.count++;
    if (!isObject(raw)) this.fail(`trace event ${index} is not an object`);
    const name = raw.name;
    if (name === 'Profile' || name === 'ProfileChunk' || name === 'CpuProfile') {
      this.profileEvents.push(raw);
      this.durationEvents = [];
    } else if (name === 'thread_name' || name === 'process_name') {
      this.metadata.push(raw);
    } else if ((raw.ph === 'B' || raw.ph === 'E' || raw.ph === 'X') && this.profileEvents.length === 0) {
      this.durationEvents.push(raw);
    }
  }

  /**
   * For the streaming reader: the events of a top-level array or of `traceEvents`, plus
   * `samples`/`stackFrames`. Each event is rebuilt member by member as JSON.parse would give
   * it, the arrays of a CPU profile chunk (nodes, samples, time deltas) on the reader's fast
   * paths, so no event, however large, becomes one string.
   */
  handler(): JsonHandler {
    const add = (v: unknown) => this.add(v);
    const nodes = new NodeRecorder();
    const events: JsonHandler = { item: () => rebuilt(EVENT_SHAPE, add, nodes) };
    return {
      item: events.item,
      key: (name) => {
        if (name === 'traceEvents') return events;
        if (name === 'samples') return { value: (v) => (this.samples = v) };
        if (name === 'stackFrames') return { value: (v) => (this.stackFrames = v) };
        return undefined;
      },
    };
  }

  /** For a document parsed whole. */
  addDocument(doc: unknown): void {
    const events = Array.isArray(doc) ? doc : isObject(doc) && Array.isArray(doc.traceEvents) ? doc.traceEvents : undefined;
    for (const e of events ?? []) this.add(e);
    if (isObject(doc)) {
      this.samples = doc.samples;
      this.stackFrames = doc.stackFrames;
    }
  }

  result(): ProfileSet {
    if (this.count === 0 && !Array.isArray(this.samples)) this.fail('no trace events: expected a JSON array of events or an object with a "traceEvents" array');
    if (this.profileEvents.length > 0) return chromeCpuProfiles(this.profileEvents, this.metadata, this.origin);
    if (Array.isArray(this.samples) && isObject(this.stackFrames)) {
      return sampledTrace(this.metadata, this.samples, this.stackFrames, (m) => this.fail(m));
    }
    return eventedTrace(this.durationEvents, this.metadata);
  }

  private fail(message: string): never {
    throw new ProfileImportError(message, this.origin.file, this.origin.format);
  }
}

/** How the members of an event are read: `numbers` and `nodes` arrays take the fast paths. */
type Shape = { readonly [key: string]: Shape } | 'numbers' | 'nodes';

const EVENT_SHAPE: Shape = {
  args: { data: { cpuProfile: { nodes: 'nodes', samples: 'numbers', timeDeltas: 'numbers' }, timeDeltas: 'numbers' } },
};

/** Sets a member as JSON.parse does (an own "__proto__" member, not the prototype). */
function put(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/**
 * A handler that hands `set` the value JSON.parse would give, whatever the value is: scalars
 * parsed by the reader, members of the `shape` read by their own handlers, others
 * materialized one by one. A number list keeps a non-number element as null, so the
 * importer's checks name the same element. (An empty `{}` where an array is expected reads
 * as `[]`, and the other way round: the reader cannot tell them apart by their members.)
 */
function rebuilt(shape: Shape | undefined, set: (v: unknown) => void, nodes: NodeRecorder): JsonHandler {
  if (shape === undefined) return { value: set, scalar: set };
  if (shape === 'nodes') return nodes.handler(set);
  let array: unknown[] | undefined;
  let object: Record<string, unknown> | undefined;
  const key = (k: string): JsonHandler => {
    const o = (object ??= {});
    return rebuilt(typeof shape === 'object' ? shape[k] : undefined, (v) => put(o, k, v), nodes);
  };
  if (shape === 'numbers') {
    // Kept in a typed list (the assembler takes it as it would the array, a non-number
    // element named by its index): a million samples as a JS array grew by copies on the heap.
    let numbers: NumberList | undefined;
    return {
      cells: true,
      number: (n) => (numbers ??= new NumberList()).pushCell(n),
      key,
      scalar: set,
      end: () => set(object ?? numbers ?? []),
    };
  }
  const element: JsonHandler = { value: (v) => array!.push(v), scalar: (v) => array!.push(v) };
  const item = (): JsonHandler => {
    array ??= [];
    return element;
  };
  return { key, item, scalar: set, end: () => set(array ?? object ?? {}) };
}

/**
 * The `nodes` of CPU profile events, read by one NodeBytesReader (call frames shared by all
 * threads are parsed once) into RecordedNodes, an array's elements in other forms kept as
 * JSON.parse gives them.
 */
class NodeRecorder implements NodeSink {
  private readonly table = new CallFrameTable();
  private readonly reader = new NodeBytesReader(this);
  private target: RecordedNodes | undefined;

  callFrameCode(callFrame: unknown): number {
    return this.table.add(callFrame);
  }

  addNodeParts(id: number, code: number, hitCount: number, parent: number, children: Float64Array, childStart: number, childCount: number, ticks: Float64Array, tickStart: number, tickCount: number): void {
    this.target!.add(id, code, hitCount, parent, children, childStart, childCount, ticks, tickStart, tickCount);
  }

  /** For a `nodes` member: hands `set` a RecordedNodes, or what JSON.parse would give when it is not an array. */
  handler(set: (v: unknown) => void): JsonHandler {
    let recorded: RecordedNodes | undefined;
    let object: Record<string, unknown> | undefined;
    const start = () => (recorded ??= new RecordedNodes(this.table));
    const element: JsonHandler = { value: (v) => start().addObject(v), scalar: (v) => start().addObject(v) };
    return {
      elements: (buf, from, end, read) => {
        this.target = start();
        this.reader.read(buf, from, end, read);
      },
      batch: (values) => {
        const r = start();
        for (let i = 0; i < values.length; i++) r.addObject(values[i]);
      },
      item: () => {
        start();
        return element;
      },
      key: (k) => {
        const o = (object ??= {});
        return rebuilt(undefined, (v) => put(o, k, v), this);
      },
      scalar: set,
      end: () => set(object ?? recorded ?? []),
    };
  }
}

// ---------------------------------------------------------------------------------------
// 1. V8 CPU profiles embedded in a trace

function chromeCpuProfiles(relevant: TraceEvent[], metadata: TraceEvent[], origin: Origin): ProfileSet {
  const profiles = new Map<string, { assembler: CpuProfileAssembler; thread: string }>();
  const threadNames = threadNamesOf(metadata);
  // Chunks are not always written in time order.
  stableSortBy(relevant, (e) => num(e.ts));
  for (const event of relevant) {
    const thread = `${event.pid}:${event.tid}`;
    const id = typeof event.id === 'string' || typeof event.id === 'number' ? String(event.id) : thread;
    const data = isObject(event.args) && isObject(event.args.data) ? event.args.data : undefined;
    if (event.name === 'CpuProfile' || event.name === 'Profile') {
      const assembler = new CpuProfileAssembler(threadNames.get(thread) ?? `pid ${event.pid}, tid ${event.tid}`, origin, { orphansAtRoot: true });
      profiles.set(id, { assembler, thread });
      if (event.name === 'CpuProfile') {
        if (!data || !isObject(data.cpuProfile)) throw new ProfileImportError('CpuProfile event has no args.data.cpuProfile', origin.file, FORMAT);
        assembler.addProfileObject(data.cpuProfile);
      } else if (data && typeof data.startTime === 'number') {
        assembler.startTime = data.startTime;
      }
      continue;
    }
    // A chunk of a profile whose Profile event was not recorded cannot be placed; skip it.
    const target = profiles.get(id);
    if (!target || !data) continue;
    const assembler = target.assembler;
    const cpu = isObject(data.cpuProfile) ? data.cpuProfile : undefined;
    if (cpu && cpu.nodes instanceof RecordedNodes) {
      cpu.nodes.replayInto(assembler);
    } else if (cpu && cpu.nodes !== undefined) {
      if (!Array.isArray(cpu.nodes)) throw new ProfileImportError('ProfileChunk has cpuProfile.nodes that is not an array', origin.file, FORMAT);
      for (const node of cpu.nodes) assembler.addNode(node);
    }
    if (cpu) assembler.addSamples(cpu.samples);
    assembler.addTimeDeltas(data.timeDeltas);
    // The assembler has its own compact copy: the parsed nodes (most of a large trace's
    // memory) can go before the profile is built.
    if (cpu) cpu.nodes = cpu.samples = undefined;
    data.timeDeltas = undefined;
    if (typeof data.startTime === 'number') assembler.startTime = data.startTime;
    if (typeof data.endTime === 'number') assembler.endTime = data.endTime;
  }
  const out: Profile[] = [];
  let activeIndex = 0;
  for (const { assembler, thread } of profiles.values()) {
    // Recordings often declare a profile for a thread that never ran JavaScript.
    if (assembler.nodeCount === 0) continue;
    if (threadNames.get(thread) === 'CrRendererMain' && out.length > 0 && activeIndex === 0) activeIndex = out.length;
    out.push(assembler.build());
  }
  return { format: FORMAT, profiles: out, activeIndex };
}

// ---------------------------------------------------------------------------------------
// 2. Sampled traces: `samples` referring to `stackFrames`

function sampledTrace(
  metadata: TraceEvent[],
  samples: unknown[],
  stackFrames: Record<string, unknown>,
  fail: (message: string) => never,
): ProfileSet {
  const byThread = new Map<string, { pid: unknown; tid: unknown; samples: Record<string, unknown>[] }>();
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!isObject(s)) fail(`samples[${i}] is not an object`);
    const key = threadKey(s.pid, s.tid);
    let thread = byThread.get(key);
    if (!thread) byThread.set(key, (thread = { pid: s.pid, tid: s.tid, samples: [] }));
    thread.samples.push(s);
  }
  const names = processAndThreadNames(metadata);
  const frameCount = Object.keys(stackFrames).length;
  const profiles: [string, Profile][] = [];
  for (const [key, thread] of byThread) {
    const list = thread.samples;
    stableSortBy(list, (s) => num(s.ts));
    const builder = new ProfileBuilder(names(thread.pid, thread.tid), 'microseconds', { timeline: true });
    const frameOf = new Map<string, number>();
    const nodeOf = new Map<string, number>();
    const nodeFor = (sf: string): number => {
      const known = nodeOf.get(sf);
      if (known !== undefined) return known;
      // Walk to the root, then create the missing nodes root-first.
      const chain: string[] = [];
      let cursor: string | undefined = sf;
      while (cursor !== undefined && !nodeOf.has(cursor)) {
        if (chain.length > frameCount) fail(`stack frame ${sf} has a parent cycle`);
        const frame: unknown = stackFrames[cursor];
        if (!isObject(frame)) fail(`a sample refers to unknown stack frame ${cursor}`);
        chain.push(cursor);
        cursor = frame.parent === undefined || frame.parent === null ? undefined : String(frame.parent);
      }
      let node = cursor === undefined ? 0 : nodeOf.get(cursor)!;
      for (let k = chain.length - 1; k >= 0; k--) {
        const id = chain[k];
        let frame: number | undefined = frameOf.get(id);
        if (frame === undefined) {
          const raw = stackFrames[id] as Record<string, unknown>;
          frame = builder.frame({ name: typeof raw.name === 'string' && raw.name ? raw.name : '(unnamed)' });
          frameOf.set(id, frame);
        }
        node = builder.child(node, frame);
        nodeOf.set(id, node);
      }
      return node;
    };
    const t0 = num(list[0].ts);
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (s.sf === undefined || s.sf === null) fail(`sample at ts ${s.ts} has no "sf" stack frame`);
      const ts = num(s.ts);
      if (Number.isNaN(ts)) fail(`sample with stack frame ${s.sf} has no numeric "ts"`);
      // Like a V8 profile: a sample lasts until the thread's next sample.
      const weight = i + 1 < list.length ? Math.max(0, num(list[i + 1].ts) - ts) : 0;
      builder.appendToNode(nodeFor(String(s.sf)), weight, ts - t0);
    }
    builder.startTime = t0;
    builder.endTime = num(list[list.length - 1].ts);
    profiles.push([key, builder.build()]);
  }
  profiles.sort((a, b) => compareKeys(a[0], b[0]));
  return { format: FORMAT, profiles: profiles.map((p) => p[1]), activeIndex: 0 };
}

// ---------------------------------------------------------------------------------------
// 3. Duration events (B/E/X) as an evented profile per thread

interface Boundary {
  ts: number;
  event: TraceEvent;
  key?: string;
}

function eventedTrace(events: TraceEvent[], metadata: TraceEvent[]): ProfileSet {
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'B' && e.ph !== 'E' && e.ph !== 'X') continue;
    if (Number.isNaN(num(e.ts))) continue;
    const key = threadKey(e.pid, e.tid);
    let list = byThread.get(key);
    if (!list) byThread.set(key, (list = []));
    list.push(e);
  }
  const names = processAndThreadNames(metadata);
  const profiles: [string, Profile][] = [];
  for (const [key, list] of byThread) {
    profiles.push([key, threadProfile(list, names(list[0].pid, list[0].tid))]);
  }
  profiles.sort((a, b) => compareKeys(a[0], b[0]));
  return { format: FORMAT, profiles: profiles.map((p) => p[1]), activeIndex: 0 };
}

/**
 * Replays one thread's events the way speedscope does, so totals agree on malformed traces:
 * begins in time order (ties in file order), ends in time order, and among ends with the same
 * time the one matching the open frame (by name and args, then by name) first. An end that
 * does not match the open frame's name is ignored (time does not advance to it); frames still
 * open at the end are closed at the last event that was used.
 */
function threadProfile(events: TraceEvent[], name: string): Profile {
  let first = Infinity;
  for (const e of events) first = Math.min(first, num(e.ts));
  const begins: Boundary[] = [];
  const ends: Boundary[] = [];
  const complete: TraceEvent[] = [];
  for (const e of events) {
    const ts = num(e.ts) - first;
    if (e.ph === 'B') begins.push({ ts, event: e });
    else if (e.ph === 'E') ends.push({ ts, event: e });
    else complete.push(e);
  }
  const dur = (e: TraceEvent) => {
    const d = num(e.dur);
    if (!Number.isNaN(d)) return d;
    const t = num(e.tdur);
    return Number.isNaN(t) ? 0 : t;
  };
  // Among X events starting together the longer one must enclose the shorter.
  stableSortBy(complete, (e) => num(e.ts), (e) => -dur(e));
  for (const e of complete) {
    const ts = num(e.ts) - first;
    begins.push({ ts, event: e });
    ends.push({ ts: ts + dur(e), event: e });
  }
  stableSortBy(begins, (b) => b.ts);
  stableSortBy(ends, (b) => b.ts);

  const builder = new ProfileBuilder(name, 'microseconds', { timeline: true });
  const frames = new Map<string, number>();
  const frameOf = (b: Boundary): number => {
    const key = keyOf(b);
    let frame = frames.get(key);
    if (frame === undefined) {
      frame = builder.frame(frameFor(b.event));
      frames.set(key, frame);
    }
    return frame;
  };
  const open: { boundary: Boundary; node: number }[] = [];
  let now = 0;
  const advance = (ts: number) => {
    if (open.length > 0 && ts > now) builder.appendToNode(open[open.length - 1].node, ts - now, now);
    if (ts > now) now = ts;
  };
  let bi = 0;
  let ei = 0;
  while (bi < begins.length || ei < ends.length) {
    let takeBegin: boolean;
    if (ei >= ends.length) takeBegin = true;
    else if (bi >= begins.length) takeBegin = false;
    else if (begins[bi].ts !== ends[ei].ts) takeBegin = begins[bi].ts < ends[ei].ts;
    // A begin and an end of the same name at the same time: a zero-length event, open it first.
    else takeBegin = begins[bi].event.name === ends[ei].event.name;
    if (takeBegin) {
      const b = begins[bi++];
      advance(b.ts);
      const parent = open.length > 0 ? open[open.length - 1].node : 0;
      open.push({ boundary: b, node: builder.child(parent, frameOf(b)) });
      continue;
    }
    const top = open.length > 0 ? open[open.length - 1].boundary : undefined;
    if (top) preferMatchingEnd(ends, ei, top);
    const e = ends[ei++];
    if (top && e.event.name === top.event.name) {
      advance(e.ts);
      open.pop();
    }
  }
  builder.startTime = first;
  builder.endTime = first + now;
  return builder.build();
}

/** Moves to `ends[at]` the end at the same time that best matches the open frame `top`. */
function preferMatchingEnd(ends: Boundary[], at: number, top: Boundary): void {
  const ts = ends[at].ts;
  const topKey = keyOf(top);
  for (const byKey of [true, false]) {
    for (let i = at + 1; i < ends.length && ends[i].ts === ts; i++) {
      const matches = byKey ? keyOf(ends[i]) === topKey : ends[i].event.name === top.event.name;
      if (matches) {
        const swap = ends[at];
        ends[at] = ends[i];
        ends[i] = swap;
        return;
      }
    }
  }
}

/** Identity of an event for matching begins and ends: its name and arguments. */
function keyOf(b: Boundary): string {
  if (b.key === undefined) {
    const args = b.event.args;
    b.key = `${typeof b.event.name === 'string' && b.event.name ? b.event.name : '(unnamed)'}${args === undefined ? '' : ` ${JSON.stringify(args)}`}`;
  }
  return b.key;
}

/** The frame for an event: its name, plus the source location Hermes puts in `args`. */
function frameFor(e: TraceEvent): Frame {
  const frame: Frame = { name: typeof e.name === 'string' && e.name ? e.name : '(unnamed)' };
  const args = e.args;
  if (isObject(args) && typeof args.url === 'string') {
    frame.file = args.url;
    if (typeof args.line === 'number') frame.line = args.line;
    if (typeof args.column === 'number') frame.column = args.column;
  }
  return frame;
}

// ---------------------------------------------------------------------------------------
// Shared helpers

function threadNamesOf(events: TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.name === 'thread_name' && isObject(e.args) && typeof e.args.name === 'string') names.set(`${e.pid}:${e.tid}`, e.args.name);
  }
  return names;
}

/** speedscope's profile names: "process (pid P), thread (tid T)" with whatever metadata exists. */
function processAndThreadNames(events: TraceEvent[]): (pid: unknown, tid: unknown) => string {
  const processes = new Map<string, string>();
  const threads = new Map<string, string>();
  for (const e of events) {
    if (e.ph !== 'M' || !isObject(e.args) || typeof e.args.name !== 'string' || !e.args.name) continue;
    if (e.name === 'process_name') processes.set(String(e.pid), e.args.name);
    else if (e.name === 'thread_name') threads.set(threadKey(e.pid, e.tid), e.args.name);
  }
  return (pid, tid) => {
    const process = processes.get(String(pid));
    const thread = threads.get(threadKey(pid, tid));
    if (process !== undefined && thread !== undefined) return `${process} (pid ${pid}), ${thread} (tid ${tid})`;
    if (process !== undefined) return `${process} (pid ${pid}, tid ${tid})`;
    if (thread !== undefined) return `${thread} (pid ${pid}, tid ${tid})`;
    return `pid ${pid}, tid ${tid}`;
  };
}

function threadKey(pid: unknown, tid: unknown): string {
  return `${pid}:${tid}`;
}

/** Orders "pid:tid" keys numerically when both parts are numbers. */
function compareKeys(a: string, b: string): number {
  const [pa, ta] = a.split(':');
  const [pb, tb] = b.split(':');
  return compareParts(pa, pb) || compareParts(ta, tb);
}

function compareParts(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Trace files write numbers as strings at times ("ts": "11550183666"). */
function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

function stableSortBy<T>(list: T[], key: (x: T) => number, tieBreak?: (x: T) => number): void {
  // Array.prototype.sort is stable; NaN keys (events without a time) sort first.
  const k = (x: T) => {
    const v = key(x);
    return Number.isNaN(v) ? -Number.MAX_VALUE : v;
  };
  list.sort((a, b) => k(a) - k(b) || (tieBreak ? tieBreak(a) - tieBreak(b) : 0));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const traceEventImporter: Importer = {
  format: FORMAT,
  label: 'Chrome trace events (DevTools Performance, chrome://tracing)',
  sniff(_head, text) {
    if (/^\uFEFF?\s*\[\s*\{/.test(text)) return /"ph"\s*:\s*"/.test(text);
    return /^\uFEFF?\s*\{/.test(text) && /"traceEvents"\s*:\s*\[/.test(text);
  },
  import: (input) => importTraceEvents(input),
};
