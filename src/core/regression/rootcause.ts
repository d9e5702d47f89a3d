/**
 * Root cause: rank the commits between the last good and the first bad point by whether their
 * diffs touch the regressed functions — their lines first, then their files. The diffs are
 * plain data here; reading them from git is the caller's job.
 */

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

export interface CommitChange {
  id: string;
  title?: string;
  /** Files the diff touched, with the new-side line ranges it changed (empty: whole file / unknown). */
  files: { path: string; ranges: LineRange[] }[];
}

export interface RegressedFunction {
  function: string;
  /** Source file as the profile named it (absolute paths and URLs are matched by suffix). */
  file?: string;
  /** 1-based line range of the function, when known. */
  lines?: LineRange;
  /** How much this function matters (e.g. its share increase); the headline should weigh most. */
  weight?: number;
}

export interface SuspectCommit {
  commit: CommitChange;
  score: number;
  /** Position in the input (0 = oldest), kept to break ties by recency. */
  order: number;
  evidence: string[];
}

/** Weight of touching a function's lines relative to touching only its file. */
const lineHit = 10;
const fileHit = 1;

/**
 * Commits ranked by evidence, strongest first; ties go to the later commit (closer to the
 * first bad point). Commits with no evidence stay in the list with score 0.
 */
export function suspectCommits(functions: readonly RegressedFunction[], commits: readonly CommitChange[]): SuspectCommit[] {
  const ranked = commits.map((commit, order) => {
    let score = 0;
    const evidence: string[] = [];
    for (const fn of functions) {
      if (!fn.file) continue;
      const weight = fn.weight ?? 1;
      for (const changed of commit.files) {
        if (!samePath(fn.file, changed.path)) continue;
        const overlap = fn.lines ? changed.ranges.filter((r) => r.start <= fn.lines!.end && r.end >= fn.lines!.start) : [];
        if (overlap.length > 0) {
          score += lineHit * weight;
          evidence.push(`changes ${changed.path}:${overlap.map(rangeText).join(',')} inside ${fn.function} (lines ${rangeText(fn.lines!)})`);
        } else {
          score += fileHit * weight;
          evidence.push(`changes ${changed.path}, the file of ${fn.function}${fn.lines ? ` (not its lines ${rangeText(fn.lines)})` : ''}`);
        }
      }
    }
    return { commit, score, order, evidence };
  });
  return ranked.sort((a, b) => b.score - a.score || b.order - a.order);
}

function rangeText(r: LineRange): string {
  return r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`;
}

/** Paths match when one ends with the other at a path-segment boundary (profiles keep absolute paths or URLs, diffs repo-relative ones). */
export function samePath(a: string, b: string): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (x === y) return true;
  const [long, short] = x.length >= y.length ? [x, y] : [y, x];
  return short.length > 0 && long.endsWith(`/${short}`);
}

function normalize(p: string): string {
  return p
    .replace(/^[a-z]+:\/\/[^/]*/i, '')
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}
