import { strict as assert } from 'node:assert';
import { focusProfile, parseFramePattern, pruneProfile } from '../../../src/core/profile/analysis/index';
import { folded, profileOf } from './profiles';

describe('analysis: frame patterns', () => {
  it('matches a substring of the label or a /regex/ with flags', () => {
    const frame = { name: 'parseJSON', file: '/src/node_modules/lib/x.js', line: 4 };
    assert.equal(parseFramePattern('parse')(frame), true);
    assert.equal(parseFramePattern('node_modules')(frame), true);
    assert.equal(parseFramePattern('Parse')(frame), false);
    assert.equal(parseFramePattern('/^parse/')(frame), true);
    assert.equal(parseFramePattern('/^PARSE/i')(frame), true);
    assert.equal(parseFramePattern('/^json/')(frame), false);
    // a g flag would make test() stateful; it is ignored
    const g = parseFramePattern('/parse/g');
    assert.equal(g(frame) && g(frame), true);
    assert.throws(() => parseFramePattern('/(/'), /invalid frame pattern \/\(\//);
    assert.throws(() => parseFramePattern(''), /empty frame pattern/);
  });
});

describe('analysis: focus and prune', () => {
  const p = profileOf(
    [
      ['main;route;parse;scan', 4],
      ['main;route;parse', 2],
      ['main;parse;parse;scan', 3],
      ['main;render', 5],
      ['idle', 6],
    ],
    { timeline: true },
  );

  it('focus keeps stacks through a match, re-rooted at the outermost match', () => {
    const f = focusProfile(p, parseFramePattern('/^parse$/'));
    assert.deepEqual(folded(f), ['parse 2', 'parse;parse;scan 3', 'parse;scan 4']);
    assert.equal(f.totalWeight, 9);
    assert.equal(f.sampleCount, 3);
    assert.equal(f.timeline!.node.length, 3);
    assert.deepEqual(Array.from(f.timeline!.time), [0, 10, 20]);
    assert.equal(f.name, 'test (focused)');
  });

  it('prune drop removes matching frames with everything they call', () => {
    const d = pruneProfile(p, parseFramePattern('parse'), 'drop');
    assert.deepEqual(folded(d), ['idle 6', 'main;render 5']);
    assert.equal(d.totalWeight, 11);
    assert.equal(d.sampleCount, 2);
  });

  it('prune hide removes only the frame; callees and self weight move to the caller', () => {
    // main;route;parse (2) becomes main;route; main;parse;parse;scan (3) becomes main;scan
    const h = pruneProfile(p, parseFramePattern('parse'), 'hide');
    assert.deepEqual(folded(h), ['idle 6', 'main;render 5', 'main;route 2', 'main;route;scan 4', 'main;scan 3']);
    assert.equal(h.totalWeight, 20);
    assert.equal(h.sampleCount, 5);
  });

  it('without a timeline scales the sample count by the kept weight', () => {
    const q = profileOf([['a;b', 1], ['a;b', 1], ['a;c', 1], ['c', 1]]);
    const f = focusProfile(q, parseFramePattern('b'));
    assert.equal(f.timeline, undefined);
    assert.equal(f.totalWeight, 2);
    assert.equal(f.sampleCount, 2);
  });
});
