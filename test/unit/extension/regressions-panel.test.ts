import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { Git } from '../../../src/core/git/git';
import { analyzeRegression, revertPreview } from '../../../src/extension/regressions/analysis';
import { deployAt, formatChange, regressionHeadline } from '../../../src/extension/regressions/format';
import { diffMessage, profileFromJson } from '../../../src/extension/regressions/investigationData';
import type { Regression } from '../../../src/extension/service/client';
import { parsePanelToHost, parseToPanel, type Investigation } from '../../../webview/investigation/protocol';
import { timelineModel } from '../../../webview/investigation/timeline';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;

function regression(evidence: Record<string, unknown>): Regression {
  return {
    id: 7,
    service: 'api',
    type: 'cpu',
    status: 'open',
    function: { name: 'parseConfig', file: 'src/config.js', line: 12 },
    changeTime: T0 + 10 * MIN,
    detectedAt: T0 + 20 * MIN,
    acknowledgedAt: null,
    fixedAt: null,
    falsePositiveAt: null,
    note: null,
    evidence,
  };
}

const changePoint = { index: 10, before: 0.2, after: 0.231, absoluteChange: 0.031, relativeChange: 0.155, ci95: [0.025, 0.037], pValue: 1e-6, beforeCount: 10, afterCount: 8 };

function investigation(): Investigation {
  return {
    id: 7,
    headline: 'parseConfig +3.1% CPU',
    status: 'open',
    service: 'api',
    type: 'cpu',
    function: { name: 'parseConfig', file: 'src/config.js', line: 12 },
    points: Array.from({ length: 20 }, (_, i) => ({ time: T0 + i * MIN, value: i < 10 ? 0.2 : 0.231, commit: i < 10 ? 'a' : 'b' })),
    changePoint: { index: 10, time: T0 + 10 * MIN, before: 0.2, after: 0.231, ci95: [0.025, 0.037], pValue: 1e-6 },
    markers: [
      { kind: 'deploy', time: T0 + 10 * MIN, label: 'deploy 42' },
      { kind: 'deploy', time: T0 - 5 * MIN, label: 'deploy 41' },
    ],
    suspects: [],
  };
}

describe('extension: regression words, timeline geometry and panel protocol', () => {
  it('writes the notification headline from the change, the deploy and the top suspect', () => {
    const deploys = [
      { id: 41, service: 'api', commit: 'aaaaaaa0', version: undefined, time: T0 },
      { id: 42, service: 'api', commit: 'a1b2c3d4e5', version: undefined, time: T0 + 9 * MIN },
      { id: 43, service: 'api', commit: 'ffffff00', version: '2.0', time: T0 + 30 * MIN },
    ];
    const suspects = [{ sha: 'a1b2c3d4e5f6', subject: 'Parse with regex', author: 'Ada', score: 3, evidence: ['changes src/config.js:14 inside parseConfig'] }];
    assert.equal(deployAt(deploys, T0 + 10 * MIN)?.id, 42);
    assert.equal(regressionHeadline(regression({ changePoint, suspects }), deploys), 'parseConfig +3.1% CPU since deploy 42 (commit a1b2c3d by Ada)');
    assert.equal(regressionHeadline(regression({ changePoint, firstBad: { index: 10, time: 0, commit: 'beefbeef' } }), []), 'parseConfig +3.1% CPU (commit beefbee)');
    assert.equal(regressionHeadline(regression({})), 'parseConfig regressed (cpu)', 'evidence without a change point still reads');
    assert.deepEqual([0.031, 0.0042, -0.12].map(formatChange), ['+3.1%', '+0.42%', '−12.0%']);
  });

  it('puts the confidence band of the after level over the after segment and keeps markers in range, oldest first', () => {
    const m = timelineModel(investigation());
    assert.deepEqual(m.x, [T0, T0 + 19 * MIN]);
    assert.ok(Math.abs(m.band.low - 0.225) < 1e-12 && Math.abs(m.band.high - 0.237) < 1e-12);
    assert.deepEqual([m.band.from, m.band.to], [T0 + 10 * MIN, T0 + 19 * MIN]);
    assert.deepEqual([m.before.value, m.after.value], [0.2, 0.231]);
    assert.ok(m.y[0] < 0.2 && m.y[1] > 0.237 && m.y[0] >= 0);
    assert.deepEqual(m.markers.map((x) => x.label), ['deploy 42'], 'the deploy before the first point is outside the axis');
  });

  it('validates panel messages both ways and names the bad field', () => {
    assert.equal(parseToPanel({ type: 'investigation/load', investigation: investigation() }).ok, true);
    const bad = parseToPanel({ type: 'investigation/load', investigation: { ...investigation(), points: [{ time: 'x' }] } });
    assert.ok(!bad.ok && /^malformed "investigation\/load" message: investigation\.points\.0\.time: /.test(bad.error));
    assert.deepEqual(parsePanelToHost({ type: 'nope' }), { ok: false, error: 'unknown message type "nope"' });
    const option = parsePanelToHost({ type: 'commit/open', sha: '--output=/tmp/x' });
    assert.ok(!option.ok, 'a sha that git would read as an option is refused');
    assert.equal(parsePanelToHost({ type: 'rendered', points: 40, markers: 2, rectangles: 9 }).ok, true);
  });

  it('builds the differential flame graph message from merged profiles in the service JSON form', () => {
    const make = (hot: number) => {
      const b = new ProfileBuilder('cpu', 'samples');
      const main = b.frame({ name: 'main' });
      b.appendSample([main, b.frame({ name: 'parseConfig' })], hot);
      b.appendSample([main, b.frame({ name: 'render' })], 50);
      const p = b.build();
      const json = {
        ...p,
        nodeFrame: Array.from(p.nodeFrame),
        nodeParent: Array.from(p.nodeParent),
        nodeSelf: Array.from(p.nodeSelf),
        nodeTotal: Array.from(p.nodeTotal),
        lineSelf: {},
        lineTotal: {},
      };
      return profileFromJson(json);
    };
    const m = diffMessage(make(50), make(150), 'parseConfig');
    assert.equal(m.focus, 'parseConfig');
    assert.equal(m.profile.totalWeight, 200);
    assert.equal(m.beforeTotalWeight, 100);
    const node = Array.from(m.profile.nodeFrame).findIndex((f) => m.profile.frames[f]?.name === 'parseConfig');
    assert.equal(m.profile.nodeTotal[node], 150);
    assert.equal(m.beforeTotal[node], 50);
    assert.equal(parseToPanel(m).ok, true);
  });
});

