/**
 * Colours: frames take a theme chart colour (`--vscode-charts-*`) picked by a hash of the
 * function name, so one function keeps its colour everywhere; labels use black or white,
 * whichever contrasts more with the bar.
 */
export type Rgba = [number, number, number, number];

/** The theme variables the palette is read from, in order. */
export const PALETTE_VARIABLES = [
  '--vscode-charts-orange',
  '--vscode-charts-yellow',
  '--vscode-charts-red',
  '--vscode-charts-purple',
  '--vscode-charts-blue',
  '--vscode-charts-green',
] as const;

/** FNV-1a of the name: stable across sessions, cheap for many frames. */
export function nameHash(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Parses "#rgb", "#rrggbb", "#rrggbbaa", "rgb(r, g, b)" and "rgba(r, g, b, a)"; undefined otherwise. */
export function parseColor(css: string): Rgba | undefined {
  const s = css.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) return [0, 1, 2].map((i) => parseInt(m![1][i] + m![1][i], 16)).concat(1) as Rgba;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) {
    const v = m[1];
    return [parseInt(v.slice(0, 2), 16), parseInt(v.slice(2, 4), 16), parseInt(v.slice(4, 6), 16), m[2] ? parseInt(m[2], 16) / 255 : 1];
  }
  m = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
  return undefined;
}

/** Linear blend of two colours: t = 0 gives a, t = 1 gives b. */
export function mix(a: Rgba, b: Rgba, t: number): Rgba {
  return [0, 1, 2, 3].map((i) => a[i] + (b[i] - a[i]) * t) as Rgba;
}

export function toCss(c: Rgba): string {
  return `rgba(${Math.round(c[0])}, ${Math.round(c[1])}, ${Math.round(c[2])}, ${+c[3].toFixed(3)})`;
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance(c: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** "#000" or "#fff", whichever has the higher contrast ratio against `background`. */
export function labelColor(background: Rgba): '#000' | '#fff' {
  const l = luminance(background);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

/**
 * Fill for a frame: the palette colour for its name, lightened or darkened a little by a
 * second hash bit pattern so neighbouring frames of the same hue stay distinguishable.
 */
export function frameFill(name: string, palette: readonly Rgba[], background: Rgba): Rgba {
  const h = nameHash(name);
  const base = palette[h % palette.length];
  const shade = ((h >>> 8) % 5) / 5; // 0, 0.2, … 0.8
  return mix(base, background, shade * 0.35);
}

/**
 * Fill for a node of a differential flame graph: `delta` is the change of its share of the
 * total in percentage points; gains shade toward `gain`, losses toward `loss`, saturating at
 * `scale` points, and an unchanged node keeps the `neutral` colour.
 */
export function diffFill(delta: number, scale: number, gain: Rgba, loss: Rgba, neutral: Rgba): Rgba {
  if (!(scale > 0) || delta === 0) return neutral;
  const t = Math.min(1, Math.abs(delta) / scale);
  return mix(neutral, delta > 0 ? gain : loss, 0.25 + 0.75 * t);
}
