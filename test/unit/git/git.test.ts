import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Git, GitError } from '../../../src/core/git/git';

describe('Git port (real git binary)', () => {
  let repo: string;
  const sh = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-git-'));
    sh('init', '-q');
    sh('config', 'user.email', 'ada@example.invalid');
    sh('config', 'user.name', 'Ada');
    fs.writeFileSync(path.join(repo, 'a.js'), 'line1\nline2\nline3\nline4\n');
    sh('add', '.');
    sh('commit', '-qm', 'first');
    fs.writeFileSync(path.join(repo, 'a.js'), 'line1\nLINE2\nline3\nline4\nline5\n');
    sh('commit', '-qam', 'second: change line 2, add line 5');
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('lists commits newest first with author and subject', async () => {
    const log = await new Git(repo).log();
    assert.deepEqual(log.map((c) => c.subject), ['second: change line 2, add line 5', 'first']);
    assert.equal(log[0].author, 'Ada');
    assert.match(log[0].hash, /^[0-9a-f]{40}$/);
  });

  it('reports the lines a commit changed', async () => {
    const git = new Git(repo);
    const [head] = await git.log('HEAD', { maxCount: 1 });
    const changed = await git.changedLines(head.hash);
    assert.deepEqual(changed, [{ path: 'a.js', ranges: [{ start: 2, end: 2 }, { start: 5, end: 5 }], added: 2, deleted: 1 }]);
  });

  it('blames a line range', async () => {
    const blame = await new Git(repo).blame('a.js', 1, 2);
    assert.deepEqual(blame.map((b) => [b.line, b.summary, b.text]), [
      [1, 'first', 'line1'],
      [2, 'second: change line 2, add line 5', 'LINE2'],
    ]);
  });

  it('fails with git’s own message', async () => {
    await assert.rejects(new Git(repo).log('no-such-branch'), (e: unknown) => e instanceof GitError && /git log failed/.test(e.message));
  });
});
