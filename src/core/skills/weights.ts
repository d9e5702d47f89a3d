import { dirname, join, relative, resolve, sep } from 'node:path';
import { frameWeights } from '../profile/analysis/functions';
import type { Profile } from '../profile/model';
import { WorkspacePathIndex } from '../profile/sourcemap';

/** What the profile knows about one source file: the functions that start in it and their costs. */
interface FileCost {
  /** Functions in the file, sorted by start line. */
  functions: { line: number; total: number }[];
  /** Inclusive cost per line, summed over the file's frames (when the profiler records lines). */
  lines: Map<number, number>;
}

/** The profile cost of code regions, as a share of the profile's total weight (0..1). */
export class ProfileCostIndex {
  private readonly byFile = new Map<string, FileCost>();

  /**
   * `files`: absolute paths of the scanned files. A frame's file (recorded on another machine,
   * a `file://` or bundler URL, a relative path) goes to the scanned file with the longest
   * matching path suffix, as everywhere else in Hotpath (`WorkspacePathIndex`).
   */
  constructor(profile: Profile, files: readonly string[]) {
    const root = commonDir(files);
    const index = new WorkspacePathIndex(files.map((f) => relative(root, f).split(sep).join('/')));
    const total = profile.totalWeight || 1;
    const frameTotal = frameWeights(profile).total;
    profile.frames.forEach((frame, i) => {
      const hit = frame.file ? index.resolve(frame.file) : undefined;
      if (hit === undefined) return;
      const path = join(root, hit);
      let cost = this.byFile.get(path);
      if (!cost) this.byFile.set(path, (cost = { functions: [], lines: new Map() }));
      if (frame.line) cost.functions.push({ line: frame.line, total: frameTotal[i] / total });
      for (const [line, w] of profile.lineTotal.get(i) ?? []) cost.lines.set(line, (cost.lines.get(line) ?? 0) + w / total);
    });
    for (const cost of this.byFile.values()) cost.functions.sort((a, b) => a.line - b.line);
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
    return this.byFile.get(resolve(file));
  }
}

/** The deepest folder that holds every file. */
function commonDir(files: readonly string[]): string {
  if (files.length === 0) return process.cwd();
  let common = dirname(resolve(files[0]));
  for (const f of files) {
    const abs = resolve(f);
    while (!(abs === common || abs.startsWith(common.endsWith(sep) ? common : common + sep))) common = dirname(common);
  }
  return common;
}