describe('extension: regression analysis and revert proposal', function () {
  this.timeout(30_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-revert-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'd@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'd@example.com' } }).trim();
  let bad = '';
  before(() => {
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, 'config.txt'), 'fast\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'start');
    fs.writeFileSync(path.join(dir, 'config.txt'), 'slow\n');
    git('commit', '-qam', 'make it slow');
    bad = git('rev-parse', 'HEAD');
    fs.writeFileSync(path.join(dir, 'other.txt'), 'x\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'unrelated');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('previews `git revert --no-commit` as a diff without touching the working tree or the worktree list', async () => {
    const diff = await revertPreview(new Git(dir), bad);
    assert.match(diff, /^diff --git a\/config\.txt b\/config\.txt$/m);
    assert.match(diff, /^-slow$/m);
    assert.match(diff, /^\+fast$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'config.txt'), 'utf8'), 'slow\n');
    assert.equal(git('status', '--porcelain'), '');
    assert.equal(git('worktree', 'list').split('\n').length, 1);
    await assert.rejects(revertPreview(new Git(dir), 'f'.repeat(40)), /git cat-file failed/);
  });

  it('streams the evidence and the code analysis, and ends in a revert of the top suspect when no skill fix applies', async () => {
    const b = new ProfileBuilder('cpu', 'samples');
    b.appendSample([b.frame({ name: 'main' }), b.frame({ name: 'parseConfig' })], 30);
    b.appendSample([b.frame({ name: 'main' })], 70);
    const inv = { ...investigation(), suspects: [{ sha: bad, subject: 'make it slow', author: 'Dev', score: 2, evidence: ['changes config.txt'] }] };
    const chunks: string[] = [];
    const proposal = await analyzeRegression({ root: dir, investigation: inv, after: b.build() }, (t) => chunks.push(t));
    const text = chunks.join('');
    assert.match(text, /^## parseConfig: 20\.0% → 23\.1% of cpu$/m);
    assert.match(text, /95% interval of the rise: 2\.50% to 3\.70%/);
    assert.match(text, /Most likely cause: [0-9a-f]{10} "make it slow" by Dev/);
    assert.match(text, /Why is `parseConfig` hot\?/);
    assert.ok(chunks.length >= 4, 'streamed in pieces');
    assert.equal(proposal?.kind, 'revert');
    assert.match(proposal!.diff, /^\+fast$/m);
  });
});
