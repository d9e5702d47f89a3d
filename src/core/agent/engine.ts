import { enclosingFunction, functionRanges, type FunctionRange } from '../code/symbols';
import type { EditProposal } from '../edits/proposal';
import { functionIndex, functionWeights, heaviestPaths, lineCost, rankHotFunctions, type HotFunction, type LineCost } from '../profile/analysis';
import type { Profile } from '../profile/model';
import { matchProfileSignals, runDetectors, type Finding, type SignalMatch } from '../skills';
import type { ToolContext } from '../tools/context';
import { pickProfile, resolveFunction } from '../tools/profile-support';
import { ToolError } from '../tools/tool';
import { mechanicalFix } from './fixes';

/** A detector finding inside a hot function, weighted by the profile cost of its lines. */
export interface WeightedFinding extends Finding {
  /** Self and total weight of the finding's lines (the profile's unit). */
  self: number;
  total: number;
  selfPercent: number;
  totalPercent: number;
  /** A safe mechanical edit, when the skill's fix can be applied without judgement. */
  proposal?: EditProposal;
}

export interface HotTarget {
  fn: HotFunction;
  /** Workspace location of the function, when its source is in the workspace. */
  file?: string;
  line?: number;
  range?: FunctionRange;
  /** Costliest lines inside the function, costliest first. */
  hotLines: (LineCost & { text: string })[];
  /**
   * Heaviest call path (function names, outermost first) and its share; runtime frames
   * above the first workspace function are left out and counted in `skipped`.
   */
  callPath?: { names: string[]; percent: number; skipped: number };
  findings: WeightedFinding[];
  /**
   * Lines the function moved by since the profile was recorded (the file was edited): the
   * profile's lines plus this are the current file's. 0 when it is where the profile says.
   */
  moved?: number;
}

export interface Analysis {
  profileId: string;
  profile: Profile;
  targets: HotTarget[];
  /** Profile-level skills whose frame signals match (GC, regex engine, JSON…). */
  signals: (SignalMatch & { percent: number })[];
}

export interface AnalyzeOptions {
  profile?: string;
  thread?: string | number;
  /** One function by name or /regex/. */
  function?: string;
  /** A workspace position: the function that contains it. */
  at?: { file: string; line: number };
  /** Hot functions to examine when neither is given. */
  top?: number;
}

/**
 * The deterministic "why is this hot?": rank hot functions, map them to workspace source, run
 * the skills' detectors on their code, weight each finding by the profile cost of its lines,
 * and attach a mechanical edit where the skill's fix is safe to apply without judgement.
 */
export async function analyzeProfile(context: ToolContext, options: AnalyzeOptions = {}): Promise<Analysis> {
  const { id, set } = context.profiles.get(options.profile);
  const profile = pickProfile(set, options.thread);
  let candidates: HotFunction[];
  if (options.function) candidates = [resolveFunction(profile, options.function)];
  else if (options.at) candidates = [await functionAt(context, profile, options.at)];
  else {
    // Self time points at the code to change; total time catches a function whose cost sits in
    // builtins it calls (regex, JSON, allocation) that have no workspace source of their own.
    const bySelf = rankHotFunctions(profile, { by: 'self', top: 200 });
    const byTotal = rankHotFunctions(profile, { by: 'total', top: 200 });
    const seen = new Set<number>();
    candidates = [];
    for (const fn of interleave(bySelf, byTotal)) {
      if (seen.has(fn.id) || !inWorkspace(context, fn)) continue;
      seen.add(fn.id);
      candidates.push(fn);
      if (candidates.length >= (options.top ?? 5)) break;
    }
  }
  const targets: HotTarget[] = [];
  const fileCache = new Map<string, Promise<{ ranges: FunctionRange[]; findings: Finding[]; lines: LineCost[] }>>();
  for (const fn of candidates) targets.push(await examine(context, profile, fn, fileCache));
  targets.sort((a, b) => topWeight(b) - topWeight(a) || b.fn.self - a.fn.self);

  // Builtins (GC, regex engine, JSON) carry their cost as self time.
  const { functions } = functionIndex(profile);
  const selfWeights = functionWeights(profile).self;
  const signalFrames: { name: string; file?: string; weight: number }[] = [];
  functions.forEach((f, id) => {
    if (selfWeights[id] > 0) signalFrames.push({ name: f.name, file: f.file, weight: selfWeights[id] });
  });
  const signals = matchProfileSignals(context.skills, signalFrames)
    .filter((s) => s.weight > 0)
    .map((s) => ({ ...s, percent: (100 * s.weight) / profile.totalWeight }))
    .filter((s) => s.percent >= 1);
  return { profileId: id, profile, targets, signals };
}

