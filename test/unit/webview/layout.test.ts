import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { childrenOf, hitTest, leftHeavyLayout, timeOrderedLayout, type FlameLayout } from '../../../webview/flamegraph/layout';

/** main → (a → c), (b); weights: a/c 3, b 5, main self 1. */
function sample(timeline = false) {
  const b = new ProfileBuilder('cpu', 'samples', { timeline });
  const main = b.frame({ name: 'main' });
  const a = b.frame({ name: 'a' });
  const bb = b.frame({ name: 'b' });
  const c = b.frame({ name: 'c' });
  let t = 0;
  for (let i = 0; i < 3; i++) b.appendSample([main, a, c], 1, undefined, t++);
  for (let i = 0; i < 5; i++) b.appendSample([main, bb], 1, undefined, t++);
  b.appendSample([main, a, c], 1, undefined, t++);
  b.appendSample([main], 1, undefined, t++);
  return b.build();
}

function rects(layout: FlameLayout, names: string[], nodeFrame: Int32Array) {
  return Array.from({ length: layout.count }, (_, i) => `${names[nodeFrame[layout.node[i]]]}@${layout.depth[i]}:${layout.x[i]}+${layout.width[i]}`).sort();
}

describe('flame graph layout', () => {
  it('lists children of every node in CSR form', () => {
    const p = sample();
    const { start, child } = childrenOf(p);
    assert.equal(start[p.nodeCount], p.nodeCount - 1);
    for (let n = 1; n < p.nodeCount; n++) {
      const parent = p.nodeParent[n];
      assert.ok(Array.from(child.subarray(start[parent], start[parent + 1])).includes(n));
    }
  });

  it('left-heavy puts the heaviest sibling first and sizes each node by its total', () => {
    const p = sample();
    const names = p.frames.map((f) => f.name);
    const layout = leftHeavyLayout(p);
    assert.equal(layout.extent, 10);
    assert.equal(layout.rows, 3);
    assert.deepEqual(rects(layout, names, p.nodeFrame), ['a@1:5+4', 'b@1:0+5', 'c@2:5+4', 'main@0:0+10'].sort());
  });

  it('time-ordered merges consecutive samples and splits interrupted runs', () => {
    const p = sample(true);
    const names = p.frames.map((f) => f.name);
    const layout = timeOrderedLayout(p)!;
    assert.equal(layout.extent, 10);
    assert.deepEqual(
      rects(layout, names, p.nodeFrame),
      ['main@0:0+10', 'a@1:0+3', 'c@2:0+3', 'b@1:3+5', 'a@1:8+1', 'c@2:8+1'].sort(),
    );
  });

  it('time-ordered is undefined without a timeline', () => {
    assert.equal(timeOrderedLayout(sample(false)), undefined);
  });

  it('hit-tests by row and x', () => {
    const p = sample();
    const layout = leftHeavyLayout(p);
    const hit = hitTest(layout, 6, 2);
    assert.equal(p.frames[p.nodeFrame[layout.node[hit]]].name, 'c');
    assert.equal(hitTest(layout, 2, 2), -1);
    assert.equal(hitTest(layout, 11, 0), -1);
  });

  it('orders rectangles depth-first, so each subtree is the run up to its end', () => {
    // A wider random tree: every rectangle's subtree must be exactly the rectangles inside its span, one row deeper or more.
    const b = new ProfileBuilder('cpu', 'samples', { timeline: true });
    const frames = Array.from({ length: 6 }, (_, i) => b.frame({ name: `f${i}` }));
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let t = 0; t < 400; t++) b.appendSample(Array.from({ length: 1 + Math.floor(random() * 6) }, () => frames[Math.floor(random() * 6)]), 1, undefined, t);
    const p = b.build();
    for (const layout of [leftHeavyLayout(p), timeOrderedLayout(p)!]) {
      for (let i = 0; i < layout.count; i++) {
        const inside = (j: number) => layout.depth[j] > layout.depth[i] && layout.x[j] >= layout.x[i] && layout.x[j] + layout.width[j] <= layout.x[i] + layout.width[i] + 1e-9;
        for (let j = i + 1; j < layout.end[i]; j++) assert.ok(inside(j), `rectangle ${j} lies in ${i}'s run but not inside it`);
        for (let j = layout.end[i]; j < layout.count; j++) assert.ok(!inside(j), `rectangle ${j} is inside ${i} but after its end`);
        for (let j = 0; j < i; j++) assert.ok(!inside(j), `rectangle ${j} is inside ${i} but before it`);
      }
      // Hit tests agree with a scan of every rectangle.
      for (let k = 0; k < 200; k++) {
        const x = random() * layout.extent;
        const row = Math.floor(random() * layout.rows);
        let expected = -1;
        for (let i = 0; i < layout.count; i++) if (layout.depth[i] === row && x >= layout.x[i] && x < layout.x[i] + layout.width[i]) expected = i;
        assert.equal(hitTest(layout, x, row), expected);
      }
    }
  });

  it('lays out a deep stack without recursion limits', () => {
    const b = new ProfileBuilder('deep', 'samples');
    const stack = Array.from({ length: 20000 }, (_, i) => b.frame({ name: `f${i % 7}`, line: i + 1 }));
    b.appendSample(stack, 1);
    const layout = leftHeavyLayout(b.build());
    assert.equal(layout.rows, 20000);
    assert.equal(layout.count, 20000);
  });
});
