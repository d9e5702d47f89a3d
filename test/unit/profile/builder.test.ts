import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';

describe('ProfileBuilder', () => {
  it('interns frames by name, file, line, column and module', () => {
    const b = new ProfileBuilder('t', 'samples');
    const a = b.frame({ name: 'a', file: 'x.js', line: 3 });
    assert.equal(b.frame({ name: 'a', file: 'x.js', line: 3 }), a);
    assert.notEqual(b.frame({ name: 'a', file: 'x.js', line: 4 }), a);
    assert.notEqual(b.frame({ name: 'a', file: 'y.js', line: 3 }), a);
    assert.notEqual(b.frame({ name: 'a', file: 'x.js', line: 3, module: 'm' }), a);
    assert.equal(b.frames.length, 4);
  });

  it('builds a trie with self and total weights', () => {
    const b = new ProfileBuilder('t', 'samples');
    const [main, f, g] = ['main', 'f', 'g'].map((name) => b.frame({ name }));
    b.appendSample([main, f], 2);
    b.appendSample([main, f, g], 3);
    b.appendSample([main, g], 1);
    b.appendSample([main, f], 1);
    const p = b.build();
    assert.equal(p.nodeCount, 5); // root, main, main>f, main>f>g, main>g
    assert.equal(p.totalWeight, 7);
    assert.equal(p.sampleCount, 4);
    assert.equal(p.nodeTotal[0], 7);
    const byPath = new Map<string, { self: number; total: number }>();
    for (let n = 1; n < p.nodeCount; n++) {
      const names: string[] = [];
      for (let m = n; m > 0; m = p.nodeParent[m]) names.unshift(p.frames[p.nodeFrame[m]].name);
      byPath.set(names.join(';'), { self: p.nodeSelf[n], total: p.nodeTotal[n] });
      assert.ok(p.nodeParent[n] < n, 'parents precede children');
    }
    assert.deepEqual(byPath.get('main'), { self: 0, total: 7 });
    assert.deepEqual(byPath.get('main;f'), { self: 3, total: 6 });
    assert.deepEqual(byPath.get('main;f;g'), { self: 3, total: 3 });
    assert.deepEqual(byPath.get('main;g'), { self: 1, total: 1 });
  });

  it('keeps nodes distinct across many rehashes', () => {
    const b = new ProfileBuilder('t', 'samples');
    const frames = Array.from({ length: 500 }, (_, i) => b.frame({ name: `f${i}` }));
    for (let i = 0; i < 500; i++) for (let j = 0; j < 20; j++) b.appendSample([frames[i], frames[(i + j) % 500]], 1);
    const p = b.build();
    assert.equal(p.nodeCount, 1 + 500 + 500 * 20);
    assert.equal(p.totalWeight, 10000);
    for (let n = 1; n < p.nodeCount; n++) if (p.nodeParent[n] !== 0) assert.equal(p.nodeSelf[n], 1);
  });

  it('gives one node per path when new branches skip the lookup (random stacks, any order)', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (let round = 0; round < 20; round++) {
      const b = new ProfileBuilder('t', 'samples');
      const frames = Array.from({ length: 6 }, (_, i) => b.frame({ name: `f${i}` }));
      const expected = new Map<string, number>();
      for (let s = 0; s < 300; s++) {
        // Short alphabets and depths make stacks share prefixes, branch and repeat.
        const stack = Array.from({ length: 1 + Math.floor(random() * 6) }, () => frames[Math.floor(random() * (2 + (round % 5)))]);
        b.appendSample(stack, 1);
        for (let d = 1; d <= stack.length; d++) {
          const key = stack.slice(0, d).join(';');
          if (d === stack.length) expected.set(key, (expected.get(key) ?? 0) + 1);
          else if (!expected.has(key)) expected.set(key, 0);
        }
        // Interleave direct lookups, which must find nodes made without one.
        if (s % 7 === 0) {
          let node = 0;
          for (const f of stack) node = b.child(node, f);
          b.appendToNode(node, 0);
        }
      }
      const p = b.build();
      const got = new Map<string, number>();
      for (let n = 1; n < p.nodeCount; n++) {
        const path: number[] = [];
        for (let m = n; m > 0; m = p.nodeParent[m]) path.unshift(p.nodeFrame[m]);
        const key = path.join(';');
        assert.ok(!got.has(key), `round ${round}: two nodes for ${key}`);
        got.set(key, p.nodeSelf[n]);
      }
      assert.deepEqual(got, expected, `round ${round}`);
    }
  });

  it('records line cost once per sample for recursive frames', () => {
    const b = new ProfileBuilder('t', 'nanoseconds');
    const f = b.frame({ name: 'f', file: 'a.js', line: 1 });
    b.appendSample([f, f, f], 10, [4, 4, 7]);
    const p = b.build();
    assert.deepEqual([...p.lineSelf.get(f)!], [[7, 10]]);
    assert.deepEqual([...p.lineTotal.get(f)!].sort(), [[4, 10], [7, 10]]);
  });

  it('keeps a timeline when asked', () => {
    const b = new ProfileBuilder('t', 'microseconds', { timeline: true });
    const f = b.frame({ name: 'f' });
    for (let i = 0; i < 2000; i++) b.appendSample([f], 5, undefined, i * 5);
    const p = b.build();
    assert.equal(p.timeline!.node.length, 2000);
    assert.equal(p.timeline!.time[1999], 9995);
    assert.equal(p.totalWeight, 10000);
  });

  it('writes the totals into the scratch buffer an importer used as its own, when they fill most of it', () => {
    const b = new ProfileBuilder('t', 'samples');
    b.reserve(1000);
    const scratch = b.scratch();
    assert.equal(b.scratch(), scratch, 'one buffer');
    assert.ok(scratch.byteLength >= 1000 * 8);
    // The importer's own tables were there: build() must not read them as weights.
    new Uint8Array(scratch).fill(0x7f);
    const frames = Array.from({ length: 10 }, (_, i) => b.frame({ name: `f${i}` }));
    // 900 distinct paths of three frames below one root frame: 1 + 1 + 900 * 2 nodes at most.
    let expected = 0;
    for (let i = 0; i < 300; i++) {
      b.appendSample([frames[0], frames[1 + (i % 9)], frames[(i * 7) % 10]], 1 + (i % 3));
      expected += 1 + (i % 3);
    }
    const p = b.build();
    assert.equal(p.nodeTotal[0], expected);
    for (let n = 1; n < p.nodeCount; n++) {
      let children = 0;
      for (let m = n + 1; m < p.nodeCount; m++) if (p.nodeParent[m] === n) children += p.nodeTotal[m];
      assert.equal(p.nodeTotal[n], p.nodeSelf[n] + children, `node ${n}`);
    }
    // Fewer than three quarters of the reserved nodes: the totals get an array of their own.
    assert.ok(p.nodeCount < 750);
    assert.notEqual(p.nodeTotal.buffer, scratch);

    const full = new ProfileBuilder('t', 'samples');
    full.reserve(100);
    const room = full.scratch();
    new Uint8Array(room).fill(0x7f);
    const f = full.frame({ name: 'f' });
    const stack: number[] = [];
    for (let i = 0; i < 99; i++) {
      stack.push(f);
      full.appendSample(stack, 1);
    }
    const q = full.build();
    assert.equal(q.nodeTotal.buffer, room, 'totals in the scratch buffer');
    assert.equal(q.nodeTotal[0], 99);
    assert.equal(q.nodeTotal[1], 99);
    assert.equal(q.nodeTotal[99], 1);
  });
});
