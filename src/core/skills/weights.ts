import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Profile } from '../profile/model';

/** What the profile knows about one source file: the functions that start in it and their costs. */
interface FileCost {
  /** Functions in the file, sorted by start line. */
  functions: { line: number; total: number }[];
  /** Inclusive cost per line, summed over the file's frames (when the profiler records lines). */
  lines: Map<number, number>;
}

/** The profile cost of code regions, as a share of the profile's total weight (0..1). */
export class ProfileCostIndex {
  private readonly byPath = new Map<string, FileCost>();
  private readonly resolved = new Map<string, FileCost | undefined>();

  constructor(
    profile: Profile,
    private readonly baseDir: string,
  ) {
    const total = profile.totalWeight || 1;
    const frameTotal = recursionAwareFrameTotals(profile);
    profile.frames.forEach((frame, i) => {
      const path = normalizeProfilePath(frame.file);
      if (!path) return;
      let cost = this.byPath.get(path);
      if (!cost) this.byPath.set(path, (cost = { functions: [], lines: new Map() }));
      if (frame.line) cost.functions.push({ line: frame.line, total: frameTotal[i] / total });
      for (const [line, w] of profile.lineTotal.get(i) ?? []) cost.lines.set(line, (cost.lines.get(line) ?? 0) + w / total);
    });
    for (const cost of this.byPath.values()) cost.functions.sort((a, b) => a.line - b.line);
  }

  /**
   * Cost of lines `line..endLine` of `file`: the recorded line costs when the profiler has
   * them, otherwise the total of the function that starts nearest above the region.
   */
  weightOf(file: string, line: number, endLine: number): number {
    const cost = this.costOf(file);
    if (!cost) return 0;
    if (cost.lines.size) {
      let sum = 0;
      for (let l = line; l <= endLine; l++) sum += cost.lines.get(l) ?? 0;
      return Math.min(1, sum);
    }
    let enclosing: { line: number; total: number } | undefined;
    for (const f of cost.functions) {
      if (f.line > line) break;
      if (!enclosing || f.line >= enclosing.line) enclosing = f;
    }
    return enclosing ? Math.min(1, enclosing.total) : 0;
  }

  private costOf(file: string): FileCost | undefined {
    const abs = resolve(this.baseDir, file);
    if (this.resolved.has(abs)) return this.resolved.get(abs);
    let found = this.byPath.get(abs);
    if (!found) {
      // relative or bundler paths ("src/app.ts", "webpack:///src/app.ts"): the longest suffix match wins
      let bestLength = 0;
      for (const [path, cost] of this.byPath) {
        if (isAbsolute(path)) continue;
        const suffix = path.replace(/^(\.\/)+/, '');
        if (suffix.length > bestLength && (abs === suffix || abs.endsWith(sep + suffix))) {
          bestLength = suffix.length;
          found = cost;
        }
      }
    }
    this.resolved.set(abs, found);
    return found;
  }
}

/** A frame's file as a local path: file URLs decoded, bundler schemes stripped; undefined for runtime internals. */
function normalizeProfilePath(file: string | undefined): string | undefined {
  if (!file || /^(node:|internal\/|native |evalmachine|<)/.test(file)) return undefined;
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  const stripped = file.replace(/^[a-z][\w+.-]*:\/\/\/?(\.\/)?/i, '');
  return isAbsolute(stripped) && stripped === file ? resolve(stripped) : stripped;
}

/** Total weight of each frame, counting a stack once even when the frame recurses. */
function recursionAwareFrameTotals(profile: Profile): Float64Array {
  const totals = new Float64Array(profile.frames.length);
  for (let n = 1; n < profile.nodeCount; n++) {
    const frame = profile.nodeFrame[n];
    if (frame < 0) continue;
    let recursive = false;
    for (let p = profile.nodeParent[n]; p > 0; p = profile.nodeParent[p]) {
      if (profile.nodeFrame[p] === frame) {
        recursive = true;
        break;
      }
    }
    if (!recursive) totals[frame] += profile.nodeTotal[n];
  }
  return totals;
}
