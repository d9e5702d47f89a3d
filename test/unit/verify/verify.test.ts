import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';
import { runAbExperiment } from '../../../src/core/verify/ab';
import { verifyPatch } from '../../../src/core/verify/verify';

/** Deterministic noise: a seeded LCG, so each experiment is reproducible. */
function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

describe('A/B experiment', () => {
  it('calls a 20% speed-up faster, with an interval around it, and stops early', async () => {
    const r = noise(1);
    const result = await runAbExperiment(async (side) => (side === 'baseline' ? 100 : 80) + 6 * r(), { minRuns: 5, maxRuns: 40, warmups: 0 });
    assert.equal(result.verdict, 'faster');
    assert.ok(result.ci[0] < -0.15 && result.ci[1] > -0.25 && result.ci[1] < 0, `ci ${result.ci}`);
    assert.ok(Math.abs(result.relativeChange + 0.2) < 0.05);
    assert.equal(result.stopReason, 'clear verdict');
    assert.ok(result.baseline.length < 40);
  });

  it('calls a slow-down slower', async () => {
    const r = noise(2);
    const result = await runAbExperiment(async (side) => (side === 'baseline' ? 50 : 60) + 4 * r(), { warmups: 0 });
    assert.equal(result.verdict, 'slower');
    assert.ok(result.ci[0] > 0);
  });

  it('finds no significant change between equal sides and says so within its caps', async () => {
    const r = noise(3);
    const result = await runAbExperiment(async () => 100 + 30 * r(), { warmups: 0, maxRuns: 12 });
    assert.equal(result.verdict, 'no significant change');
    assert.ok(result.ci[0] < 0 && result.ci[1] > 0);
    assert.equal(result.baseline.length, 12);
  });

  it('interleaves sides in ABBA order after the warm-ups', async () => {
    const order: string[] = [];
    await runAbExperiment(async (side) => {
      order.push(side[0]);
      return side === 'baseline' ? 10 : 20;
    }, { warmups: 1, minRuns: 3, maxRuns: 3 });
    assert.equal(order.join(''), 'bc' + 'bc' + 'cb' + 'bc');
  });
});

describe('verifyPatch in git worktrees', function () {
  this.timeout(120000);
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-verify-repo-'));
    git('init', '-q');
    git('config', 'user.email', 't@example.invalid');
    git('config', 'user.name', 't');
    // A workload whose cost is a quadratic membership test; the patch indexes it with a Set.
    fs.writeFileSync(
      path.join(repo, 'work.js'),
      [
        "'use strict';",
        'const seen = [];',
        'for (let i = 0; i < 40000; i++) {',
        '  if (!seen.includes(i % 16000)) seen.push(i % 16000);',
        '}',
        'console.log(seen.length);',
        '',
      ].join('\n'),
    );
    git('add', '.');
    git('commit', '-qm', 'work');
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  function patchText(): string {
    const before = fs.readFileSync(path.join(repo, 'work.js'), 'utf8');
    const after = before
      .replace('const seen = [];', 'const seen = [];\nconst index = new Set();')
      .replace('if (!seen.includes(i % 16000)) seen.push(i % 16000);', 'if (!index.has(i % 16000)) { index.add(i % 16000); seen.push(i % 16000); }');
    fs.writeFileSync(path.join(repo, 'work.js'), after);
    const diff = git('diff');
    git('checkout', '--', 'work.js');
    return diff;
  }

  it('reports a significant speed-up and leaves the working tree untouched', async () => {
    const patch = patchText();
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'untracked, must survive');
    const before = fs.readFileSync(path.join(repo, 'work.js'), 'utf8');
    const report = await verifyPatch({ repoDir: repo, bench: 'node work.js', patch, warmups: 1, minRuns: 5, maxRuns: 15 });
    assert.equal(report.verdict, 'faster', JSON.stringify(report));
    assert.ok(report.ci[1] < 0);
    assert.equal(fs.readFileSync(path.join(repo, 'work.js'), 'utf8'), before);
    assert.equal(fs.readFileSync(path.join(repo, 'notes.txt'), 'utf8'), 'untracked, must survive');
    assert.equal(git('worktree', 'list').trim().split('\n').length, 1, 'temporary worktrees removed');
  });

  it('says clearly when the patch does not apply or the benchmark fails (CLI, exit 2)', async () => {
    const bad = path.join(repo, '..', `bad-${path.basename(repo)}.diff`);
    fs.writeFileSync(bad, 'diff --git a/nope.js b/nope.js\n--- a/nope.js\n+++ b/nope.js\n@@ -1 +1 @@\n-x\n+y\n');
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
    assert.equal(await runCli(['verify', '--bench', 'node work.js', '--patch', bad, '--repo', repo, '--json'], io), 2);
    const err = JSON.parse(out.join(''));
    assert.match(err.error.message, /patch does not apply/);
    out.length = 0;
    const good = path.join(repo, '..', `good-${path.basename(repo)}.diff`);
    fs.writeFileSync(good, patchText());
    assert.equal(await runCli(['verify', '--bench', 'node missing.js', '--patch', good, '--repo', repo], io), 2);
    assert.match(out.join('\n'), /exited with 1/);
    fs.rmSync(bad);
    fs.rmSync(good);
  });
});
