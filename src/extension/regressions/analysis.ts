/**
 * The offline analysis of a regressed function, streamed as markdown pieces: the evidence, the
 * deterministic "why is this hot?" on the after-profile (analyzeProfile + renderWhy), and a
 * proposal — a skill's mechanical fix-forward edit, else a revert of the top suspect
 * previewed with `git revert --no-commit` in a throw-away worktree. Nothing is written here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeProfile } from '../../core/agent/engine';
import { renderWhy } from '../../core/agent/why';
import type { EditProposal } from '../../core/edits/proposal';
import { Git } from '../../core/git/git';
import type { Profile } from '../../core/profile/model';
import { diskWorkspace, WorkspaceSourceResolver } from '../../core/profile/sourcemap';
import { loadDefaultSkills } from '../../core/skills';
import { ProfileCatalog, type ToolContext } from '../../core/tools/context';
import type { Investigation } from '../../../webview/investigation/protocol';
import { percent } from '../../../webview/investigation/timeline';

export type RegressionProposal =
  | { kind: 'fix'; title: string; diff: string; edit: EditProposal }
  | { kind: 'revert'; title: string; diff: string; sha: string };

export interface AnalysisInput {
  /** Workspace folder (absolute), when one is open. */
  root?: string;
  investigation: Investigation;
  after: Profile;
  signal?: AbortSignal;
}

export async function analyzeRegression(input: AnalysisInput, emit: (markdown: string) => void): Promise<RegressionProposal | undefined> {
  const inv = input.investigation;
  const cp = inv.changePoint;
  emit(`## ${inv.function.name}: ${percent(cp.before)} → ${percent(cp.after)} of ${inv.type}\n`);
  emit(`The change is significant (p = ${cp.pValue.toPrecision(2)}); 95% interval of the rise: ${percent(cp.ci95[0])} to ${percent(cp.ci95[1])}.\n`);
  if (inv.suspects.length) {
    const top = inv.suspects[0];
    emit(`Most likely cause: ${top.sha.slice(0, 10)} "${top.subject}"${top.author ? ` by ${top.author}` : ''} — ${top.evidence[0] ?? 'in the commit range'}.\n`);
  }
  if (!input.root) {
    emit('\nNo workspace folder is open, so the code of the regressed function cannot be examined.\n');
    return undefined;
  }
  emit('\nExamining the after-profile against the workspace code…\n\n');
  const files = diskWorkspace(input.root);
  const profiles = new ProfileCatalog();
  profiles.add({ format: 'hotpath', profiles: [input.after], activeIndex: 0, source: `${inv.service} after` }, undefined, `${inv.service}-after`);
  const git = fs.existsSync(path.join(input.root, '.git')) ? new Git(input.root) : undefined;
  const context: ToolContext = {
    root: input.root,
    files,
    resolver: new WorkspaceSourceResolver(files),
    profiles,
    skills: await loadDefaultSkills(input.root),
    git,
    // The analysis only reads; anything that would write or execute is refused.
    confirm: async () => false,
    signal: input.signal,
  };
  let fix: EditProposal | undefined;
  try {
    const analysis = await analyzeProfile(context, { function: inv.function.name });
    for (const paragraph of renderWhy(analysis, { question: `Why did ${inv.function.name} regress?` }).split(/\n(?=\n)/)) emit(`${paragraph}\n`);
    fix = analysis.targets.flatMap((t) => t.findings).find((f) => f.proposal)?.proposal;
  } catch (e) {
    emit(`\nThe code analysis stopped: ${e instanceof Error ? e.message : String(e)}\n`);
  }
  if (fix) {
    emit(`\nProposal: fix forward with the ${fix.skill ?? 'skill'} edit in ${fix.file}:${fix.startLine}.\n`);
    return { kind: 'fix', title: `Fix forward: ${fix.rationale}`, diff: fix.diff, edit: fix };
  }
  const top = inv.suspects[0];
  if (!top || !git) return undefined;
  try {
    const diff = await revertPreview(git, top.sha);
    emit(`\nNo skill has a mechanical fix here; proposal: revert ${top.sha.slice(0, 10)}.\n`);
    return { kind: 'revert', title: `Revert ${top.sha.slice(0, 10)} "${top.subject}"`, diff, sha: top.sha };
  } catch (e) {
    emit(`\nA revert of ${top.sha.slice(0, 10)} cannot be previewed: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

/** The diff `git revert --no-commit SHA` would make on HEAD, computed in a temporary worktree. */
export async function revertPreview(git: Git, sha: string): Promise<string> {
  await git.run(['cat-file', '-e', `${sha}^{commit}`]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-revert-'));
  try {
    await git.addWorktree(dir, 'HEAD');
    const tree = new Git(dir);
    await tree.run(['revert', '--no-commit', sha]);
    const diff = await tree.run(['diff', '--cached', '--no-color', '--no-ext-diff', 'HEAD']);
    if (!diff.trim()) throw new Error(`reverting ${sha.slice(0, 10)} changes nothing on HEAD`);
    return diff;
  } finally {
    await git.removeWorktree(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
