import { ProfileBuilder } from '../builder';
import { ProfileImportError } from '../errors';
import type { ProfileInput } from '../input';
import type { Frame, Profile, WeightUnit } from '../model';
import type { Importer } from './importer';

const FORMAT = 'callgrind';

/**
 * valgrind callgrind (and cachegrind, xdebug) profiles
 * (https://valgrind.org/docs/manual/cl-format.html): one profile per event type.
 *
 * callgrind records a call graph (self cost per function and line, inclusive cost per call
 * edge), not stacks. As speedscope does, the graph is unrolled into a tree from the functions
 * nobody calls, assuming every call of a function splits its cost among its callees like the
 * average call does; recursion is cut where a function is already on the path.
 */
export const callgrindImporter: Importer = {
  format: FORMAT,
  label: 'valgrind callgrind',
  sniff(_head, headText) {
    if (/^# callgrind format/.test(headText)) return true;
    return /^events:[ \t]*\S/m.test(headText) && /^fn=/m.test(headText) && /^(?:version|creator|cmd|positions|desc|part|pid):/m.test(headText);
  },
  async import(input) {
    const graph = parse(await input.text(FORMAT), input);
    const profiles = graph.events.map((event, e) => unroll(graph, e, event));
    return { format: FORMAT, profiles, activeIndex: 0 };
  },
};

interface CallGraph {
  events: string[];
  /** Functions: name, file, object. */
  functions: Frame[];
  /** Per event: total cost of each function (self + inclusive cost of its calls). */
  totals: number[][];
  /** caller → callee → inclusive cost per event. */
  calls: Map<number, Map<number, Float64Array>>;
  callees: Set<number>;
  /** function → line → cost per event, for lines in the function's own file. */
  lineSelf: Map<number, Map<number, Float64Array>>;
  lineTotal: Map<number, Map<number, Float64Array>>;
}

function parse(text: string, input: ProfileInput): CallGraph {
  const graph: CallGraph = { events: [], functions: [], totals: [], calls: new Map(), callees: new Set(), lineSelf: new Map(), lineTotal: new Map() };
  const functionIds = new Map<string, number>();
  const names = { file: new Map<string, string>(), fn: new Map<string, string>(), ob: new Map<string, string>() };
  let lineNo = 0;
  const fail = (message: string): never => {
    throw new ProfileImportError(`line ${lineNo}: ${message}`, input.name, FORMAT, `line ${lineNo}`);
  };

  let positionCount = 1;
  let lineColumn = 0;
  let eventCount = -1;
  let prev: number[] = [];
  let ob = '';
  let file = '';
  let sourceFile = '';
  let fnName: string | undefined;
  let fn = -1;
  let calleeOb: string | undefined;
  let calleeFile: string | undefined;
  let calleeName: string | undefined;
  // After calls= the next line holds the inclusive cost of the call; after jump=/jcnd= a
  // position we only need to track for relative positions.
  let pending: 'calls' | 'jump' | undefined;
  const costs: number[] = [];

  const expand = (value: string, kind: keyof typeof names): string => {
    const m = /^\((\d+)\)(?:\s*(.*))?$/.exec(value);
    if (!m) return value;
    const table = names[kind];
    if (m[2] !== undefined && m[2] !== '') {
      const old = table.get(m[1]);
      if (old !== undefined && old !== m[2]) fail(`name id (${m[1]}) redefined as ${JSON.stringify(m[2])}, was ${JSON.stringify(old)}`);
      table.set(m[1], m[2]);
      return m[2];
    }
    const known = table.get(m[1]);
    return known ?? fail(`name id (${m[1]}) is used before it is defined`);
  };
  const functionId = (name: string, inFile: string, object: string): number => {
    const key = `${object}\u0000${inFile}\u0000${name}`;
    let id = functionIds.get(key);
    if (id === undefined) {
      id = graph.functions.length;
      functionIds.set(key, id);
      const frame: Frame = { name };
      if (inFile && inFile !== '???') frame.file = inFile;
      if (object) frame.module = object;
      graph.functions.push(frame);
      for (const t of graph.totals) t.push(0);
    }
    return id;
  };
  const current = (): number => {
    if (fn < 0) fn = functionId(fnName ?? '(unknown)', file, ob);
    return fn;
  };

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    start = end + 1;
    lineNo++;
    if (line.length === 0 || line.charCodeAt(0) === 35 /* # */) continue;
    line = line.trim();
    if (line.length === 0) continue;

    const c = line.charCodeAt(0);
    const isCost = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42; // digit + - *
    if (isCost) {
      if (eventCount < 0) fail('cost line before the "events:" header');
      readCosts(line, positionCount + eventCount, prev, costs, fail);
      prev = costs.slice();
      const kind = pending;
      pending = undefined;
      if (kind === 'jump') continue;
      const f = current();
      const sameFile = sourceFile === file;
      const codeLine = costs[lineColumn];
      if (kind === 'calls') {
        // cob/cfi may come after cfn, so the callee is resolved here.
        const target = functionId(calleeName!, calleeFile ?? file, calleeOb ?? ob);
        // The cost of a direct recursive call is already in the function's own self cost
        // lines; counting it again would inflate its total (the unrolled tree cuts recursion).
        if (target === f) {
          calleeName = calleeFile = calleeOb = undefined;
          continue;
        }
        let byCallee = graph.calls.get(f);
        if (!byCallee) graph.calls.set(f, (byCallee = new Map()));
        let edge = byCallee.get(target);
        if (!edge) byCallee.set(target, (edge = new Float64Array(eventCount)));
        graph.callees.add(target);
        for (let e = 0; e < eventCount; e++) {
          const cost = costs[positionCount + e];
          edge[e] += cost;
          graph.totals[e][f] += cost;
        }
        if (sameFile && codeLine > 0) addLineCosts(graph.lineTotal, f, codeLine, costs, positionCount, eventCount);
        calleeName = undefined;
        calleeFile = undefined;
        calleeOb = undefined;
      } else {
        for (let e = 0; e < eventCount; e++) graph.totals[e][f] += costs[positionCount + e];
        if (sameFile && codeLine > 0) {
          addLineCosts(graph.lineSelf, f, codeLine, costs, positionCount, eventCount);
          addLineCosts(graph.lineTotal, f, codeLine, costs, positionCount, eventCount);
        }
      }
      continue;
    }
    if (pending === 'calls') fail(`expected the cost line of the call on the line before, found ${quote(line)}`);

    const eq = line.indexOf('=');
    const colon = line.indexOf(':');
    if (eq > 0 && (colon < 0 || eq < colon) && /^[a-z]+$/.test(line.slice(0, eq))) {
      const key = line.slice(0, eq);
      const value = line.slice(eq + 1).trim();
      switch (key) {
        case 'ob':
          ob = expand(value, 'ob');
          fn = -1;
          break;
        case 'fl':
          file = sourceFile = expand(value, 'file');
          fn = -1;
          break;
        case 'fi':
        case 'fe':
          sourceFile = expand(value, 'file');
          break;
        case 'fn':
          fnName = expand(value, 'fn');
          fn = -1;
          sourceFile = file;
          break;
        case 'cob':
          calleeOb = expand(value, 'ob');
          break;
        case 'cfi':
        case 'cfl': {
          // An empty cfl= resets the callee file to the caller's (speedscope's cfn-reset case).
          const v = expand(value, 'file');
          calleeFile = v === '' ? undefined : v;
          break;
        }
        case 'cfn':
          calleeName = expand(value, 'fn');
          break;
        case 'calls':
          if (calleeName === undefined) fail('calls= without a preceding cfn=');
          pending = 'calls';
          break;
        case 'jump':
        case 'jcnd':
          pending = 'jump';
          break;
        default:
          // Other assignments (e.g. xdebug's own) carry nothing we use.
          break;
      }
      continue;
    }

    const header = /^([A-Za-z][\w ]*):\s*(.*)$/.exec(line);
    if (header) {
      const [, name, value] = header;
      if (name === 'events') {
        const events = value.split(/\s+/).filter(Boolean);
        if (events.length === 0) fail('"events:" names no event');
        if (eventCount >= 0) {
          // Multi-part dumps repeat the header; a different one would change cost columns midway.
          if (events.join(' ') !== graph.events.join(' ')) fail(`"events: ${value}" differs from the earlier "events: ${graph.events.join(' ')}"`);
        } else {
          graph.events = events;
          eventCount = events.length;
          graph.totals = events.map(() => new Array<number>(graph.functions.length).fill(0));
        }
      } else if (name === 'positions') {
        if (eventCount >= 0) fail('"positions:" after the "events:" header');
        const positions = value.split(/\s+/).filter(Boolean);
        if (positions.length === 0 || positions.some((p) => p !== 'line' && p !== 'instr')) fail(`"positions: ${value}": expected "line", "instr" or both`);
        positionCount = positions.length;
        lineColumn = positions.indexOf('line');
      }
      continue;
    }
    fail(`unrecognized line ${quote(line)}`);
  }
  if (pending === 'calls') fail('the file ends after calls= without the cost line of the call');
  if (eventCount < 0) fail('no "events:" header');
  return graph;
}

