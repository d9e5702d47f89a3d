/** Weight and share formatting for the flame graph, the tooltip and the table. */
import type { WireProfile } from '../protocol';

type Unit = WireProfile['unit'];

const timeScale: Partial<Record<Unit, number>> = { nanoseconds: 1, microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };

function trim(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

/** "12.3 ms", "1.50 MiB", "1,234 samples". */
export function formatWeight(value: number, unit: Unit): string {
  const scale = timeScale[unit];
  if (scale !== undefined) {
    const ns = value * scale;
    if (ns === 0) return '0 ms';
    if (ns >= 1e9) return `${trim(ns / 1e9)} s`;
    if (ns >= 1e6) return `${trim(ns / 1e6)} ms`;
    if (ns >= 1e3) return `${trim(ns / 1e3)} µs`;
    return `${trim(ns)} ns`;
  }
  if (unit === 'bytes') {
    const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = value;
    let i = 0;
    while (v >= 1024 && i < steps.length - 1) {
      v /= 1024;
      i++;
    }
    return i === 0 ? `${v} B` : `${trim(v)} ${steps[i]}`;
  }
  const count = Math.round(value).toLocaleString('en-US');
  return unit === 'count' ? count : `${count} ${unit}`;
}

/** "12.3%" of `total`; "0%" when total is zero. */
export function formatShare(value: number, total: number): string {
  if (!(total > 0)) return '0%';
  const p = (value / total) * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(1) : p.toFixed(2)}%`;
}
