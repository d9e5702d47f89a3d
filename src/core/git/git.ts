import { execFile } from 'node:child_process';

/** A failed git command: the subcommand and git's own message. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly args: string[],
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface Commit {
  hash: string;
  author: string;
  email: string;
  /** Author time, ISO 8601. */
  date: string;
  subject: string;
}

/** Lines a commit changed in one file (new-side line numbers, 1-based, inclusive). */
export interface ChangedFile {
  path: string;
  ranges: { start: number; end: number }[];
  added: number;
  deleted: number;
}

/**
 * The Git port: everything Hotpath needs from a repository, over the real `git` binary
 * (no library re-implements blame, worktrees or apply as faithfully).
 */
export class Git {
  constructor(readonly dir: string) {}

  run(args: string[], options: { input?: string; maxBuffer?: number; env?: Record<string, string> } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        { cwd: this.dir, maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, ...options.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
        (error, stdout, stderr) => {
          if (error) {
            const why = (stderr || error.message).trim().split('\n').slice(-3).join(' ');
            reject(new GitError(`git ${args[0]} failed in ${this.dir}: ${why}`, args));
          } else resolve(stdout);
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  async topLevel(): Promise<string> {
    return (await this.run(['rev-parse', '--show-toplevel'])).trim();
  }

  async head(): Promise<string> {
    return (await this.run(['rev-parse', 'HEAD'])).trim();
  }

  /** Commits reachable from `range` (e.g. "a..b", "HEAD"), newest first, optionally limited to paths. */
  async log(range = 'HEAD', options: { maxCount?: number; paths?: string[] } = {}): Promise<Commit[]> {
    const args = ['log', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s%x1e'];
    if (options.maxCount) args.push(`--max-count=${options.maxCount}`);
    args.push(range);
    if (options.paths?.length) args.push('--', ...options.paths);
    const out = await this.run(args);
    return out
      .split('\x1e')
      .map((r) => r.trim())
      .filter(Boolean)
      .map((r) => {
        const [hash, author, email, date, subject] = r.split('\x1f');
        return { hash, author, email, date, subject };
      });
  }

  /** Files and new-side line ranges a commit changed (against its first parent). */
  async changedLines(commit: string): Promise<ChangedFile[]> {
    const out = await this.run(['show', '--format=', '--unified=0', '--no-color', '--no-ext-diff', '--first-parent', commit]);
    return parseUnifiedZero(out);
  }

  /** Unified diff between two revisions (or the working tree when `to` is undefined). */
  diff(from: string, to?: string, paths: string[] = []): Promise<string> {
    const args = ['diff', '--no-color', '--no-ext-diff', from];
    if (to) args.push(to);
    if (paths.length) args.push('--', ...paths);
    return this.run(args);
  }

  show(commit: string): Promise<string> {
    return this.run(['show', '--no-color', '--no-ext-diff', '--stat', '--patch', commit]);
  }

  /** `git blame --porcelain` for a line range, as one entry per line. */
  async blame(file: string, start: number, end: number, rev = 'HEAD'): Promise<{ line: number; hash: string; author: string; summary: string; text: string }[]> {
    const out = await this.run(['blame', '--porcelain', '-L', `${start},${end}`, rev, '--', file]);
    const lines = out.split('\n');
    const info = new Map<string, { author: string; summary: string }>();
    const result: { line: number; hash: string; author: string; summary: string; text: string }[] = [];
    let current: { hash: string; line: number } | undefined;
    for (const l of lines) {
      const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l);
      if (header) {
        current = { hash: header[1], line: Number(header[2]) };
        if (!info.has(current.hash)) info.set(current.hash, { author: '', summary: '' });
        continue;
      }
      if (!current) continue;
      const meta = info.get(current.hash)!;
      if (l.startsWith('author ')) meta.author = l.slice(7);
      else if (l.startsWith('summary ')) meta.summary = l.slice(8);
      else if (l.startsWith('\t')) result.push({ line: current.line, hash: current.hash, author: meta.author, summary: meta.summary, text: l.slice(1) });
    }
    return result;
  }

  /** Checks that a patch applies in `dir` (default: this repository) without applying it. */
  async checkPatch(patch: string, dir = this.dir): Promise<void> {
    await new Git(dir).run(['apply', '--check', '--whitespace=nowarn', '-'], { input: patch });
  }

  async applyPatch(patch: string, dir = this.dir): Promise<void> {
    await new Git(dir).run(['apply', '--whitespace=nowarn', '-'], { input: patch });
  }

  /** Adds a detached worktree of `rev` at `path`. */
  async addWorktree(path: string, rev = 'HEAD'): Promise<void> {
    await this.run(['worktree', 'add', '--detach', '--force', path, rev]);
  }

  /**
   * Commits `patch` on top of `parent` without touching the working tree, the user's index or
   * HEAD: the patch is applied to a private index file and the commit is built from it.
   */
  async commitPatch(patch: string, parent: string, message: string, indexFile: string, identity?: { name: string; email: string }): Promise<string> {
    const env: Record<string, string> = { GIT_INDEX_FILE: indexFile };
    if (identity) Object.assign(env, { GIT_AUTHOR_NAME: identity.name, GIT_AUTHOR_EMAIL: identity.email, GIT_COMMITTER_NAME: identity.name, GIT_COMMITTER_EMAIL: identity.email });
    await this.run(['read-tree', parent], { env });
    await this.run(['apply', '--cached', '--whitespace=nowarn', '-'], { input: patch, env });
    const tree = (await this.run(['write-tree'], { env })).trim();
    return (await this.run(['commit-tree', tree, '-p', parent, '-F', '-'], { input: message, env })).trim();
  }

  /** Whether a committer identity is configured (commit-tree fails without one). */
  async hasIdentity(): Promise<boolean> {
    return this.run(['var', 'GIT_COMMITTER_IDENT']).then(
      () => true,
      () => false,
    );
  }

  /** The commit a ref names, or undefined when it does not exist. */
  async resolve(ref: string): Promise<string | undefined> {
    return this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
  }

  /** Creates branch `name` at `commit` (never moves an existing branch, never checks it out). */
  async createBranch(name: string, commit: string): Promise<void> {
    await this.run(['branch', name, commit]);
  }

  /** The checked-out branch's short name, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    return this.run(['symbolic-ref', '--quiet', '--short', 'HEAD']).then(
      (out) => out.trim() || undefined,
      () => undefined,
    );
  }

  async remoteUrl(remote: string): Promise<string> {
    return (await this.run(['remote', 'get-url', remote])).trim();
  }

  /** Pushes `commit` to `refs/heads/<branch>` on `remote`. */
  async push(remote: string, commit: string, branch: string): Promise<void> {
    await this.run(['push', '--porcelain', remote, `${commit}:refs/heads/${branch}`]);
  }

  async removeWorktree(path: string): Promise<void> {
    await this.run(['worktree', 'remove', '--force', path]).catch(() => undefined);
    await this.run(['worktree', 'prune']).catch(() => undefined);
  }
}

/** Parses `git show --unified=0` output into per-file changed line ranges (new side). */
export function parseUnifiedZero(diff: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  let current: ChangedFile | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const path = line.slice(4).trim();
      current = path === '/dev/null' ? undefined : { path: path.replace(/^b\//, ''), ranges: [], added: 0, deleted: 0 };
      if (current) files.push(current);
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[3]);
      const count = hunk[4] === undefined ? 1 : Number(hunk[4]);
      // a pure deletion (count 0) still touches the line where it happened
      current.ranges.push({ start: Math.max(1, start), end: Math.max(1, start + Math.max(count, 1) - 1) });
      continue;
    }
    if (current && line.startsWith('+') && !line.startsWith('+++')) current.added++;
    else if (current && line.startsWith('-') && !line.startsWith('---')) current.deleted++;
  }
  return files;
}