function topWeight(t: HotTarget): number {
  return t.findings[0]?.total ?? 0;
}

function* interleave<T>(a: T[], b: T[]): Generator<T> {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) yield a[i];
    if (i < b.length) yield b[i];
  }
}

function inWorkspace(context: ToolContext, fn: HotFunction): boolean {
  return !!fn.file && context.resolver.resolve(fn.file, fn.line ?? 1) !== undefined;
}

async function functionAt(context: ToolContext, profile: Profile, at: { file: string; line: number }): Promise<HotFunction> {
  const text = context.files.read(at.file);
  if (text === undefined) throw new ToolError(`File not found: ${at.file}.`);
  const range = enclosingFunction(await functionRanges(at.file, text), at.line);
  const hot = rankHotFunctions(profile, { by: 'total', top: Infinity }).filter((fn) => {
    const place = fn.file ? context.resolver.resolve(fn.file, fn.line ?? 1) : undefined;
    if (!place || place.file !== at.file) return false;
    return range ? place.line >= range.startLine && place.line <= range.endLine : place.line === at.line;
  });
  if (hot.length === 0) throw new ToolError(`The profile has no samples in ${range ? `${range.name} (${at.file}:${range.startLine}-${range.endLine})` : `${at.file}:${at.line}`}; it is not hot in this profile.`);
  return hot[0];
}

async function examine(
  context: ToolContext,
  profile: Profile,
  fn: HotFunction,
  cache: Map<string, Promise<{ ranges: FunctionRange[]; findings: Finding[]; lines: LineCost[] }>>,
): Promise<HotTarget> {
  const target: HotTarget = { fn, hotLines: [], findings: [] };
  const { functions } = functionIndex(profile);
  const [path] = heaviestPaths(profile, fn.id, 1);
  if (path) {
    const firstOwn = path.path.findIndex((id) => {
      const f = functions[id];
      return !!f.file && context.resolver.resolve(f.file, f.line ?? 1) !== undefined;
    });
    const skipped = Math.max(0, firstOwn);
    target.callPath = { names: path.path.slice(skipped).map((id) => functions[id].name), percent: path.percent, skipped };
  }
  const place = fn.file ? context.resolver.resolve(fn.file, fn.line ?? 1) : undefined;
  if (!place) return target;
  target.file = place.file;
  target.line = place.line;
  const text = context.files.read(place.file);
  if (text === undefined) return target;
  let entry = cache.get(place.file);
  if (!entry) {
    entry = (async () => {
      const ranges = await functionRanges(place.file, text);
      const { findings } = await runDetectors(context.skills, [{ path: place.file, text }]);
      const { lines } = lineCost(profile, place.file, context.resolver);
      return { ranges, findings, lines };
    })();
    cache.set(place.file, entry);
  }
  const { ranges, findings, lines: recorded } = await entry;
  let range = enclosingFunction(ranges, place.line) ?? ranges.find((r) => r.startLine === place.line);
  // The file was edited since the profile: the function is no longer at the profile's line, but
  // one function of that name is elsewhere; the profile's lines move with it.
  let moved = 0;
  if (range?.name !== fn.name) {
    const named = ranges.filter((r) => r.name === fn.name);
    if (named.length === 1) {
      moved = named[0].startLine - place.line;
      range = named[0];
    }
  }
  target.range = range;
  if (moved) {
    target.moved = moved;
    target.line = place.line + moved;
  }
  const lines = moved ? recorded.map((l) => ({ ...l, line: l.line + moved })) : recorded;
  const inside = (line: number) => (range ? line >= range.startLine && line <= range.endLine : line === place.line);
  const source = text.split('\n');
  target.hotLines = lines
    .filter((l) => inside(l.line))
    .sort((a, b) => b.self - a.self || b.total - a.total)
    .slice(0, 5)
    .map((l) => ({ ...l, text: (source[l.line - 1] ?? '').trim() }));
  for (const finding of findings) {
    if (!inside(finding.line)) continue;
    let self = 0;
    let total = 0;
    for (const l of lines) {
      if (l.line >= finding.line && l.line <= finding.endLine) {
        self += l.self;
        total = Math.max(total, l.total);
      }
    }
    const weighted: WeightedFinding = { ...finding, self, total, selfPercent: (100 * self) / profile.totalWeight, totalPercent: (100 * total) / profile.totalWeight };
    const proposal = await mechanicalFix(context, finding, text, range);
    if (proposal) weighted.proposal = proposal;
    target.findings.push(weighted);
  }
  target.findings.sort((a, b) => b.total - a.total || b.self - a.self || a.line - b.line);
  return target;
}

