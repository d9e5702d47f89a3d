import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../../src/cli/command';
import { detectInRows, parseFraction, parseSeries } from '../../../src/cli/commands/detect';
import { runCli } from '../../../src/cli/main';

const fixtures = join(__dirname, '../../fixtures/series');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hotpath-detect-')), name);
  writeFileSync(file, text);
  return file;
}

describe('hotpath detect: series parsing', () => {
  it('reads CSV with a time,value header and keeps missing values as rows', () => {
    const { rows, format } = parseSeries('time,value\n1,10\n2,\n3,null\n4,NaN\n5,11.5\n', 's.csv');
    assert.equal(format, 'csv');
    assert.deepEqual(rows, [
      { time: 1, value: 10 },
      { time: 2, value: undefined },
      { time: 3, value: undefined },
      { time: 4, value: undefined },
      { time: 5, value: 11.5 },
    ]);
  });

  it('reads CSV without a header, with string times, and value-only CSV', () => {
    assert.deepEqual(parseSeries('2026-01-01T00:00Z,3\r\n2026-01-01T01:00Z,4\r\n', 's.csv').rows, [
      { time: '2026-01-01T00:00Z', value: 3 },
      { time: '2026-01-01T01:00Z', value: 4 },
    ]);
    assert.deepEqual(parseSeries('value\n1\n\n2\n', 's.csv').rows, [
      { time: null, value: 1 },
      { time: null, value: undefined },
      { time: null, value: 2 },
    ]);
    assert.deepEqual(parseSeries('1\n2', 's.csv').rows.map((r) => r.value), [1, 2]);
    assert.deepEqual(parseSeries('value,time\n5,100\n', 's.csv').rows, [{ time: 100, value: 5 }]);
  });

  it('reads JSON arrays of numbers (with nulls) and of {time, value}', () => {
    assert.deepEqual(parseSeries(' [1, null, 2.5]', 's.json').rows.map((r) => r.value), [1, undefined, 2.5]);
    const { rows, format } = parseSeries('[{"time":"t1","value":1},{"time":2,"value":null},{"value":"NaN"}]', 's.json');
    assert.equal(format, 'json');
    assert.deepEqual(rows, [
      { time: 't1', value: 1 },
      { time: 2, value: undefined },
      { time: null, value: undefined },
    ]);
  });

  it('names the file and the row of a bad value', () => {
    assert.throws(
      () => parseSeries('time,value\n1,2\n2,abc\n', 'bad.csv'),
      (e: unknown) => e instanceof CliError && e.message === 'row 1 (line 3): value "abc" is not a number' && e.details.file === 'bad.csv' && e.details.format === 'csv',
    );
    assert.throws(() => parseSeries('[1, 2, true]', 'bad.json'), /row 2: expected a number, null or \{time, value\}, got true/);
    assert.throws(() => parseSeries('[1, {"time": 3}]', 'bad.json'), /row 1: object has no "value" field/);
    assert.throws(() => parseSeries('[1, 2', 'bad.json'), /invalid JSON/);
    assert.throws(() => parseSeries('time,value\n1,2\n2\n', 'short.csv'), /row 1 \(line 3\): expected 2 columns, got 1/);
  });

  it('parses percentages and fractions', () => {
    assert.equal(parseFraction('1%', 'min-change'), 0.01);
    assert.equal(parseFraction('0.02', 'min-change'), 0.02);
    assert.throws(() => parseFraction('-1%', 'min-change'), /--min-change expects a non-negative number/);
  });

  it('indexes change points over all rows, missing ones included', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i < 50 ? 10 : 20) + ((i * 7) % 5) / 10);
    const rows = values.map((v, i) => ({ time: i, value: i % 10 === 3 ? undefined : v }));
    const { changes, points } = detectInRows(rows, { pValue: 0.001, minChange: 0.01 });
    assert.equal(points, 90);
    assert.deepEqual(
      changes.map((c) => c.index),
      [50],
    );
    // A change right after a gap is reported at the first row that has a value.
    const gap = values.map((v, i) => ({ time: i, value: i === 50 ? undefined : v }));
    assert.deepEqual(
      detectInRows(gap, { pValue: 0.001, minChange: 0 }).changes.map((c) => c.index),
      [51],
    );
  });
});

describe('hotpath detect: command', () => {
  it('prints JSON change points for a CSV fixture with gaps', async () => {
    const { code, out } = await run(['detect', join(fixtures, 'step-with-gaps.csv'), '--json']);
    assert.equal(code, 0);
    const parsed = JSON.parse(out) as { changePoints: Record<string, unknown>[] };
    assert.equal(parsed.changePoints.length, 1);
    const cp = parsed.changePoints[0];
    assert.deepEqual(Object.keys(cp), ['index', 'time', 'before', 'after', 'relativeChange', 'pValue']);
    assert.equal(cp.index, 70);
    assert.equal(cp.time, '2026-01-03T22:00:00.000Z');
    assert.ok((cp.relativeChange as number) > 0.015 && (cp.relativeChange as number) < 0.025);
    assert.ok((cp.pValue as number) < 1e-6);
  });

  it('prints a readable table, and honours --min-change and --p', async () => {
    const file = join(fixtures, 'numbers.json');
    const text = await run(['detect', file]);
    assert.equal(text.code, 0);
    assert.match(text.out, /^1 change point in 99 points of 100 rows \(p ≤ 0\.001, min change 1%\):\n {2}row 70: 200\.\d+ → 203\.\d+ {2}\+1\.\d+% {2}p = /);
    const floor = await run(['detect', file, '--min-change', '5%', '--json']);
    assert.deepEqual(JSON.parse(floor.out), { changePoints: [] });
    const strict = await run(['detect', file, '--p', '1e-40']);
    assert.match(strict.out, /^No change points in 99 points of 100 rows/);
  });

  it('fails in one line naming the file and row, exit 2', async () => {
    const bad = tempFile('bad.csv', 'time,value\n1,2\n2,x\n');
    const r = await run(['detect', bad]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim(), `hotpath: ${bad}: csv: row 1 (line 3): value "x" is not a number`);
    const json = await run(['detect', bad, '--json']);
    assert.equal(json.code, 2);
    assert.deepEqual(JSON.parse(json.out), { error: { message: 'row 1 (line 3): value "x" is not a number', file: bad, format: 'csv' } });
    const missing = await run(['detect', join(fixtures, 'nope.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /nope\.csv: cannot read the series: ENOENT/);
    assert.equal(missing.err.trim().split('\n').length, 1);
    const badP = await run(['detect', bad, '--p', '2']);
    assert.match(badP.err, /--p must be between 0 and 1/);
  });
});
