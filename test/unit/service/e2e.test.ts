import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..', '..');

// 60 real `node --cpu-prof` runs of about 0.3 s: half a minute on a loaded 2-core machine.
// HOTPATH_E2E=0 skips it.
describe('end to end: a slowed function in a 20-commit repository', () => {
  it('is reported once, on the right function, with the right commit ranked first', async function () {
    if (process.env.HOTPATH_E2E === '0') this.skip();
    this.timeout(5 * 60_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'pipe' });
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [path.join(ROOT, 'scripts', 'e2e-regression.mjs')], { cwd: ROOT, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
        // The script exits 1 when a check fails; its summary says which.
        if (error && !stdout.trim().startsWith('{')) reject(new Error(`${error.message} (exit ${error.code ?? error.signal})\n${stderr}`));
        else resolve(stdout);
      });
    });
    const summary = JSON.parse(out);
    assert.deepEqual(summary.checks, { exactlyOneRegression: true, rightFunction: true, badCommitRankedFirst: true, badCommitInRange: true }, out);
    assert.equal(summary.regressions[0].suspects[0].sha, summary.badCommit);
  });
});
