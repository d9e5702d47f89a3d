import { strict as assert } from 'node:assert';
import { lineCost, type SourceLocationResolver } from '../../../src/core/profile/analysis/index';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { profileOf } from './profiles';

describe('analysis: per-line cost', () => {
  function withLineTable() {
    const b = new ProfileBuilder('cpu', 'samples');
    const main = b.frame({ name: 'main', file: '/ci/build/src/app.ts', line: 1 });
    const loop = b.frame({ name: 'loop', file: '/ci/build/src/app.ts', line: 10 });
    const lib = b.frame({ name: 'lib', file: '/ci/build/node_modules/x/index.js', line: 3 });
    b.appendSample([main, loop], 6, [4, 12]);
    b.appendSample([main, loop], 2, [4, 13]);
    b.appendSample([main, loop, lib], 2, [4, 14, 7]);
    b.appendSample([main], 1, [5]);
    return b.build();
  }

  it('sums the line table of the frames in the file (matched by path suffix)', () => {
    const cost = lineCost(withLineTable(), 'src/app.ts');
    assert.deepEqual(
      cost.lines.map((l) => [l.line, l.self, l.total, Number(l.selfPercent.toFixed(4)), Number(l.totalPercent.toFixed(4))]),
      [
        [4, 0, 10, 0, 90.9091],
        [5, 1, 1, 9.0909, 9.0909],
        [12, 6, 6, 54.5455, 54.5455],
        [13, 2, 2, 18.1818, 18.1818],
        [14, 0, 2, 0, 18.1818],
      ],
    );
    assert.equal(cost.frameCount, 2);
    assert.equal(cost.usedFrameLines, false);
  });

  it('does not match a file by a partial name', () => {
    assert.deepEqual(lineCost(withLineTable(), 'pp.ts').lines, []);
    assert.deepEqual(lineCost(withLineTable(), 'file:///ci/build/src/app.ts').lines.length, 5);
  });

  it('falls back to each frame\'s own line when the format has no line table', () => {
    const p = profileOf([
      ['main@C:\\work\\src\\app.ts:1;work@C:\\work\\src\\app.ts:20;hash@C:\\work\\src\\hash.ts:3', 3],
      ['main@C:\\work\\src\\app.ts:1;work@C:\\work\\src\\app.ts:20', 1],
    ]);
    const cost = lineCost(p, 'src/app.ts');
    assert.deepEqual(
      cost.lines.map((l) => [l.line, l.self, l.total, l.totalPercent]),
      [
        [1, 0, 4, 100],
        [20, 1, 4, 100],
      ],
    );
    assert.equal(cost.usedFrameLines, true);
  });

  it('maps locations through a resolver (e.g. a source map)', () => {
    const resolver: SourceLocationResolver = {
      resolve: (file, line) => (file.endsWith('app.ts') ? { file: 'original.ts', line: line * 10 } : undefined),
    };
    const cost = lineCost(withLineTable(), 'original.ts', resolver);
    assert.deepEqual(cost.lines.map((l) => [l.line, l.self, l.total]), [
      [40, 0, 10],
      [50, 1, 1],
      [120, 6, 6],
      [130, 2, 2],
      [140, 0, 2],
    ]);
  });
});
