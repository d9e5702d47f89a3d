import * as assert from 'node:assert/strict';
import { bestSuffixMatch, frameSource, lineToReveal, sharedSuffix } from '../../../src/extension/profiles/sourcePaths';

describe('frame source paths', () => {
  it('reads file URLs and plain paths', () => {
    assert.deepEqual(frameSource({ name: 'f', file: 'file:///work/app/src/a%20b.js' }), { kind: 'path', path: '/work/app/src/a b.js' });
    assert.deepEqual(frameSource({ name: 'f', file: 'file:///C:/app/x.js' }), { kind: 'path', path: 'C:/app/x.js' });
    assert.deepEqual(frameSource({ name: 'f', file: 'src/x.py' }), { kind: 'path', path: 'src/x.py' });
  });

  it('says why runtime and URL frames have no workspace source', () => {
    const runtime = frameSource({ name: 'readFileSync', file: 'node:fs' });
    assert.ok(runtime.kind === 'unavailable' && /node:fs is part of the runtime/.test(runtime.reason));
    const url = frameSource({ name: 'f', file: 'https://cdn.example/app.js' });
    assert.ok(url.kind === 'unavailable' && /is a URL/.test(url.reason));
    const none = frameSource({ name: '(garbage collector)' });
    assert.ok(none.kind === 'unavailable' && /\(garbage collector\) has no source file/.test(none.reason));
  });

  it('prefers the workspace file sharing the longest path suffix', () => {
    assert.equal(sharedSuffix('/build/app/src/util/x.js', '/ws/src/util/x.js'), 3);
    const best = bestSuffixMatch('/build/app/src/util/x.js', ['/ws/test/x.js', '/ws/src/util/x.js', '/ws/lib/util/x.js']);
    assert.equal(best, '/ws/src/util/x.js');
    assert.equal(bestSuffixMatch('/build/y.js', ['/ws/x.js']), undefined);
  });

  it('reveals the hottest recorded line, else the frame line (1-based)', () => {
    assert.deepEqual(lineToReveal({ name: 'f', line: 10, column: 4 }, new Map([[12, 1], [15, 7], [11, 3]])), { line: 15, column: 1 });
    assert.deepEqual(lineToReveal({ name: 'f', line: 10, column: 4 }, undefined), { line: 10, column: 4 });
    assert.deepEqual(lineToReveal({ name: 'f' }, new Map()), { line: 1, column: 1 });
  });
});