/** Parses "pos... cost..." into `out`, resolving "*", "+n" and "-n" against the previous line. */
function readCosts(line: string, columns: number, prev: number[], out: number[], fail: (m: string) => never): void {
  out.length = 0;
  let i = 0;
  const n = line.length;
  while (i < n && out.length < columns) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 9) j++;
    const token = line.slice(i, j);
    const col = out.length;
    const first = token.charCodeAt(0);
    let value: number;
    if (token === '*') {
      value = prev[col] ?? fail(`"*" in column ${col + 1} but the previous cost line has no such column`);
    } else if (first === 43 || first === 45) {
      const delta = parseNumber(token.slice(1));
      if (Number.isNaN(delta)) fail(`${quote(token)} in column ${col + 1} is not a number`);
      const base = prev[col] ?? fail(`relative ${quote(token)} in column ${col + 1} but the previous cost line has no such column`);
      value = first === 43 ? base + delta : base - delta;
    } else {
      value = parseNumber(token);
      if (Number.isNaN(value)) fail(`${quote(token)} in column ${col + 1} is not a number`);
    }
    out.push(value);
    i = j;
  }
  // Trailing costs may be omitted; they are zero.
  while (out.length < columns) out.push(0);
}

function parseNumber(token: string): number {
  let n = NaN;
  if (/^\d+$/.test(token)) n = Number(token);
  else if (/^0x[0-9a-f]+$/i.test(token)) n = parseInt(token.slice(2), 16);
  // An infinite cost (hundreds of digits) would make the unrolling meaningless.
  return Number.isFinite(n) ? n : NaN;
}

