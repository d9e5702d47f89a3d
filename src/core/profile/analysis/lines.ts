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
    const place = (line: number): number | undefined => {
      if (!resolver) return line > 0 ? line : undefined;
      const to = resolver.resolve(frame.file!, line, line === frame.line ? frame.column : undefined);
      return to && normalizePath(to.file) === wanted && to.line > 0 ? to.line : undefined;
    };
    if (!resolver && !samePath(normalizePath(frame.file), wanted)) return;
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
