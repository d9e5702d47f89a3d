/**
 * What a Hotpath pull request says: branch name, title, commit message and the description
 * (problem with its profile evidence, skill, diff summary, benchmark table with the 95% CI,
 * and for a regression its link and suspect commit). Pure functions, so every word is tested.
 */
import { parseUnifiedZero } from '../git/git';
import type { VerifyReport } from '../verify/verify';

/** One hot function the profile blamed, as the problem statement shows it. */
export interface ProfileEvidence {
  function: string;
  /** Workspace-relative file and 1-based line, when known. */
  file?: string;
  line?: number;
  /** Shares of the profile's total weight, 0..1. */
  selfShare?: number;
  totalShare?: number;
  /** The profile file the evidence comes from. */
  profile?: string;
}

export interface SuspectCommit {
  hash: string;
  subject?: string;
  author?: string;
  email?: string;
  /** GitHub login of the author, when known; asked to review. */
  login?: string;
}

export interface RegressionContext {
  /** Link to the regression (service URL or issue). */
  url?: string;
  /** "parseConfig +3.1% CPU since deploy 42". */
  summary: string;
  suspect?: SuspectCommit;
}

export interface PullRequestContext {
  /** Why the change was made, one paragraph (the proposal's rationale). */
  rationale?: string;
  skill?: string;
  evidence?: ProfileEvidence[];
  regression?: RegressionContext;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const share = (x: number) => `${(x * 100).toFixed(1)}%`;

/** `hotpath/<skill-or-fix>-<short-hash>`, with the slug limited to what git accepts in a ref. */
export function branchName(commit: string, skill?: string): string {
  const slug = (skill ?? 'fix')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `hotpath/${slug || 'fix'}-${commit.slice(0, 8)}`;
}

/** The default title: what changed and the measured effect. */
export function pullRequestTitle(report: VerifyReport, context: PullRequestContext): string {
  const what = firstSentence(context.rationale) ?? (context.skill ? `apply ${context.skill}` : 'performance fix');
  const prefix = context.regression ? 'perf: fix-forward: ' : 'perf: ';
  return `${prefix}${what} (${pct(report.relativeChange)} median)`.slice(0, 200);
}

export function commitMessage(title: string, report: VerifyReport, context: PullRequestContext): string {
  const lines = [title, ''];
  if (context.rationale) lines.push(context.rationale.trim(), '');
  lines.push(`Benchmark "${report.bench}": median ${report.baselineMedian.toFixed(1)} → ${report.candidateMedian.toFixed(1)} ${report.unit}, ${pct(report.relativeChange)} (95% CI ${pct(report.ci[0])} … ${pct(report.ci[1])}), ${report.verdict}.`);
  if (context.skill) lines.push(`Skill: ${context.skill}`);
  if (context.regression?.suspect) lines.push(`Fix-forward for ${context.regression.suspect.hash.slice(0, 12)}.`);
  lines.push('', 'Proposed and verified by Hotpath.');
  return lines.join('\n') + '\n';
}

/** Files, lines added and removed, from the unified diff. */
export function diffSummary(patch: string): { files: { path: string; added: number; deleted: number }[]; added: number; deleted: number } {
  const files = parseUnifiedZero(patch).map(({ path, added, deleted }) => ({ path, added, deleted }));
  return { files, added: files.reduce((s, f) => s + f.added, 0), deleted: files.reduce((s, f) => s + f.deleted, 0) };
}

/** The pull-request description in GitHub markdown. */
export function pullRequestBody(patch: string, report: VerifyReport, context: PullRequestContext, reviewer?: string): string {
  const out: string[] = [];
  out.push('## Problem', '');
  if (context.regression) {
    out.push(`Regression: ${context.regression.url ? `[${context.regression.summary}](${context.regression.url})` : context.regression.summary}`, '');
  }
  if (context.rationale) out.push(context.rationale.trim(), '');
  if (context.evidence?.length) {
    out.push('Profile evidence:', '', '| function | location | self | total |', '|---|---|---:|---:|');
    for (const e of context.evidence) {
      const where = e.file ? `\`${e.file}${e.line ? `:${e.line}` : ''}\`` : '';
      out.push(`| \`${cell(e.function)}\` | ${where} | ${e.selfShare === undefined ? '' : share(e.selfShare)} | ${e.totalShare === undefined ? '' : share(e.totalShare)} |`);
    }
    const profiles = [...new Set(context.evidence.map((e) => e.profile).filter(Boolean))];
    if (profiles.length) out.push('', `From ${profiles.map((p) => `\`${p}\``).join(', ')}.`);
    out.push('');
  }
  if (!context.rationale && !context.evidence?.length && !context.regression) out.push('The benchmark below was slower than it needs to be.', '');
  if (context.skill) out.push('## Skill', '', `\`${context.skill}\` — the pattern and its fix are described in the skill's SKILL.md.`, '');
  const d = diffSummary(patch);
  out.push('## Change', '', `${d.files.length} file${d.files.length === 1 ? '' : 's'} changed, +${d.added} −${d.deleted}:`, '');
  for (const f of d.files) out.push(`- \`${f.path}\` (+${f.added} −${f.deleted})`);
  out.push('', '## Benchmark', '', `\`${report.bench}\`, ${report.baseline.length} interleaved runs each on \`${report.base.slice(0, 12)}\` (${report.stopReason}).`, '');
  out.push(
    `| | median (${report.unit}) | min | max |`,
    '|---|---:|---:|---:|',
    `| before | ${report.baselineMedian.toFixed(1)} | ${Math.min(...report.baseline).toFixed(1)} | ${Math.max(...report.baseline).toFixed(1)} |`,
    `| after | ${report.candidateMedian.toFixed(1)} | ${Math.min(...report.candidate).toFixed(1)} | ${Math.max(...report.candidate).toFixed(1)} |`,
    '',
    `Change: **${pct(report.relativeChange)}** (95% CI ${pct(report.ci[0])} … ${pct(report.ci[1])}, Mann–Whitney p = ${report.pValue.toPrecision(2)}) — verdict: **${report.verdict}**.`,
    '',
  );
  const suspect = context.regression?.suspect;
  if (suspect) {
    out.push('## Regression', '');
    out.push(`Suspect commit: ${suspect.hash.slice(0, 12)}${suspect.subject ? ` "${suspect.subject}"` : ''}${suspect.author ? ` by ${suspect.author}${suspect.email ? ` <${suspect.email}>` : ''}` : ''}.`);
    if (reviewer) out.push(`Suggested reviewer: @${reviewer} (author of the suspect commit).`);
    else if (suspect.author) out.push(`Suggested reviewer: ${suspect.author} (author of the suspect commit).`);
    out.push('');
  }
  out.push('---', '_Proposed and verified by Hotpath; the numbers above come from `hotpath verify`._');
  return out.join('\n') + '\n';
}

/** A GitHub login from the author's noreply address ("123+login@users.noreply.github.com"). */
export function reviewerLogin(suspect: SuspectCommit | undefined): string | undefined {
  if (!suspect) return undefined;
  if (suspect.login) return suspect.login;
  const m = /^(?:\d+\+)?([A-Za-z0-9-]+)@users\.noreply\.github\.com$/.exec(suspect.email ?? '');
  return m?.[1];
}

/** owner/repo from a GitHub remote URL (https, ssh or scp-like), else undefined. */
export function githubRepoFromUrl(url: string): { owner: string; repo: string } | undefined {
  const m = /^(?:https?:\/\/(?:[^@/]+@)?|ssh:\/\/(?:[^@/]+@)?|[^@/:]+@)[^/:]+(?::\d+)?[/:]([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url.trim());
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

function firstSentence(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0].trim();
  if (!line) return undefined;
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  return sentence.replace(/[.!?]$/, '').slice(0, 120);
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
