import type { Profile } from '../model';
import { frameWeights } from './functions';
import { percentOf } from './tree';

/**
 * Maps a profiler's location (a frame's file as recorded, a 1-based line and column) to a
 * source location, e.g. a workspace file through a source map. Undefined = not a known
 * source. `sourcemap.ts` provides the workspace implementation.
 */
export interface SourceLocationResolver {
  resolve(file: string, line: number, column?: number): { file: string; line: number } | undefined;
}

export interface LineCost {
  /** 1-based line in the source file. */
  line: number;
  self: number;
  total: number;
  /** Percent (0–100) of the profile's total weight. */
  selfPercent: number;
  totalPercent: number;
}

export interface FileLineCost {
  /** The file as asked for. */
  file: string;
  /** Lines with cost, in line order. */
  lines: LineCost[];
  /** Frames of the profile that resolved to this file. */
  frameCount: number;
  /** True when the profile had no line table, so frames were counted at their own line. */
  usedFrameLines: boolean;
}

/**
 * Per-line cost of one source file. Uses the profile's line table (`lineSelf`/`lineTotal`)
 * when the format records one; for a profile without any, each frame counts its whole
 * self/total at its own line. Without a resolver a frame belongs to `file` when the paths
 * are equal or one ends with the other at a `/` boundary (after `file://` and `\`
 * normalisation).
 * A line's total is summed over the frames that map to it, so a line reached again through
 * a different frame of the same file (mutual recursion) counts once per frame.
 */
export function lineCost(profile: Profile, file: string, resolver?: SourceLocationResolver): FileLineCost {
  if (resolver) {
    const found = lineCostsByFile(profile, resolver).get(normalizePath(file));
    return found ? { ...found, file } : { file, lines: [], frameCount: 0, usedFrameLines: false };
  }
  const wanted = normalizePath(file);
  const self = new Map<number, number>();
  const total = new Map<number, number>();
  let weights: ReturnType<typeof frameWeights> | undefined;
  let frameCount = 0;
  let usedFrameLines = false;
  // A frame missing from a line table had no samples of its own there; only a profile
  // without any line table falls back to whole frames at their own line.
  const hasLineTable = profile.lineSelf.size > 0 || profile.lineTotal.size > 0;

  profile.frames.forEach((frame, f) => {
    if (!frame.file) return;
    const place = (line: number): number | undefined => (line > 0 ? line : undefined);
    if (!samePath(normalizePath(frame.file), wanted)) return;
    const lineSelf = profile.lineSelf.get(f);
    const lineTotal = profile.lineTotal.get(f);
    let matched = false;
    if (lineSelf || lineTotal) {
      for (const [line, w] of lineSelf ?? []) {
        const at = place(line);
        if (at !== undefined) {
          add(self, at, w);
          matched = true;
        }
      }
      // Formats that record only the leaf's line (positionTicks) give no totals; the self
      // lines are then the best lower bound for them.
      for (const [line, w] of lineTotal ?? lineSelf ?? []) {
        const at = place(line);
        if (at !== undefined) {
          add(total, at, w);
          matched = true;
        }
      }
    } else if (!hasLineTable && frame.line) {
      const at = place(frame.line);
      if (at !== undefined) {
        weights ??= frameWeights(profile);
        if (weights.self[f] > 0) add(self, at, weights.self[f]);
        if (weights.total[f] > 0) add(total, at, weights.total[f]);
        matched = true;
        usedFrameLines = true;
      }
    }
    if (matched) frameCount++;
  });

  const lines: LineCost[] = [...new Set([...self.keys(), ...total.keys()])]
    .sort((a, b) => a - b)
    .map((line) => {
      const s = self.get(line) ?? 0;
      const t = total.get(line) ?? 0;
      return { line, self: s, total: t, selfPercent: percentOf(s, profile.totalWeight), totalPercent: percentOf(t, profile.totalWeight) };
    });
  return { file, lines, frameCount, usedFrameLines };
}

const byFileCache = new WeakMap<Profile, WeakMap<SourceLocationResolver, Map<string, FileLineCost>>>();

