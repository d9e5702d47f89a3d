import assert from 'node:assert/strict';
import { impactOf, mitigationTimes } from '../../../src/core/regression/impact';
import { samePath, suspectCommits, type CommitChange } from '../../../src/core/regression/rootcause';

describe('suspectCommits', () => {
  const commits: CommitChange[] = [
    { id: 'c1', title: 'docs', files: [{ path: 'README.md', ranges: [{ start: 1, end: 3 }] }] },
    { id: 'c2', title: 'parser cleanup', files: [{ path: 'src/parse.ts', ranges: [{ start: 200, end: 210 }] }] },
    { id: 'c3', title: 'slower loop', files: [{ path: 'src/parse.ts', ranges: [{ start: 45, end: 47 }] }, { path: 'test/parse.test.ts', ranges: [] }] },
    { id: 'c4', title: 'unrelated', files: [{ path: 'src/other.ts', ranges: [{ start: 45, end: 47 }] }] },
  ];
  const regressed = [{ function: 'parseRow', file: '/home/ci/app/src/parse.ts', lines: { start: 40, end: 60 }, weight: 1 }];

  it('ranks the commit that touched the function lines first, then its file, then the rest', () => {
    const ranked = suspectCommits(regressed, commits);
    assert.deepEqual(
      ranked.map((r) => r.commit.id),
      ['c3', 'c2', 'c4', 'c1'],
    );
    assert.deepEqual(ranked[0].evidence, ['changes src/parse.ts:45-47 inside parseRow (lines 40-60)']);
    assert.deepEqual(ranked[1].evidence, ['changes src/parse.ts, the file of parseRow (not its lines 40-60)']);
    assert.equal(ranked[2].score, 0);
    assert.deepEqual(ranked[2].evidence, []);
  });

  it('weighs functions: a line hit on a minor function can lose to line hits on the headline', () => {
    const ranked = suspectCommits(
      [
        { function: 'parseRow', file: 'src/parse.ts', lines: { start: 40, end: 60 }, weight: 1 },
        { function: 'helper', file: 'src/other.ts', lines: { start: 40, end: 50 }, weight: 0.1 },
      ],
      commits,
    );
    assert.equal(ranked[0].commit.id, 'c3');
    assert.ok(ranked.find((r) => r.commit.id === 'c4')!.score > 0);
  });

  it('breaks ties in favour of the later commit', () => {
    const ranked = suspectCommits(regressed, [commits[0], commits[3]]);
    assert.deepEqual(
      ranked.map((r) => r.commit.id),
      ['c4', 'c1'],
    );
  });

  it('matches profile paths to repository paths by whole segments', () => {
    assert.ok(samePath('file:///home/ci/app/src/parse.ts', 'src/parse.ts'));
    assert.ok(samePath('C:\\app\\src\\parse.ts', './src/parse.ts'));
    assert.ok(!samePath('/app/src/myparse.ts', 'parse.ts'));
    assert.ok(!samePath('src/parse.ts', 'src/parse.js'));
  });
});

describe('impact', () => {
  it('states a CPU-share change in cores and kilowatts', () => {
    const impact = impactOf(0.008, { cores: 12_000, wattsPerCore: 200 });
    assert.equal(impact.cores, 96);
    assert.ok(Math.abs(impact.kilowatts - 19.2) < 1e-9);
    assert.equal(impact.summary, '+0.8% CPU ≈ 96 cores ≈ 19 kW');
    assert.equal(impactOf(-0.0125, { cores: 4000, wattsPerCore: 10 }).summary, '−1.3% CPU ≈ 50 cores ≈ 0.5 kW');
    assert.throws(() => impactOf(0.01, { cores: -1, wattsPerCore: 1 }), /must be ≥ 0/);
  });

  it('measures time to detect, acknowledge and fix from the change', () => {
    assert.deepEqual(mitigationTimes({ changeTime: 1000, detectedTime: 4000 }), { timeToDetect: 3000 });
    assert.deepEqual(mitigationTimes({ changeTime: 1000, detectedTime: 4000, acknowledgedTime: 9000, fixedTime: 61000 }), {
      timeToDetect: 3000,
      timeToAcknowledge: 8000,
      timeToFix: 60000,
    });
  });
});
