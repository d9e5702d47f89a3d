import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Git, GitError } from '../git/git';
import { runAbExperiment, type AbOptions, type AbResult, type Side } from './ab';

/** A benchmark command that failed: which side, its exit status and the tail of its output. */
export class BenchmarkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkError';
  }
}

export interface VerifyOptions extends AbOptions {
  /** Any folder inside the repository. */
  repoDir: string;
  /** Shell command that runs the benchmark; its wall time is the measurement. */
  bench: string;
  /** Unified diff (as `git diff` writes) of the change to evaluate. */
  patch: string;
  /** Per-run timeout, seconds. */
  runTimeoutSeconds?: number;
}

export interface VerifyReport extends AbResult {
  bench: string;
  /** Commit both sides were built from, plus the user's uncommitted changes on both. */
  base: string;
  unit: 'ms';
}

/**
 * Measures a patch without touching the user's working tree: two temporary git worktrees
 * of HEAD (both with the user's uncommitted changes, the candidate also with the patch),
 * the benchmark run interleaved in each, then a statistical verdict.
 */
export async function verifyPatch(options: VerifyOptions): Promise<VerifyReport> {
  const git = new Git(options.repoDir);
  const top = await git.topLevel().catch((e: unknown) => {
    throw new BenchmarkError(`${options.repoDir} is not inside a git repository (${e instanceof Error ? e.message : e})`);
  });
  const repo = new Git(top);
  const base = await repo.head();
  const dirty = await repo.run(['diff', 'HEAD', '--binary']);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-verify-'));
  const sides: Record<Side, string> = { baseline: path.join(scratch, 'baseline'), candidate: path.join(scratch, 'candidate') };
  try {
    for (const dir of Object.values(sides)) {
      await repo.addWorktree(dir, base);
      if (dirty.trim()) await repo.applyPatch(dirty, dir);
      linkUntrackedDependencies(top, dir);
    }
    try {
      await repo.applyPatch(options.patch, sides.candidate);
    } catch (e) {
      throw new BenchmarkError(`the patch does not apply to ${base.slice(0, 12)}: ${e instanceof GitError ? e.message : e}`);
    }
    const timeout = (options.runTimeoutSeconds ?? 300) * 1000;
    const result = await runAbExperiment((side) => timeCommand(options.bench, sides[side], timeout, side), options);
    return { ...result, bench: options.bench, base, unit: 'ms' };
  } finally {
    for (const dir of Object.values(sides)) await repo.removeWorktree(dir);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** Worktrees hold tracked files only; dependency folders are linked so the benchmark runs. */
function linkUntrackedDependencies(top: string, worktree: string): void {
  for (const name of ['node_modules', '.venv', 'vendor']) {
    const src = path.join(top, name);
    const dst = path.join(worktree, name);
    if (fs.existsSync(src) && !fs.existsSync(dst)) fs.symlinkSync(src, dst, 'dir');
  }
}

/** Runs `command` with `sh -c` in `cwd`; resolves to its wall time in milliseconds. */
export function timeCommand(command: string, cwd: string, timeoutMs: number, label = 'benchmark'): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('sh', ['-c', command], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-2000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new BenchmarkError(`cannot run the ${label} benchmark: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (signal === 'SIGKILL') reject(new BenchmarkError(`the ${label} run of "${command}" took more than ${timeoutMs / 1000} s and was stopped`));
      else if (code !== 0) reject(new BenchmarkError(`the ${label} run of "${command}" exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' ') || 'no output'}`));
      else resolve(ms);
    });
  });
}
