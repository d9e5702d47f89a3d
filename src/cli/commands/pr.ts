import { createPullRequest, PullRequestError, type PullRequestResult } from '../../core/pr/pr';
import { BenchmarkError, verifyPatch, type VerifyReport } from '../../core/verify/verify';
import { CliError, type CliCommand } from '../command';
import { benchAndPatch } from './verify';

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

export const prCommand: CliCommand = {
  path: ['pr'],
  usage: 'pr --patch FILE.diff --bench "CMD" [--remote NAME] [--base BRANCH] [--title T] [--skill NAME] [--github-repo OWNER/NAME] [--api-url URL] [--runs N] [--force] [--json]',
  summary: 'Verify a patch with a benchmark, then commit it on a new branch, push it and open a GitHub pull request (token from GITHUB_TOKEN / HOTPATH_GITHUB_TOKEN; without one, print the description).',
  options: {
    patch: { type: 'string' },
    bench: { type: 'string' },
    remote: { type: 'string' },
    base: { type: 'string' },
    title: { type: 'string' },
    skill: { type: 'string' },
    'github-repo': { type: 'string' },
    'api-url': { type: 'string' },
    runs: { type: 'string' },
    repo: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const { bench, patch } = benchAndPatch(values, 'the command whose wall time proves the fix');
    const runsRaw = values.runs as string | undefined;
    const maxRuns = runsRaw === undefined ? 30 : Number(runsRaw);
    if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new CliError(`--runs expects a whole number ≥ 1, got "${runsRaw}"`);
    const repoDir = (values.repo as string | undefined) ?? process.cwd();

    let report: VerifyReport;
    try {
      report = await verifyPatch({
        repoDir,
        bench,
        patch,
        maxRuns,
        minRuns: Math.min(maxRuns, 5),
        onProgress: values.json ? undefined : (p) => io.err(`run ${p.runs}: before ${p.baseline.toFixed(1)} ms, after ${p.candidate.toFixed(1)} ms`),
      });
    } catch (e) {
      if (e instanceof BenchmarkError) throw new CliError(e.message);
      throw e;
    }
    const measured = `${pct(report.relativeChange)} (95% CI ${pct(report.ci[0])} … ${pct(report.ci[1])}), verdict "${report.verdict}"`;
    if (report.verdict !== 'faster' && !values.force) throw new CliError(`not opening a pull request: the benchmark measured ${measured}; pass --force to open it anyway`);

    const token = process.env.HOTPATH_GITHUB_TOKEN || process.env.GITHUB_TOKEN || undefined;
    let result: PullRequestResult;
    try {
      result = await createPullRequest({
        repoDir,
        patch,
        report,
        context: { skill: values.skill as string | undefined },
        remote: values.remote as string | undefined,
        base: values.base as string | undefined,
        title: values.title as string | undefined,
        githubRepo: values['github-repo'] as string | undefined,
        apiUrl: values['api-url'] as string | undefined,
        token,
      });
    } catch (e) {
      if (e instanceof PullRequestError) throw new CliError(e.message);
      throw e;
    }
    if (values.json) {
      io.out(JSON.stringify({ ...result, report }, null, 2));
      return 0;
    }
    for (const w of result.warnings) io.err(`warning: ${w}`);
    if (result.opened) {
      io.out(`opened pull request #${result.number}: ${result.url}`);
      io.out(`branch ${result.branch} (${result.commit.slice(0, 12)}) → ${result.base} on ${result.remote}; benchmark ${measured}`);
    } else {
      io.out(`pushed branch ${result.branch} (${result.commit.slice(0, 12)}) to ${result.remote}; no GitHub token (GITHUB_TOKEN or HOTPATH_GITHUB_TOKEN), so open the pull request by hand${result.compareUrl ? `: ${result.compareUrl}` : ` against ${result.base}`}`);
      io.out('');
      io.out(`title: ${result.title}`);
      io.out('');
      io.out(result.body);
    }
    return 0;
  },
};
