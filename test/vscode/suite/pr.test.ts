import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PullRequestResult } from '../../../src/core/pr/pr';
import { summarize } from '../../../src/core/verify/ab';

describe('Create Pull Request in VS Code', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-pr-'));
  before(async () => {
    await vscode.extensions.getExtension('hotpath.hotpath')!.activate();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('without a token pushes the branch and opens the description for the user, leaving the checkout alone', async () => {
    const bare = path.join(tmp, 'remote.git');
    const repo = path.join(tmp, 'work');
    const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    git(repo, 'config', 'user.email', 'dev@example.invalid');
    git(repo, 'config', 'user.name', 'Dev');
    fs.writeFileSync(path.join(repo, 'app.js'), 'const seen = [];\nmodule.exports = seen;\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'initial');
    git(repo, 'remote', 'add', 'origin', bare);
    const head = git(repo, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(repo, 'app.js'), 'const seen = new Set();\nmodule.exports = seen;\n');
    const patch = git(repo, 'diff') + '\n';
    fs.writeFileSync(path.join(repo, 'app.js'), 'const seen = [];\nmodule.exports = seen; // user edit\n');

    const baseline = [50, 52, 49, 51, 50];
    const candidate = [30, 31, 29, 30, 32];
    const report = { baseline, candidate, ...summarize(baseline, candidate), stopReason: 'clear verdict', bench: 'node bench.js', base: head, unit: 'ms' as const };
    const result = await vscode.commands.executeCommand<PullRequestResult | undefined>('hotpath.createPullRequest', { patch, report, context: { skill: 'js-linear-lookup-in-loop', rationale: 'Use a Set.' }, repoDir: repo });

    assert.ok(result, 'the command returns its result');
    assert.equal(result.opened, false);
    assert.equal(git(bare, 'rev-parse', `refs/heads/${result.branch}`), result.commit);
    assert.equal(git(bare, 'show', `${result.commit}:app.js`), 'const seen = new Set();\nmodule.exports = seen;');
    assert.equal(git(repo, 'symbolic-ref', '--short', 'HEAD'), 'main');
    assert.equal(git(repo, 'rev-parse', 'HEAD'), head);
    assert.equal(fs.readFileSync(path.join(repo, 'app.js'), 'utf8'), 'const seen = [];\nmodule.exports = seen; // user edit\n');
    const shown = vscode.window.activeTextEditor?.document;
    assert.equal(shown?.languageId, 'markdown');
    assert.ok(shown.getText().includes(`branch: ${result.branch} → main`));
    assert.match(shown.getText(), /## Benchmark[\s\S]*\| before \| 50\.0 \|[\s\S]*95% CI/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('refuses an argument that is not a verified fix', async () => {
    assert.equal(await vscode.commands.executeCommand('hotpath.createPullRequest', { patch: 'x' }), undefined);
  });
});
