import * as assert from 'node:assert/strict';
import { branchName, diffSummary, githubRepoFromUrl, pullRequestBody, pullRequestTitle, reviewerLogin } from '../../../src/core/pr/description';
import { summarize } from '../../../src/core/verify/ab';
import type { VerifyReport } from '../../../src/core/verify/verify';

const patch = [
  'diff --git a/src/orders.js b/src/orders.js',
  '--- a/src/orders.js',
  '+++ b/src/orders.js',
  '@@ -3,2 +3,3 @@',
  '-const seen = [];',
  '+const seen = [];',
  '+const index = new Set();',
  ' for (const o of orders) {',
  '',
].join('\n');

function report(): VerifyReport {
  const baseline = [100, 104, 98, 101, 103, 99, 102];
  const candidate = [71, 70, 73, 69, 72, 70, 71];
  return { baseline, candidate, ...summarize(baseline, candidate), stopReason: 'clear verdict', bench: 'node bench.js', base: 'a'.repeat(40), unit: 'ms' };
}

describe('pull request description', () => {
  it('names the branch after the skill and the commit, in characters git accepts', () => {
    assert.equal(branchName('0123456789abcdef', 'js-linear-lookup-in-loop'), 'hotpath/js-linear-lookup-in-loop-01234567');
    assert.equal(branchName('0123456789abcdef'), 'hotpath/fix-01234567');
    assert.equal(branchName('0123456789abcdef', 'My Skill: ~weird^'), 'hotpath/my-skill-weird-01234567');
  });

  it('writes the problem, the evidence, the skill, the diff summary and the benchmark table with its CI', () => {
    const r = report();
    assert.equal(r.verdict, 'faster');
    const body = pullRequestBody(patch, r, {
      rationale: 'seen.includes() scans the array for every order.',
      skill: 'js-linear-lookup-in-loop',
      evidence: [{ function: 'dedupe', file: 'src/orders.js', line: 4, selfShare: 0.412, totalShare: 0.5, profile: 'app.cpuprofile' }],
    });
    assert.match(body, /## Problem\n\nseen\.includes\(\) scans/);
    assert.match(body, /\| `dedupe` \| `src\/orders\.js:4` \| 41\.2% \| 50\.0% \|/);
    assert.match(body, /From `app\.cpuprofile`\./);
    assert.match(body, /## Skill\n\n`js-linear-lookup-in-loop`/);
    assert.match(body, /1 file changed, \+2 −1:\n\n- `src\/orders\.js` \(\+2 −1\)/);
    assert.match(body, /\| before \| 101\.0 \| 98\.0 \| 104\.0 \|/);
    assert.match(body, /\| after \| 71\.0 \| 69\.0 \| 73\.0 \|/);
    const ci = `95% CI ${(r.ci[0] * 100).toFixed(1)}% … ${(r.ci[1] * 100).toFixed(1)}%`;
    assert.ok(body.includes(ci), `body has "${ci}"`);
    assert.match(body, /Change: \*\*-29\.7%\*\*/);
    assert.doesNotMatch(body, /## Regression/);
    assert.equal(pullRequestTitle(r, { rationale: 'Index seen orders in a Set. It was linear.' }), 'perf: Index seen orders in a Set (-29.7% median)');
  });

  it('links a regression, names the suspect commit and suggests its author', () => {
    const suspect = { hash: 'b'.repeat(40), subject: 'simplify dedupe', author: 'Ada', email: '42+ada-l@users.noreply.github.com' };
    const login = reviewerLogin(suspect);
    assert.equal(login, 'ada-l');
    const body = pullRequestBody(patch, report(), { regression: { summary: 'dedupe +3.1% CPU since deploy 42', url: 'http://127.0.0.1:4318/r/7', suspect } }, login);
    assert.match(body, /Regression: \[dedupe \+3\.1% CPU since deploy 42\]\(http:\/\/127\.0\.0\.1:4318\/r\/7\)/);
    assert.match(body, /Suspect commit: bbbbbbbbbbbb "simplify dedupe" by Ada <42\+ada-l@users\.noreply\.github\.com>\./);
    assert.match(body, /Suggested reviewer: @ada-l/);
    assert.equal(reviewerLogin({ hash: 'c', email: 'ada@example.com' }), undefined);
    assert.match(pullRequestBody(patch, report(), { regression: { summary: 's', suspect: { hash: 'c'.repeat(40), author: 'Ada' } } }), /Suggested reviewer: Ada \(author/);
  });

  it('reads owner/repo from GitHub remote URLs and nothing else', () => {
    for (const url of ['https://github.com/acme/orders.git', 'https://x-token@github.com/acme/orders', 'git@github.com:acme/orders.git', 'ssh://git@github.example.com:22/acme/orders.git']) {
      assert.deepEqual(githubRepoFromUrl(url), { owner: 'acme', repo: 'orders' }, url);
    }
    assert.equal(githubRepoFromUrl('/tmp/remote.git'), undefined);
    assert.deepEqual(diffSummary(patch), { files: [{ path: 'src/orders.js', added: 2, deleted: 1 }], added: 2, deleted: 1 });
  });
});
