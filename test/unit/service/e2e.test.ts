import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

// About 60 real `node --cpu-prof` runs: a minute or two on a quiet machine, so it runs only
// when asked for (HOTPATH_E2E=1, or `node scripts/e2e-regression.mjs` directly).
describe('end to end: a slowed function in a 20-commit repository', () => {
  it('is reported once, on the right function, with the right commit ranked first', async function () {
    if (!process.env.HOTPATH_E2E) this.skip();
    this.timeout(15 * 60_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [path.join(ROOT, 'scripts', 'e2e-regression.mjs')], { cwd: ROOT, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
        // The script exits 1 when a check fails; its summary says which.
        if (error && !stdout.trim().startsWith('{')) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
    const summary = JSON.parse(out);
    assert.deepEqual(summary.checks, { exactlyOneRegression: true, rightFunction: true, badCommitRankedFirst: true, badCommitInRange: true }, out);
    assert.equal(summary.regressions[0].suspects[0].sha, summary.badCommit);
  });
});
