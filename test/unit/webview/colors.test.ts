import * as assert from 'node:assert/strict';
import { diffFill, frameFill, labelColor, mix, nameHash, parseColor, toCss, type Rgba } from '../../../webview/flamegraph/colors';

describe('flame graph colours', () => {
  it('parses the colour forms VS Code themes use', () => {
    assert.deepEqual(parseColor('#fff'), [255, 255, 255, 1]);
    assert.deepEqual(parseColor(' #1e1e1e '), [30, 30, 30, 1]);
    assert.deepEqual(parseColor('#ff000080'), [255, 0, 0, 128 / 255]);
    assert.deepEqual(parseColor('rgba(1, 2, 3, 0.5)'), [1, 2, 3, 0.5]);
    assert.equal(parseColor('var(--x)'), undefined);
    assert.equal(parseColor(''), undefined);
  });

  it('picks the label colour with more contrast', () => {
    assert.equal(labelColor([255, 235, 59, 1]), '#000');
    assert.equal(labelColor([20, 40, 120, 1]), '#fff');
  });

  it('gives a function the same colour every time, from the theme palette', () => {
    const palette: Rgba[] = [[255, 0, 0, 1], [0, 0, 255, 1]];
    const bg: Rgba = [0, 0, 0, 1];
    assert.deepEqual(frameFill('parse', palette, bg), frameFill('parse', palette, bg));
    assert.equal(nameHash('parse'), nameHash('parse'));
    assert.notEqual(nameHash('parse'), nameHash('parsf'));
    const fill = frameFill('parse', palette, bg);
    const base = palette[nameHash('parse') % 2];
    // a blend between the palette colour and the background, never outside them
    for (let i = 0; i < 3; i++) assert.ok(fill[i] <= Math.max(base[i], bg[i]) && fill[i] >= Math.min(base[i], bg[i]));
  });

  it('mixes and prints colours', () => {
    assert.deepEqual(mix([0, 0, 0, 1], [200, 100, 50, 1], 0.5), [100, 50, 25, 1]);
    assert.equal(toCss([100.4, 50.6, 0, 0.25]), 'rgba(100, 51, 0, 0.25)');
  });
});

describe('differential flame graph colours', () => {
  const gain: Rgba = [255, 0, 0, 1];
  const loss: Rgba = [0, 0, 255, 1];
  const neutral: Rgba = [100, 100, 100, 1];

  it('keeps unchanged nodes neutral', () => {
    assert.deepEqual(diffFill(0, 5, gain, loss, neutral), neutral);
    assert.deepEqual(diffFill(3, 0, gain, loss, neutral), neutral);
  });

  it('shades gains toward the gain colour and losses toward the loss colour, stronger for bigger changes', () => {
    const small = diffFill(0.5, 5, gain, loss, neutral);
    const big = diffFill(5, 5, gain, loss, neutral);
    assert.ok(small[0] > neutral[0] && big[0] > small[0]);
    assert.deepEqual(big, gain);
    assert.deepEqual(diffFill(-50, 5, gain, loss, neutral), loss);
    assert.ok(diffFill(-1, 5, gain, loss, neutral)[2] > neutral[2]);
  });
});
