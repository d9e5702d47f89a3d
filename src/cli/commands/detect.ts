import { readFile } from 'node:fs/promises';
import { detectChangePoints, type ChangePoint } from '../../core/regression/changepoints';
import { CliError, type CliCommand } from '../command';

/** One input row; `value` is undefined for a missing value (still a row, still counted). */
export interface SeriesRow {
  time: string | number | null;
  value: number | undefined;
}

type Format = 'csv' | 'json';

const missingWords = new Set(['', 'null', 'nan']);

/** Reads a series: JSON (array of numbers or of {time, value}) or CSV (`time,value` or `value`, header optional). */
export function parseSeries(text: string, file: string): { rows: SeriesRow[]; format: Format } {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  return trimmed.startsWith('[') ? { rows: parseJsonSeries(trimmed, file), format: 'json' } : { rows: parseCsvSeries(text, file), format: 'csv' };
}

function parseJsonSeries(text: string, file: string): SeriesRow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new CliError(`invalid JSON: ${(e as Error).message}`, { file, format: 'json' });
  }
  if (!Array.isArray(data)) throw new CliError('expected a JSON array of numbers or of {time, value}', { file, format: 'json' });
  return data.map((item, row) => {
    const fail = (what: string) => new CliError(`row ${row}: ${what}`, { file, format: 'json' });
    if (item === null) return { time: null, value: undefined };
    if (typeof item === 'number' || typeof item === 'string') return { time: null, value: jsonValue(item, fail) };
    if (typeof item !== 'object' || Array.isArray(item)) throw fail(`expected a number, null or {time, value}, got ${JSON.stringify(item)}`);
    const record = item as Record<string, unknown>;
    if (!('value' in record)) throw fail('object has no "value" field');
    const time = record.time ?? null;
    if (time !== null && typeof time !== 'number' && typeof time !== 'string') throw fail(`"time" must be a number or a string, got ${JSON.stringify(time)}`);
    return { time, value: jsonValue(record.value, fail) };
  });
}

function jsonValue(v: unknown, fail: (what: string) => CliError): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return textValue(v, () => fail(`${JSON.stringify(v)} is not a number`));
  throw fail(`"value" must be a number or null, got ${JSON.stringify(v)}`);
}

function textValue(s: string, fail: () => CliError): number | undefined {
  const t = s.trim();
  if (missingWords.has(t.toLowerCase())) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n)) throw fail();
  return n;
}

function splitCsvLine(line: string): string[] {
  return line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
}

function parseCsvSeries(text: string, file: string): SeriesRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) return [];
  const head = splitCsvLine(lines[0]);
  let timeCol = head.length > 1 ? 0 : -1;
  let valueCol = head.length > 1 ? 1 : 0;
  // A header is a first line whose value column is a word, not a number or a missing value.
  const headerValue = head[valueCol].toLowerCase();
  const first = !missingWords.has(headerValue) && !Number.isFinite(Number(headerValue)) ? 1 : 0;
  if (first === 1) {
    const names = head.map((h) => h.toLowerCase());
    if (names.includes('value')) valueCol = names.indexOf('value');
    if (names.includes('time')) timeCol = names.indexOf('time');
  }
  const rows: SeriesRow[] = [];
  for (let i = first; i < lines.length; i++) {
    const row = i - first;
    const fields = splitCsvLine(lines[i]);
    const fail = (what: string) => new CliError(`row ${row} (line ${i + 1}): ${what}`, { file, format: 'csv' });
    if (fields.length <= Math.max(valueCol, timeCol) && lines[i].trim() !== '') {
      throw fail(`expected ${Math.max(valueCol, timeCol) + 1} columns, got ${fields.length}`);
    }
    const value = textValue(fields[valueCol] ?? '', () => fail(`value "${fields[valueCol]}" is not a number`));
    const rawTime = timeCol >= 0 ? fields[timeCol] ?? '' : '';
    const time = rawTime === '' ? null : Number.isFinite(Number(rawTime)) ? Number(rawTime) : rawTime;
    rows.push({ time, value });
  }
  return rows;
}

/** "1%" → 0.01, "0.5 %" → 0.005, "0.02" → 0.02. */
export function parseFraction(text: string, option: string): number {
  const t = text.trim();
  const percent = t.endsWith('%');
  const n = Number(percent ? t.slice(0, -1) : t);
  if (t === '' || !Number.isFinite(n) || n < 0) throw new CliError(`--${option} expects a non-negative number or percentage, got "${text}"`);
  return percent ? n / 100 : n;
}

export interface DetectedChange {
  index: number;
  time: string | number | null;
  before: number;
  after: number;
  relativeChange: number | null;
  pValue: number;
}

/** Change points of `rows`, indexed over all rows (missing values included). */
export function detectInRows(rows: readonly SeriesRow[], options: { pValue: number; minChange: number }): { changes: DetectedChange[]; points: number } {
  const rowOf: number[] = [];
  const values: number[] = [];
  rows.forEach((r, i) => {
    if (r.value !== undefined && Number.isFinite(r.value)) {
      rowOf.push(i);
      values.push(r.value);
    }
  });
  const cps: ChangePoint[] = detectChangePoints(values, { pValue: options.pValue, minChange: options.minChange });
  const changes = cps.map((cp) => {
    const row = rowOf[cp.index];
    return { index: row, time: rows[row].time, before: cp.before, after: cp.after, relativeChange: cp.relativeChange, pValue: cp.pValue };
  });
  return { changes, points: values.length };
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}`;
}

export const detectCommand: CliCommand = {
  path: ['detect'],
  usage: 'detect SERIES [--p 0.001] [--min-change 1%] [--json]',
  summary: 'Find change points in a series (CSV time,value or value; JSON numbers or {time, value}).',
  options: {
    p: { type: 'string' },
    'min-change': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const file = args.positionals[0];
    if (!file || args.positionals.length > 1) throw new CliError(`expected one SERIES file\nUsage: hotpath ${detectCommand.usage}`);
    const pValue = parseFraction(String(args.values.p ?? '0.001'), 'p');
    if (!(pValue > 0 && pValue < 1)) throw new CliError(`--p must be between 0 and 1, got ${args.values.p}`);
    const minChange = parseFraction(String(args.values['min-change'] ?? '1%'), 'min-change');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read the series: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
    }
    const { rows } = parseSeries(text, file);
    const { changes, points } = detectInRows(rows, { pValue, minChange });
    if (args.values.json) {
      io.out(JSON.stringify({ changePoints: changes }));
      return 0;
    }
    const settings = `p ≤ ${pValue}, min change ${Number((minChange * 100).toPrecision(6))}%`;
    if (changes.length === 0) {
      io.out(`No change points in ${points} points of ${rows.length} rows (${settings}).`);
      return 0;
    }
    const lines = [`${changes.length} change point${changes.length === 1 ? '' : 's'} in ${points} points of ${rows.length} rows (${settings}):`];
    for (const c of changes) {
      const rel = c.relativeChange === null ? 'n/a' : `${signed(c.relativeChange * 100)}%`;
      const when = c.time === null ? '' : ` (time ${c.time})`;
      lines.push(`  row ${c.index}${when}: ${Number(c.before.toPrecision(6))} → ${Number(c.after.toPrecision(6))}  ${rel}  p = ${c.pValue.toExponential(2)}`);
    }
    io.out(lines.join('\n'));
    return 0;
  },
};