/**
 * Per-line cost of every source file the resolver knows, in one pass over the frames (the
 * engine and the editor ask for several files of one profile; each would otherwise walk
 * every frame again). Cached per profile and resolver. Keys are normalised paths.
 */
export function lineCostsByFile(profile: Profile, resolver: SourceLocationResolver): Map<string, FileLineCost> {
  let perResolver = byFileCache.get(profile);
  if (!perResolver) byFileCache.set(profile, (perResolver = new WeakMap()));
  const cached = perResolver.get(resolver);
  if (cached) return cached;
  const acc = new Map<string, { self: Map<number, number>; total: Map<number, number>; frames: number; usedFrameLines: boolean }>();
  const hasLineTable = profile.lineSelf.size > 0 || profile.lineTotal.size > 0;
  let weights: ReturnType<typeof frameWeights> | undefined;
  const entry = (file: string) => {
    let e = acc.get(file);
    if (!e) acc.set(file, (e = { self: new Map(), total: new Map(), frames: 0, usedFrameLines: false }));
    return e;
  };
  profile.frames.forEach((frame, f) => {
    if (!frame.file) return;
    const touched = new Set<string>();
    const lineSelf = profile.lineSelf.get(f);
    const lineTotal = profile.lineTotal.get(f);
    if (lineSelf || lineTotal) {
      for (const [line, w] of lineSelf ?? []) {
        const to = resolver.resolve(frame.file, line, line === frame.line ? frame.column : undefined);
        if (!to || !(to.line > 0)) continue;
        const file = normalizePath(to.file);
        add(entry(file).self, to.line, w);
        touched.add(file);
      }
      // Formats that record only the leaf's line (positionTicks) give no totals; the self
      // lines are then the best lower bound for them.
      for (const [line, w] of lineTotal ?? lineSelf ?? []) {
        const to = resolver.resolve(frame.file, line, line === frame.line ? frame.column : undefined);
        if (!to || !(to.line > 0)) continue;
        const file = normalizePath(to.file);
        add(entry(file).total, to.line, w);
        touched.add(file);
      }
    } else if (!hasLineTable && frame.line) {
      const to = resolver.resolve(frame.file, frame.line, frame.column);
      if (to && to.line > 0) {
        const file = normalizePath(to.file);
        const e = entry(file);
        weights ??= frameWeights(profile);
        if (weights.self[f] > 0) add(e.self, to.line, weights.self[f]);
        if (weights.total[f] > 0) add(e.total, to.line, weights.total[f]);
        e.usedFrameLines = true;
        touched.add(file);
      }
    }
    for (const file of touched) acc.get(file)!.frames++;
  });
  const out = new Map<string, FileLineCost>();
  for (const [file, e] of acc) {
    const lines: LineCost[] = [...new Set([...e.self.keys(), ...e.total.keys()])]
      .sort((a, b) => a - b)
      .map((line) => {
        const s = e.self.get(line) ?? 0;
        const t = e.total.get(line) ?? 0;
        return { line, self: s, total: t, selfPercent: percentOf(s, profile.totalWeight), totalPercent: percentOf(t, profile.totalWeight) };
      });
    out.set(file, { file, lines, frameCount: e.frames, usedFrameLines: e.usedFrameLines });
  }
  perResolver.set(resolver, out);
  return out;
}

function add(map: Map<number, number>, line: number, weight: number): void {
  map.set(line, (map.get(line) ?? 0) + weight);
}

/** Strips `file://`, decodes it, and turns `\` into `/` so paths from any OS compare. */
export function normalizePath(path: string): string {
  let p = path;
  if (p.startsWith('file://')) {
    p = p.slice('file://'.length);
    try {
      p = decodeURIComponent(p);
    } catch {
      // keep the raw text: a stray % is still a usable path
    }
    if (/^\/[A-Za-z]:/.test(p)) p = p.slice(1);
  }
  return p.replace(/\\/g, '/');
}

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  const [long, short] = a.length > b.length ? [a, b] : [b, a];
  return long.endsWith(short) && (short.startsWith('/') || long[long.length - short.length - 1] === '/');
}
