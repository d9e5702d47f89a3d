/**
 * The visible window onto a flame layout: an x range in layout (weight) units and a vertical
 * scroll in pixels. Pure functions so mouse, keyboard and tests share one behaviour.
 */
export interface Viewport {
  start: number;
  end: number;
  scrollY: number;
}

/** The narrowest window allowed, as a fraction of the full extent (deeper zoom shows nothing new). */
const MIN_SPAN = 1e-7;

export function fullView(extent: number): Viewport {
  return { start: 0, end: extent, scrollY: 0 };
}

/** Keeps the window inside [0, extent] and at least MIN_SPAN wide, preserving its span when it can. */
export function clampView(v: Viewport, extent: number, maxScrollY = Infinity): Viewport {
  let span = Math.min(extent, Math.max(v.end - v.start, extent * MIN_SPAN));
  if (!(span > 0)) span = extent;
  let start = Math.max(0, Math.min(v.start, extent - span));
  if (!Number.isFinite(start)) start = 0;
  const scrollY = Math.max(0, Math.min(v.scrollY, Math.max(0, maxScrollY)));
  return { start, end: start + span, scrollY };
}

/** Zooms by `factor` (>1 zooms in) keeping the point at `pivot` (0..1 across the view) fixed. */
export function zoomAt(v: Viewport, extent: number, pivot: number, factor: number): Viewport {
  const span = v.end - v.start;
  const at = v.start + span * pivot;
  const next = span / factor;
  return clampView({ start: at - next * pivot, end: at - next * pivot + next, scrollY: v.scrollY }, extent);
}

/** Pans by a fraction of the visible span (negative = left) and by `dy` pixels. */
export function panBy(v: Viewport, extent: number, fraction: number, dy = 0, maxScrollY = Infinity): Viewport {
  const shift = (v.end - v.start) * fraction;
  return clampView({ start: v.start + shift, end: v.end + shift, scrollY: v.scrollY + dy }, extent, maxScrollY);
}

/** The window that shows exactly [x, x + width]. */
export function focusOn(v: Viewport, extent: number, x: number, width: number): Viewport {
  return clampView({ start: x, end: x + width, scrollY: v.scrollY }, extent);
}