function addLineCosts(table: Map<number, Map<number, Float64Array>>, fn: number, line: number, costs: number[], offset: number, count: number): void {
  let lines = table.get(fn);
  if (!lines) table.set(fn, (lines = new Map()));
  let acc = lines.get(line);
  if (!acc) lines.set(line, (acc = new Float64Array(count)));
  for (let e = 0; e < count; e++) acc[e] += costs[offset + e];
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
}

/** Event names with a known unit and scale (valgrind's are counts; xdebug writes these two). */
function eventUnit(event: string): { name: string; unit: WeightUnit; scale: number } {
  if (event === 'Time_(10ns)') return { name: 'Time', unit: 'nanoseconds', scale: 10 };
  if (event === 'Memory_(bytes)') return { name: 'Memory', unit: 'bytes', scale: 1 };
  return { name: event, unit: 'count', scale: 1 };
}

/** Above this many tree nodes the unrolling starts over with a ten times coarser cut-off. */
const MAX_TREE_NODES = 2_000_000;

function unroll(graph: CallGraph, e: number, event: string): Profile {
  const totals = graph.totals[e];
  const n = graph.functions.length;
  // Call edges as flat arrays (callees of fn are edgeCallee[edgeStart[fn] .. edgeStart[fn + 1]))
  // so the unrolling, which visits edges many times, does no map lookups.
  const edgeStart = new Int32Array(n + 1);
  for (const [fn, callees] of graph.calls) edgeStart[fn + 1] = callees.size;
  for (let fn = 0; fn < n; fn++) edgeStart[fn + 1] += edgeStart[fn];
  const edgeCallee = new Int32Array(edgeStart[n]);
  const edgeCost = new Float64Array(edgeStart[n]);
  for (const [fn, callees] of graph.calls) {
    let k = edgeStart[fn];
    for (const [callee, cost] of callees) {
      edgeCallee[k] = callee;
      edgeCost[k++] = cost[e];
    }
  }
  let max = 0;
  for (const t of totals) if (t > max) max = t;
  // Like speedscope, paths carrying less than 1/10000 of the heaviest function are folded
  // into their caller, which bounds the size of the unrolled tree; a graph with very many
  // paths gets a coarser cut-off rather than an unbounded tree.
  for (let fraction = 1e-4; ; fraction *= 10) {
    const profile = unrollWith(graph, e, event, fraction * max, edgeStart, edgeCallee, edgeCost);
    if (profile) return profile;
  }
}

function unrollWith(
  graph: CallGraph,
  e: number,
  event: string,
  threshold: number,
  edgeStart: Int32Array,
  edgeCallee: Int32Array,
  edgeCost: Float64Array,
): Profile | undefined {
  const { name, unit, scale } = eventUnit(event);
  const builder = new ProfileBuilder(name, unit);
  const totals = graph.totals[e];
  const n = graph.functions.length;
  const frameIds = new Int32Array(n).fill(-1);
  const onPath = new Uint8Array(n);
  let nodes = 0;
  let overflow = false;

  const visit = (fn: number, weight: number, parent: number): number => {
    if (overflow || onPath[fn] || weight < threshold) return 0;
    const total = totals[fn];
    if (total === 0) return 0;
    if (++nodes > MAX_TREE_NODES) {
      overflow = true;
      return 0;
    }
    if (frameIds[fn] < 0) frameIds[fn] = builder.frame(graph.functions[fn]);
    const node = builder.child(parent, frameIds[fn]);
    onPath[fn] = 1;
    let self = weight;
    const ratio = weight / total;
    for (let k = edgeStart[fn], end = edgeStart[fn + 1]; k < end; k++) self -= visit(edgeCallee[k], edgeCost[k] * ratio, node);
    onPath[fn] = 0;
    if (self > 0) builder.appendToNode(node, self * scale);
    return weight;
  };
  for (let fn = 0; fn < n && !overflow; fn++) {
    if (!graph.callees.has(fn)) visit(fn, totals[fn], 0);
  }
  if (overflow) return undefined;

  for (const [table, add] of [
    [graph.lineSelf, (f: number, l: number, w: number) => builder.addLineSelf(f, l, w)],
    [graph.lineTotal, (f: number, l: number, w: number) => builder.addLineTotal(f, l, w)],
  ] as const) {
    for (const [fn, lines] of table) {
      if (frameIds[fn] < 0) continue;
      for (const [line, cost] of lines) if (cost[e] !== 0) add(frameIds[fn], line, cost[e] * scale);
    }
  }
  return builder.build();
}
