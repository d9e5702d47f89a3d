import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { createPullRequest, PullRequestError } from '../../../src/core/pr/pr';
import { summarize } from '../../../src/core/verify/ab';
import type { VerifyReport } from '../../../src/core/verify/verify';

interface Recorded {
  method: string;
  url: string;
  auth: string | undefined;
  body: Record<string, unknown>;
}

/** A stand-in for the GitHub REST API on 127.0.0.1 that records every call. */
async function fakeGitHub(): Promise<{ url: string; calls: Recorded[]; close(): Promise<void> }> {
  const calls: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      calls.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body: raw ? JSON.parse(raw) : {} });
      res.setHeader('Content-Type', 'application/json');
      if (/^\/api\/v3\/repos\/acme\/orders\/pulls$/.test(req.url!)) {
        res.statusCode = 201;
        res.end(JSON.stringify({ number: 17, html_url: 'https://github.example/acme/orders/pull/17' }));
      } else if (/\/pulls\/17\/requested_reviewers$/.test(req.url!)) {
        res.statusCode = 422;
        res.end(JSON.stringify({ message: 'Reviews may only be requested from collaborators.' }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ message: 'Not Found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('hotpath pr: branch, commit, push and pull request', function () {
  this.timeout(60000);
  let tmp: string;
  let repo: string;
  let bare: string;
  let api: Awaited<ReturnType<typeof fakeGitHub>>;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

  /** Everything about the user's checkout a PR must not change. */
  const userState = () => ({
    branch: git(repo, 'symbolic-ref', '--short', 'HEAD'),
    head: git(repo, 'rev-parse', 'HEAD'),
    status: git(repo, 'status', '--porcelain=v1', '--untracked-files=all'),
    staged: git(repo, 'diff', '--cached'),
    unstaged: git(repo, 'diff'),
    work: fs.readFileSync(path.join(repo, 'work.sh'), 'utf8'),
  });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-pr-test-'));
    bare = path.join(tmp, 'remote.git');
    repo = path.join(tmp, 'work');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git(repo, 'config', 'user.email', 'dev@example.invalid');
    git(repo, 'config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(repo, 'work.sh'), '# the workload\nsleep 0.1\n');
    fs.writeFileSync(path.join(repo, 'other.txt'), 'one\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'initial');
    git(repo, 'remote', 'add', 'origin', bare);
    git(repo, 'push', '-q', 'origin', 'main');
    api = await fakeGitHub();
  });
  after(async () => {
    await api.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(() => (api.calls.length = 0));

  /** The fix as a diff file; the working tree is restored after `git diff` wrote it. */
  function writePatch(name: string, from: string, to: string): string {
    const file = path.join(tmp, name);
    const before = fs.readFileSync(path.join(repo, 'work.sh'), 'utf8');
    fs.writeFileSync(path.join(repo, 'work.sh'), before.replace(from, to));
    fs.writeFileSync(file, git(repo, 'diff') + '\n');
    fs.writeFileSync(path.join(repo, 'work.sh'), before);
    return file;
  }

  function report(base: string): VerifyReport {
    const baseline = [110, 108, 112, 109, 111];
    const candidate = [12, 11, 13, 12, 12];
    return { baseline, candidate, ...summarize(baseline, candidate), stopReason: 'clear verdict', bench: 'sh work.sh', base, unit: 'ms' };
  }

  it('commits only the patch on a new branch, pushes it and opens the pull request, leaving the user where they were', async () => {
    const patch = fs.readFileSync(writePatch('fast.diff', 'sleep 0.1', 'true'), 'utf8');
    // The user is mid-work: a staged change, an unstaged edit to the patched file, an untracked file.
    fs.writeFileSync(path.join(repo, 'other.txt'), 'one\ntwo\n');
    git(repo, 'add', 'other.txt');
    fs.writeFileSync(path.join(repo, 'work.sh'), '# the workload (being edited)\nsleep 0.1\n');
    fs.writeFileSync(path.join(repo, 'scratch.txt'), 'untracked\n');
    const before = userState();

    const result = await createPullRequest({
      repoDir: repo,
      patch,
      report: report(before.head),
      context: {
        skill: 'sh-needless-sleep',
        rationale: 'The workload sleeps for nothing.',
        evidence: [{ function: 'main', file: 'work.sh', line: 2, selfShare: 0.9 }],
        regression: { summary: 'main +900% since deploy 3', url: 'http://127.0.0.1:4318/regressions/3', suspect: { hash: before.head, author: 'Dev', email: '7+dev@users.noreply.github.com' } },
      },
      token: 'secret-token',
      apiUrl: api.url,
      githubRepo: 'acme/orders',
    });

    assert.deepEqual(userState(), before, 'branch, HEAD, index and working tree unchanged');
    assert.match(result.branch, /^hotpath\/sh-needless-sleep-[0-9a-f]{8}$/);
    assert.ok(result.commit.startsWith(result.branch.slice(-8)));
    assert.equal(git(bare, 'rev-parse', `refs/heads/${result.branch}`), result.commit, 'the bare remote has the branch at the commit');
    assert.equal(git(bare, 'rev-parse', `${result.commit}^`), before.head, 'the commit sits on the user HEAD');
    assert.equal(git(bare, 'show', `${result.commit}:work.sh`), '# the workload\ntrue', 'the commit holds HEAD plus the patch, not the uncommitted edits');
    assert.equal(git(bare, 'show', `${result.commit}:other.txt`), 'one', 'staged changes stay out of the commit');
    assert.match(git(bare, 'log', '-1', '--format=%B', result.commit), /^perf: fix-forward: The workload sleeps for nothing \(-89\.1% median\)\n\nThe workload sleeps for nothing\.\n\nBenchmark "sh work\.sh"/);
    assert.equal(git(repo, 'rev-parse', `refs/heads/${result.branch}`), result.commit, 'a local branch too, never checked out');

    assert.equal(api.calls.length, 2);
    const [create, review] = api.calls;
    assert.equal(create.method, 'POST');
    assert.equal(create.url, '/api/v3/repos/acme/orders/pulls');
    assert.equal(create.auth, 'Bearer secret-token');
    assert.deepEqual(Object.keys(create.body).sort(), ['base', 'body', 'head', 'title']);
    assert.equal(create.body.head, result.branch);
    assert.equal(create.body.base, 'main');
    assert.equal(create.body.title, result.title);
    const body = String(create.body.body);
    assert.match(body, /\| before \| 110\.0 \| 108\.0 \| 112\.0 \|\n\| after \| 12\.0 \| 11\.0 \| 13\.0 \|/);
    assert.match(body, /95% CI -\d+\.\d% … -\d+\.\d%/);
    assert.match(body, /\[main \+900% since deploy 3\]\(http:\/\/127\.0\.0\.1:4318\/regressions\/3\)/);
    assert.match(body, /Suggested reviewer: @dev/);
    assert.deepEqual(review.body, { reviewers: ['dev'] });
    assert.deepEqual(result.warnings, ['could not request a review from @dev: HTTP 422: Reviews may only be requested from collaborators.']);
    assert.equal(result.opened, true);
    assert.equal(result.number, 17);
    assert.equal(result.url, 'https://github.example/acme/orders/pull/17');

    git(repo, 'reset', '-q', '--hard');
    fs.rmSync(path.join(repo, 'scratch.txt'));
  });

  it('refuses a patch that does not apply to HEAD and creates no branch', async () => {
    const branches = git(repo, 'branch', '--list');
    const bad = 'diff --git a/work.sh b/work.sh\n--- a/work.sh\n+++ b/work.sh\n@@ -1,2 +1,2 @@\n # not this\n-sleep 9\n+true\n';
    await assert.rejects(createPullRequest({ repoDir: repo, patch: bad, report: report(git(repo, 'rev-parse', 'HEAD')) }), (e: unknown) => e instanceof PullRequestError && /patch does not apply to HEAD [0-9a-f]{12}/.test(e.message));
    assert.equal(git(repo, 'branch', '--list'), branches);
    await assert.rejects(createPullRequest({ repoDir: repo, patch: bad, report: report('x'), remote: 'nowhere' }), /has no remote "nowhere"/);
    await assert.rejects(createPullRequest({ repoDir: repo, patch: bad, report: report('x'), token: 't' }), /cannot tell the GitHub owner\/repo .*remote\.git/);
  });

  it('CLI: verifies first and refuses a patch that is not faster unless --force', async () => {
    const slow = writePatch('slow.diff', 'sleep 0.1', 'sleep 0.2');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    const refs = git(bare, 'for-each-ref');
    assert.equal(await runCli(['pr', '--patch', slow, '--bench', 'sh work.sh', '--repo', repo, '--runs', '3', '--json'], io), 2);
    assert.match(JSON.parse(out.join('')).error.message, /^not opening a pull request: the benchmark measured \+\d+\.\d% \(95% CI .*\), verdict "(slower|no significant change)"; pass --force/);
    assert.equal(git(bare, 'for-each-ref'), refs, 'nothing pushed');
  });

  it('CLI: with a token opens the pull request; without one prints the description and the branch', async () => {
    const fast = writePatch('fast-cli.diff', 'sleep 0.1', 'true');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined };
    const saved = { a: process.env.HOTPATH_GITHUB_TOKEN, b: process.env.GITHUB_TOKEN };
    try {
      process.env.HOTPATH_GITHUB_TOKEN = 'cli-token';
      delete process.env.GITHUB_TOKEN;
      const code = await runCli(['pr', '--patch', fast, '--bench', 'sh work.sh', '--repo', repo, '--runs', '5', '--skill', 'sh-needless-sleep', '--api-url', api.url, '--github-repo', 'acme/orders', '--json'], io);
      assert.equal(code, 0, out.join('\n'));
      const json = JSON.parse(out.join(''));
      assert.equal(json.opened, true);
      assert.equal(json.report.verdict, 'faster');
      assert.equal(api.calls[0].auth, 'Bearer cli-token');
      assert.equal(api.calls[0].body.head, json.branch);
      assert.equal(git(bare, 'rev-parse', `refs/heads/${json.branch}`), json.commit);
      assert.ok(String(api.calls[0].body.body).includes(`${json.report.baseline.length} interleaved runs each`));

      delete process.env.HOTPATH_GITHUB_TOKEN;
      out.length = 0;
      api.calls.length = 0;
      git(repo, 'branch', '-q', '-D', json.branch);
      git(bare, 'branch', '-q', '-D', json.branch);
      const printed = await runCli(['pr', '--patch', fast, '--bench', 'sh work.sh', '--repo', repo, '--runs', '5', '--title', 'perf: no sleep'], io);
      assert.equal(printed, 0, out.join('\n'));
      const text = out.join('\n');
      const branch = /pushed branch (hotpath\/fix-[0-9a-f]{8}) /.exec(text)?.[1];
      assert.ok(branch, text);
      assert.match(text, /no GitHub token \(GITHUB_TOKEN or HOTPATH_GITHUB_TOKEN\), so open the pull request by hand against main/);
      assert.match(text, /title: perf: no sleep/);
      assert.match(text, /## Benchmark[\s\S]*\| before \|[\s\S]*95% CI/);
      assert.equal(api.calls.length, 0, 'no API call without a token');
      assert.ok(git(bare, 'rev-parse', `refs/heads/${branch}`));
      assert.equal(git(repo, 'status', '--porcelain'), '');
      assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
    } finally {
      for (const [k, v] of [['HOTPATH_GITHUB_TOKEN', saved.a], ['GITHUB_TOKEN', saved.b]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
