'use strict';
// Shared by the Chromium webview test (browser.ts) and the VS Code UI driver (driver.js): both
// hand this function to the page, which runs it on the flame graph's canvas.

/**
 * Runs in the page: for each 18-px row of the canvas, splits it into rectangles by the fill
 * colour below the labels, then takes, per rectangle, the pixel of the label area that
 * contrasts most with the fill (the label's ink). Returns how many labelled rectangles there
 * are and the smallest of those WCAG contrast ratios.
 */
function labelContrast() {
  const c = document.getElementById('flame');
  const dpr = c.width / c.getBoundingClientRect().width;
  const row = 18 * dpr;
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const lin = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : Math.pow((v / 255 + 0.055) / 1.055, 2.4));
  const lum = (i) => 0.2126 * lin(data[i]) + 0.7152 * lin(data[i + 1]) + 0.0722 * lin(data[i + 2]);
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const at = (x, y) => 4 * (Math.floor(y) * c.width + x);
  const rgb = (i) => (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
  const background = rgb(at(c.width - 1, c.height - 1));
  let labels = 0;
  let minContrast = Infinity;
  const fills = new Set();
  for (let top = 0; top + row <= c.height; top += row) {
    const fillY = top + 16 * dpr; // under the descenders, above the 1-px gap
    let x = 0;
    while (x < c.width) {
      const fill = rgb(at(x, fillY));
      let end = x;
      while (end < c.width && rgb(at(end, fillY)) === fill) end++;
      if (fill !== background && end - x >= 24 * dpr) {
        fills.add(fill);
        const fillLum = lum(at(x, fillY));
        let best = 1;
        for (let y = top + 3 * dpr; y < top + 15 * dpr; y++) for (let px = x; px < end; px++) best = Math.max(best, ratio(lum(at(px, y)), fillLum));
        if (best > 1.5) {
          labels++;
          minContrast = Math.min(minContrast, best);
        }
      }
      x = end;
    }
  }
  return { labels, minContrast: +minContrast.toFixed(2), fills: fills.size };
}

module.exports = { labelContrast };
