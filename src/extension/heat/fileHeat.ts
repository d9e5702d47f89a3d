/**
 * Which part of a profile belongs to one source file, decided without vscode: per-line cost
 * and the functions defined there. A profile recorded on another machine still matches when
 * the frame's path and the file share their last two path segments (folder and file name).
 */
import { lineCost, normalizePath, rankHotFunctions, type HotFunction, type LineCost, type SourceLocationResolver } from '../../core/profile/analysis/index';
import type { Profile } from '../../core/profile/model';
import { sharedSuffix } from '../profiles/sourcePaths';

export interface FileHeat {
  lines: LineCost[];
  /** Functions defined in the file with a known start line, heaviest total first. */
  functions: HotFunction[];
}

function sameFile(recorded: string, file: string): boolean {
  const a = normalizePath(recorded);
  const b = normalizePath(file);
  if (a === b) return true;
  const recordedSegments = a.split('/').filter(Boolean).length;
  return sharedSuffix(a, b) >= Math.min(2, recordedSegments);
}

/**
 * A source mapper over the workspace (`WorkspaceSourceResolver`) and the file's path as it
 * resolves there: frames of generated JavaScript then land on the original TypeScript lines.
 */
export interface MappedSources {
  resolver: SourceLocationResolver;
  /** `file` as the resolver names it (workspace-folder relative). */
  relative: string;
}

export function fileHeat(profile: Profile, file: string, mapped?: MappedSources): FileHeat {
  if (mapped) {
    const cost = lineCost(profile, mapped.relative, mapped.resolver);
    if (cost.frameCount > 0) {
      // Functions start where their first line maps to; those mapping elsewhere are not this file's.
      const functions = rankHotFunctions(profile, { by: 'total', top: Infinity }).flatMap((f) => {
        if (f.file === undefined || f.line === undefined) return [];
        const at = mapped.resolver.resolve(f.file, f.line);
        return at && normalizePath(at.file) === normalizePath(mapped.relative) ? [{ ...f, line: at.line }] : [];
      });
      return { lines: cost.lines, functions };
    }
  }
  let cost = lineCost(profile, file);
  if (cost.frameCount === 0) {
    cost = lineCost(profile, file, { resolve: (recorded, line) => (sameFile(recorded, file) ? { file, line } : undefined) });
  }
  const functions = rankHotFunctions(profile, { by: 'total', top: Infinity }).filter(
    (f) => f.file !== undefined && f.line !== undefined && sameFile(f.file, file),
  );
  return { lines: cost.lines, functions };
}

/** 0 (no heat) to 3 (hot) from a line's self share in percent, given the user's threshold. */
export function heatLevel(selfPercent: number, threshold: number): 0 | 1 | 2 | 3 {
  if (selfPercent >= Math.max(threshold, 10)) return 3;
  if (selfPercent >= Math.max(threshold, 3)) return 2;
  if (selfPercent >= threshold && selfPercent > 0) return 1;
  return 0;
}

const pct = (p: number) => (p >= 10 || p === 0 ? p.toFixed(1) : p.toFixed(2));

/** "12.3% self · 30.1% total". */
export function costLabel(selfPercent: number, totalPercent: number): string {
  return `${pct(selfPercent)}% self · ${pct(totalPercent)}% total`;
}
