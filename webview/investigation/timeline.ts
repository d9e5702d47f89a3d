/**
 * The timeline's geometry in data units, independent of d3 and the DOM (unit-tested): the
 * extent of both axes, the before and after levels of the change point, and the confidence
 * band of the after level (before + the 95% interval of the change).
 */
import type { Investigation } from './protocol';

export interface TimelineModel {
  x: [number, number];
  y: [number, number];
  /** Mean before the change, drawn from the first point to the change. */
  before: { from: number; to: number; value: number };
  /** Mean after the change, from the change to the last point. */
  after: { from: number; to: number; value: number };
  /** Where the after level plausibly lies (95%), over the after segment. */
  band: { from: number; to: number; low: number; high: number };
  /** Markers inside the x extent, oldest first. */
  markers: Investigation['markers'];
}

export function timelineModel(inv: Investigation): TimelineModel {
  const times = inv.points.map((p) => p.time);
  const first = times.length ? Math.min(...times) : inv.changePoint.time;
  const last = times.length ? Math.max(...times) : inv.changePoint.time;
  const cp = inv.changePoint;
  const band = { from: cp.time, to: last, low: cp.before + cp.ci95[0], high: cp.before + cp.ci95[1] };
  const values = [...inv.points.map((p) => p.value), cp.before, cp.after, band.low, band.high];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  // Some headroom so the line never touches the frame; a flat series still gets a visible range.
  const pad = (hi - lo) * 0.08 || Math.max(Math.abs(hi) * 0.05, 1e-4);
  lo = Math.max(0, lo - pad);
  hi += pad;
  const span = last - first || 60_000;
  return {
    x: [first, first + span],
    y: [lo, hi],
    before: { from: first, to: cp.time, value: cp.before },
    after: { from: cp.time, to: last, value: cp.after },
    band,
    markers: inv.markers.filter((m) => m.time >= first && m.time <= first + span).sort((a, b) => a.time - b.time),
  };
}

/** A share as percent with enough digits to tell nearby values apart. */
export function percent(fraction: number): string {
  const p = fraction * 100;
  return `${p.toFixed(Math.abs(p) >= 10 ? 1 : 2)}%`;
}
