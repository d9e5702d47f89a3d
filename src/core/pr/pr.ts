/**
 * From a verified patch to a pull request: commit the patch on a new branch without touching
 * the user's working tree, index or checked-out branch, push it, and open the pull request
 * through GitHub's REST API — or, without a token, hand back the description and the branch.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Git, GitError } from '../git/git';
import type { VerifyReport } from '../verify/verify';
import { branchName, commitMessage, githubRepoFromUrl, pullRequestBody, pullRequestTitle, reviewerLogin, type PullRequestContext } from './description';

export const DEFAULT_GITHUB_API = 'https://api.github.com';

/** An expected failure (patch does not apply, push refused, API error), one line. */
export class PullRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PullRequestError';
  }
}

export interface CreatePullRequestOptions {
  /** Any folder inside the repository. */
  repoDir: string;
  /** Unified diff of the fix, as verified. */
  patch: string;
  report: VerifyReport;
  context?: PullRequestContext;
  /** Remote to push to; default "origin". */
  remote?: string;
  /** Branch the pull request targets; default the checked-out branch, else "main". */
  base?: string;
  title?: string;
  /** GitHub token; without one nothing is sent to GitHub. */
  token?: string;
  /** REST API root; GitHub Enterprise uses https://HOST/api/v3. */
  apiUrl?: string;
  /** "owner/repo"; default parsed from the remote's URL. */
  githubRepo?: string;
  fetch?: typeof fetch;
}

export interface PullRequestResult {
  branch: string;
  commit: string;
  base: string;
  remote: string;
  title: string;
  body: string;
  /** True when GitHub accepted the pull request. */
  opened: boolean;
  url?: string;
  number?: number;
  /** Where to open it by hand when no token was given (github.com remotes only). */
  compareUrl?: string;
  reviewer?: string;
  /** Non-fatal problems, e.g. GitHub refused the reviewer request. */
  warnings: string[];
}

export async function createPullRequest(options: CreatePullRequestOptions): Promise<PullRequestResult> {
  const context = options.context ?? {};
  const top = await new Git(options.repoDir).topLevel().catch((e: unknown) => {
    throw new PullRequestError(`${options.repoDir} is not inside a git repository (${e instanceof Error ? e.message : e})`);
  });
  const git = new Git(top);
  const remote = options.remote ?? 'origin';
  const remoteUrl = await git.remoteUrl(remote).catch(() => {
    throw new PullRequestError(`the repository ${top} has no remote "${remote}"; add it or pass another remote`);
  });
  const apiUrl = (options.apiUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
  const github = parseRepo(options.githubRepo) ?? githubRepoFromUrl(remoteUrl);
  if (options.token && !github) throw new PullRequestError(`cannot tell the GitHub owner/repo from the URL of remote "${remote}" (${remoteUrl}); pass it as OWNER/NAME`);
  const base = options.base ?? (await git.currentBranch()) ?? 'main';
  const parent = await git.head();

  const title = options.title ?? pullRequestTitle(options.report, context);
  const commit = await commitOnTop(git, options.patch, parent, commitMessage(title, options.report, context));
  const branch = branchName(commit, context.skill);
  const existing = await git.resolve(`refs/heads/${branch}`);
  if (existing && existing !== commit) throw new PullRequestError(`branch ${branch} already exists at another commit (${existing.slice(0, 12)}); delete it or change the patch`);
  if (!existing) await git.createBranch(branch, commit);
  try {
    await git.push(remote, commit, branch);
  } catch (e) {
    throw new PullRequestError(`pushing ${branch} to ${remote} failed: ${e instanceof GitError ? e.message : e}`);
  }

  const reviewer = reviewerLogin(context.regression?.suspect);
  const body = pullRequestBody(options.patch, options.report, context, reviewer);
  const result: PullRequestResult = { branch, commit, base, remote, title, body, opened: false, reviewer, warnings: [] };
  if (!options.token || !github) {
    if (github && apiUrl === DEFAULT_GITHUB_API) result.compareUrl = `https://github.com/${github.owner}/${github.repo}/compare/${encodeURIComponent(base)}...${encodeURIComponent(branch)}?expand=1`;
    return result;
  }
  const call = githubClient(apiUrl, options.token, options.fetch ?? fetch);
  const repoPath = `/repos/${encodeURIComponent(github.owner)}/${encodeURIComponent(github.repo)}`;
  const created = await call('POST', `${repoPath}/pulls`, { title, body, head: branch, base });
  if (!created.ok) throw new PullRequestError(`GitHub refused the pull request for ${branch} → ${base} (${created.error}); the branch is pushed, open it by hand`);
  const pr = created.json as { number?: unknown; html_url?: unknown };
  if (typeof pr.number !== 'number' || typeof pr.html_url !== 'string') throw new PullRequestError(`GitHub's answer to POST ${repoPath}/pulls has no number/html_url`);
  Object.assign(result, { opened: true, number: pr.number, url: pr.html_url });
  if (reviewer) {
    const asked = await call('POST', `${repoPath}/pulls/${pr.number}/requested_reviewers`, { reviewers: [reviewer] });
    if (!asked.ok) result.warnings.push(`could not request a review from @${reviewer}: ${asked.error}`);
  }
  return result;
}

/** The commit of `patch` on `parent`, built in a private index (see Git.commitPatch). */
async function commitOnTop(git: Git, patch: string, parent: string, message: string): Promise<string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-pr-'));
  try {
    // CI checkouts often have no user.name/email; the commit still needs an author.
    const identity = (await git.hasIdentity()) ? undefined : { name: 'Hotpath', email: 'hotpath@users.noreply.github.com' };
    return await git.commitPatch(patch, parent, message, path.join(scratch, 'index'), identity);
  } catch (e) {
    throw new PullRequestError(`the patch does not apply to HEAD ${parent.slice(0, 12)} (without uncommitted changes): ${e instanceof Error ? e.message : e}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function parseRepo(spec: string | undefined): { owner: string; repo: string } | undefined {
  if (spec === undefined) return undefined;
  const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(spec.trim());
  if (!m) throw new PullRequestError(`the GitHub repository must be OWNER/NAME, got "${spec}"`);
  return { owner: m[1], repo: m[2] };
}

function githubClient(apiUrl: string, token: string, fetchFn: typeof fetch) {
  return async (method: string, route: string, payload: unknown): Promise<{ ok: true; json: unknown } | { ok: false; error: string }> => {
    let response: Response;
    try {
      response = await fetchFn(`${apiUrl}${route}`, {
        method,
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'User-Agent': 'hotpath',
          'X-GitHub-Api-Version': '2022-11-28',
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      return { ok: false, error: `cannot reach ${apiUrl}: ${e instanceof Error ? e.message : e}` };
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (response.ok && json !== undefined) return { ok: true, json };
    const detail = json && typeof json === 'object' ? (json as { message?: unknown; errors?: { message?: unknown }[] }) : undefined;
    const extra = detail?.errors?.map((e) => e.message).filter((m) => typeof m === 'string').join('; ');
    const message = typeof detail?.message === 'string' ? detail.message : text.slice(0, 200) || response.statusText;
    return { ok: false, error: `HTTP ${response.status}: ${message}${extra ? ` — ${extra}` : ''}` };
  };
}
