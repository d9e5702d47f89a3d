import type { WeightUnit } from '../core/profile/model';

/**
 * Makes text from a profile safe for a terminal: C0/C1 control characters, DEL and Unicode
 * bidi controls (which can reorder what a reader sees) are shown as escapes.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/**
 * JSON for stdout. `<`, `>` and `&` are escaped as \u003c… so the text can be embedded in
 * HTML (a frame named `</script>` stays inert); U+2028/2029 so it is valid JavaScript too.
 * JSON.parse gives back the original strings.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type Align = 'left' | 'right';

/** An aligned text table; cells are escaped, columns separated by two spaces. */
export function table(headers: string[], rows: string[][], align: Align[]): string {
  const cells = [headers, ...rows].map((row) => row.map(escapeControl));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? '')].length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => {
          const pad = ' '.repeat(widths[i] - [...cell].length);
          return align[i] === 'right' ? pad + cell : i === row.length - 1 ? cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A percentage with two decimals: "12.34%". */
export function formatPercent(percent: number): string {
  return `${percent.toFixed(2)}%`;
}

/** A signed change in percentage points: "+1.50 pp". */
export function formatDelta(points: number): string {
  const rounded = points.toFixed(2);
  return `${points > 0 && rounded !== '0.00' ? '+' : ''}${rounded === '-0.00' ? '0.00' : rounded} pp`;
}

/** A relative change: "+25%", "−50%", or "new" when there was nothing before. */
export function formatRelative(relative: number | null): string {
  if (relative === null) return 'new';
  const percent = Math.round(relative * 100);
  return `${percent > 0 ? '+' : ''}${percent}%`;
}

const TIME_UNITS: Partial<Record<WeightUnit, number>> = { nanoseconds: 1e-9, microseconds: 1e-6, milliseconds: 1e-3, seconds: 1 };

/** A weight in its unit for people: "1,234 samples", "12.3 ms", "4.0 MiB". */
export function formatWeight(value: number, unit: WeightUnit): string {
  const seconds = TIME_UNITS[unit];
  if (seconds !== undefined) return formatSeconds(value * seconds);
  if (unit === 'bytes') return formatBytes(value);
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function formatSeconds(s: number): string {
  const abs = Math.abs(s);
  if (abs === 0) return '0 s';
  if (abs >= 1) return `${s.toFixed(2)} s`;
  if (abs >= 1e-3) return `${(s * 1e3).toFixed(1)} ms`;
  if (abs >= 1e-6) return `${(s * 1e6).toFixed(1)} µs`;
  return `${(s * 1e9).toFixed(0)} ns`;
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Rounds a percentage for JSON output (4 decimals keep sums stable and files small). */
export function roundPercent(percent: number): number {
  return Math.round(percent * 1e4) / 1e4;
}

/** "file:line", "file", or "" for a location. */
export function formatLocation(file: string | undefined, line: number | undefined): string {
  if (!file) return '';
  return line ? `${file}:${line}` : file;
}

/**
 * A byte size as users write it: "512M", "2G", "1.5GiB", "100k", "4096". K/M/G/T are
 * binary multiples (1024), matching how the limit is reported.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const power = ' kmgt'.indexOf(m[2].toLowerCase() || ' ');
  const bytes = Math.floor(Number(m[1]) * 1024 ** power);
  return bytes > 0 ? bytes : undefined;
}
