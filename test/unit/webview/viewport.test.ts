import * as assert from 'node:assert/strict';
import { clampView, focusOn, fullView, panBy, zoomAt } from '../../../webview/flamegraph/viewport';

describe('flame graph viewport', () => {
  it('zooms around the pivot, keeping that point fixed', () => {
    const v = zoomAt(fullView(100), 100, 0.25, 2);
    assert.deepEqual(v, { start: 12.5, end: 62.5, scrollY: 0 });
    assert.equal(v.start + (v.end - v.start) * 0.25, 25);
  });

  it('never zooms out past the extent nor pans outside it', () => {
    assert.deepEqual(zoomAt(fullView(100), 100, 0.5, 0.1), { start: 0, end: 100, scrollY: 0 });
    const left = panBy({ start: 10, end: 30, scrollY: 0 }, 100, -5);
    assert.deepEqual(left, { start: 0, end: 20, scrollY: 0 });
    const right = panBy({ start: 10, end: 30, scrollY: 0 }, 100, 10);
    assert.deepEqual(right, { start: 80, end: 100, scrollY: 0 });
  });

  it('pans vertically within the scrollable height', () => {
    assert.equal(panBy(fullView(10), 10, 0, 500, 120).scrollY, 120);
    assert.equal(panBy(fullView(10), 10, 0, -50, 120).scrollY, 0);
  });

  it('focuses on a rectangle and limits the deepest zoom', () => {
    assert.deepEqual(focusOn(fullView(100), 100, 40, 5), { start: 40, end: 45, scrollY: 0 });
    const tiny = clampView({ start: 50, end: 50, scrollY: 0 }, 100);
    assert.ok(tiny.end - tiny.start > 0);
  });
});
