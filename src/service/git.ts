import { execFile } from 'node:child_process';
import type { LineRange } from '../core/regression/rootcause';

/** A file a commit touched, with the new-side line ranges (1-based, inclusive) it added or changed. */
export interface CommitFileChange {
  path: string;
  /** A pure deletion marks the line after it. */
  ranges: LineRange[];
}

export interface CommitInfo {
  sha: string;
  author: string;
  /** Author time, ms since the epoch. */
  time: number;
  subject: string;
  files: CommitFileChange[];
}

/** The commits a service's repository can tell about; the service's port to git. */
export interface GitReader {
  /** Commits reachable from `to` but not from `from`, oldest first, with the lines each touched. */
  commitsBetween(from: string | undefined, to: string): Promise<CommitInfo[]>;
}

const RECORD = '\u001e';
const FIELD = '\u001f';

/** Reads commits with the real `git` binary (no shell; arguments passed as a list). */
export class GitRepository implements GitReader {
  constructor(
    readonly dir: string,
    private readonly options: { timeoutMs?: number; maxCommits?: number } = {},
  ) {}

  async commitsBetween(from: string | undefined, to: string): Promise<CommitInfo[]> {
    const range = from ? `${from}..${to}` : to;
    const out = await this.git([
      'log',
      '--no-color',
      '--no-renames',
      '--reverse',
      `--max-count=${this.options.maxCommits ?? 200}`,
      `--format=${RECORD}%H${FIELD}%an${FIELD}%at${FIELD}%s`,
      '-p',
      '-U0',
      '--end-of-options',
      range,
      '--',
    ]);
    return parseLog(out);
  }

  private git(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        ['-C', this.dir, '-c', 'core.quotepath=off', ...args],
        { maxBuffer: 256 * 1024 * 1024, timeout: this.options.timeoutMs ?? 30_000, encoding: 'utf8' },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`git ${args[0]} in ${this.dir} failed: ${(stderr || error.message).trim().split('\n')[0]}`));
          else resolve(stdout);
        },
      );
    });
  }
}

/** A diff header path: git ends names containing spaces with a tab and C-quotes unusual ones. */
function diffPath(raw: string, side: 'a/' | 'b/'): string {
  let p = raw.replace(/\t$/, '');
  if (p.startsWith('"') && p.endsWith('"')) {
    try {
      p = JSON.parse(p) as string;
    } catch {
      p = p.slice(1, -1);
    }
  }
  return p.startsWith(side) ? p.slice(2) : p;
}

/** Parses `git log -p -U0` output written with the RECORD/FIELD format above. */
export function parseLog(text: string): CommitInfo[] {
  const commits: CommitInfo[] = [];
  for (const record of text.split(RECORD)) {
    if (!record.trim()) continue;
    const newline = record.indexOf('\n');
    const header = newline < 0 ? record : record.slice(0, newline);
    const [sha, author, at, subject] = header.split(FIELD);
    const commit: CommitInfo = { sha, author, time: Number(at) * 1000, subject: subject ?? '', files: [] };
    let file: CommitFileChange | undefined;
    let oldPath: string | undefined;
    for (const line of newline < 0 ? [] : record.slice(newline + 1).split('\n')) {
      if (line.startsWith('diff --git')) {
        file = undefined;
        oldPath = undefined;
      } else if (line.startsWith('--- ') && !file) {
        oldPath = line.slice(4) === '/dev/null' ? undefined : diffPath(line.slice(4), 'a/');
      } else if (line.startsWith('+++ ') && !file) {
        const path = line.slice(4);
        // A deleted file keeps its old path: that is what the profile's frames name.
        const name = path === '/dev/null' ? oldPath : diffPath(path, 'b/');
        if (name === undefined) continue;
        file = { path: name, ranges: [] };
        commit.files.push(file);
      } else if (line.startsWith('@@') && file) {
        const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
        if (!m) continue;
        const start = Number(m[1]);
        const count = m[2] === undefined ? 1 : Number(m[2]);
        file.ranges.push(count === 0 ? { start: Math.max(1, start), end: Math.max(1, start) } : { start, end: start + count - 1 });
      }
    }
    commits.push(commit);
  }
  return commits;
}
