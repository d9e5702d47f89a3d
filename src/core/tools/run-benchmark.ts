import { z } from 'zod';
import { BenchmarkError } from '../verify/verify';
import { defineTool, ToolError } from './tool';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export const runBenchmark = defineTool({
  name: 'run_benchmark',
  description:
    'Measures a patch: runs the benchmark command on the unchanged code and on the patched code (temporary git worktrees; the user’s files are untouched), interleaved, and returns medians, the relative change with a 95% confidence interval and a verdict (faster / slower / no significant change). Executes commands, so the user must confirm.',
  input: z.object({
    bench: z.string().min(1).describe('Shell command whose wall time is measured, e.g. "node bench/report.js".'),
    patch: z.string().min(1).describe('Unified diff, e.g. the diff from propose_edit.'),
    maxRuns: z.number().int().min(3).max(100).default(20),
  }),
  effect: 'execute',
  async run(input, context) {
    if (!context.verify) throw new ToolError('Benchmarks cannot run here.');
    try {
      const r = await context.verify({ repoDir: context.root, bench: input.bench, patch: input.patch, maxRuns: input.maxRuns, signal: context.signal });
      const text = `${r.verdict}: median ${r.baselineMedian.toFixed(1)} ms → ${r.candidateMedian.toFixed(1)} ms (${pct(r.relativeChange)}, 95% CI ${pct(r.ci[0])} … ${pct(r.ci[1])}, p = ${r.pValue.toPrecision(2)}, ${r.baseline.length} runs each, ${r.stopReason})`;
      return { text, data: r };
    } catch (e) {
      if (e instanceof BenchmarkError) throw new ToolError(e.message);
      throw e;
    }
  },
});
