import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { matchedShare, matchFrames } from '../../../webview/flamegraph/search';

function recursive() {
  const b = new ProfileBuilder('cpu', 'samples');
  const main = b.frame({ name: 'main', file: 'src/app.ts' });
  const parse = b.frame({ name: 'parseJSON', file: 'src/parse.ts' });
  const other = b.frame({ name: 'render', file: 'src/view.ts' });
  b.appendSample([main, parse, parse], 3);
  b.appendSample([main, other, parse], 1);
  b.appendSample([main, other], 4);
  b.appendSample([main], 2);
  return b.build();
}

describe('flame graph search', () => {
  it('matches names and files case-insensitively', () => {
    const p = recursive();
    assert.deepEqual(Array.from(matchFrames(p.frames, 'PARSE')), [0, 1, 0]);
    assert.deepEqual(Array.from(matchFrames(p.frames, 'view.ts')), [0, 0, 1]);
    assert.deepEqual(Array.from(matchFrames(p.frames, '  ')), [0, 0, 0]);
  });

  it('counts nested matches once in the matched share', () => {
    const p = recursive();
    assert.equal(matchedShare(p, matchFrames(p.frames, 'parse')), 0.4);
    assert.equal(matchedShare(p, matchFrames(p.frames, 'src/')), 1);
    assert.equal(matchedShare(p, matchFrames(p.frames, 'nothing')), 0);
  });
});
