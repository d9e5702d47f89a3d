import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');

// README's first command runs this; the test runs it too, so the main job cannot rot.
describe('npm run demo (scripts/demo.mjs)', function () {
  this.timeout(600000);
  it('finds exactly the real regression, filters the refactor, explains it, proposes the fix and measures it faster', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const demo = spawnSync(process.execPath, [path.join(root, 'scripts', 'demo.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const out = demo.stdout + demo.stderr;
    assert.equal(demo.status, 0, out);
    assert.match(out, /1 regression open:\n\s+- markVipOrders \(report\.js:\d+\): /);
    assert.match(out, /filtered: normalizeRow .*cost-shift/);
    assert.match(out, /1\. [0-9a-f]{8} report: simplify the VIP check/);
    assert.match(out, /## Why is `markVipOrders` hot\?/);
    assert.match(out, /\+ {4}if \(vipIdsSet\.has\(order\.customerId\)\) \{/);
    assert.match(out, /verdict {4}faster/);
    assert.match(out, /code --install-extension hotpath-\d+\.\d+\.\d+\.vsix/);
  });

  it('reuses the repository and every profile on a second run, and tells the same story', () => {
    const again = spawnSync(process.execPath, [path.join(root, 'scripts', 'demo.mjs')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const out = again.stdout + again.stderr;
    assert.equal(again.status, 0, out);
    const deploys = out.split('\n').filter((l) => /^\s+deploy +\d+\/20 /.test(l));
    assert.equal(deploys.length, 20, out);
    assert.deepEqual(deploys.filter((l) => !/ reused /.test(l)), [], 'every deploy reuses its captured profiles');
    assert.match(out, /1 regression open:\n\s+- markVipOrders \(report\.js:\d+\): /);
  });
});
