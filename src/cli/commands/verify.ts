import * as fs from 'node:fs';
import { BenchmarkError, verifyPatch, type VerifyReport } from '../../core/verify/verify';
import { CliError, type CliCommand } from '../command';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export const verifyCommand: CliCommand = {
  path: ['verify'],
  usage: 'verify --bench "CMD" --patch FILE.diff [--runs N] [--min-runs N] [--warmup N] [--max-time SECONDS] [--json]',
  summary: 'Measure a patch: interleaved before/after benchmark runs in temporary git worktrees, with a 95% confidence interval and a verdict.',
  options: {
    bench: { type: 'string' },
    patch: { type: 'string' },
    runs: { type: 'string' },
    'min-runs': { type: 'string' },
    warmup: { type: 'string' },
    'max-time': { type: 'string' },
    repo: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const { bench, patch } = benchAndPatch(values, 'the command whose wall time is measured');
    const int = (name: string, fallback: number) => {
      const raw = values[name] as string | undefined;
      if (raw === undefined) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw new CliError(`--${name} expects a whole number, got "${raw}"`);
      return n;
    };
    const maxRuns = int('runs', 30);
    let report: VerifyReport;
    try {
      report = await verifyPatch({
        repoDir: (values.repo as string | undefined) ?? process.cwd(),
        bench,
        patch,
        maxRuns,
        minRuns: Math.min(maxRuns, int('min-runs', 5)),
        warmups: int('warmup', 1),
        maxSeconds: int('max-time', 300),
        onProgress: values.json ? undefined : (p) => io.err(`run ${p.runs}: before ${p.baseline.toFixed(1)} ms, after ${p.candidate.toFixed(1)} ms`),
      });
    } catch (e) {
      if (e instanceof BenchmarkError) throw new CliError(e.message);
      throw e;
    }
    if (values.json) {
      io.out(JSON.stringify(report, null, 2));
    } else {
      io.out(
        [
          `benchmark  ${report.bench}   (base ${report.base.slice(0, 12)}, ${report.baseline.length} runs each, ${report.stopReason})`,
          `before     median ${report.baselineMedian.toFixed(1)} ms`,
          `after      median ${report.candidateMedian.toFixed(1)} ms`,
          `change     ${pct(report.relativeChange)}  (95% CI ${pct(report.ci[0])} … ${pct(report.ci[1])}, p = ${report.pValue.toPrecision(2)})`,
          `verdict    ${report.verdict}`,
        ].join('\n'),
      );
    }
    return 0;
  },
};

/** `--bench` and `--patch` as `verify` and `pr` take them: both required, the patch a readable unified diff. */
export function benchAndPatch(values: Record<string, unknown>, benchIs: string): { bench: string; patch: string; patchFile: string } {
  const bench = values.bench as string | undefined;
  const patchFile = values.patch as string | undefined;
  if (!bench) throw new CliError(`--bench "CMD" is required (${benchIs})`);
  if (!patchFile) throw new CliError('--patch FILE.diff is required (a unified diff, as `git diff` writes)');
  let patch: string;
  try {
    patch = fs.readFileSync(patchFile, 'utf8');
  } catch {
    throw new CliError('cannot read the patch file', { file: patchFile });
  }
  if (!/^(diff --git|--- |@@ )/m.test(patch)) throw new CliError('not a unified diff (no "diff --git", "---" or "@@" lines)', { file: patchFile });
  return { bench, patch, patchFile };
}
