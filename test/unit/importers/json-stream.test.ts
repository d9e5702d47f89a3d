import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { JsonStreamReader, type JsonHandler } from '../../../src/core/profile/json/stream';
import { FIXTURES } from './support';

const SOURCE = { file: 'doc.json', format: 'test' };

/**
 * Rebuilds a document through the streaming handlers, choosing for each value the handler a
 * real importer would (the shape comes from `shape`, the data from the stream): arrays of
 * numbers via `number`, other arrays via `item`, objects via `key`, and every other object
 * member plus all scalars materialized via `value`, so every path of the reader runs.
 */
function mirror(shape: unknown, set: (v: unknown) => void, materialize = false): JsonHandler {
  if (materialize || shape === null || typeof shape !== 'object') return { value: set };
  if (Array.isArray(shape)) {
    const out: unknown[] = [];
    if (shape.length > 0 && shape.every((x) => typeof x === 'number')) {
      return { number: (n) => out.push(n), end: () => set(out) };
    }
    return { item: (i) => mirror(shape[i], (v) => (out[i] = v)), end: () => set(out) };
  }
  const out: Record<string, unknown> = {};
  let count = 0;
  return {
    key: (k) => mirror((shape as Record<string, unknown>)[k], (v) => (out[k] = v), count++ % 2 === 1),
    end: () => set(out),
  };
}

/** Materializes `text` with the stream reader, fed in chunks of the given sizes. */
function streamParse(bytes: Uint8Array, chunkSizes: number[], handler?: JsonHandler): unknown {
  let result: unknown;
  const reader = new JsonStreamReader(handler ?? { value: (v) => (result = v) }, SOURCE);
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = chunkSizes[i++ % chunkSizes.length];
    reader.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  reader.end();
  return result;
}

function numbersOf(bytes: Uint8Array, chunkSizes: number[]): number[] {
  const out: number[] = [];
  streamParse(bytes, chunkSizes, { number: (n) => out.push(n) });
  return out;
}

function errorOf(fn: () => unknown): ProfileImportError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${e}`);
    return e;
  }
  assert.fail('expected an error');
}

const enc = (s: string) => new TextEncoder().encode(s);

describe('JsonStreamReader', () => {
  it('reads arrays of numbers in any chunking, like JSON.parse', () => {
    const text = '[0, -1, 12345678901234567, 3.25, -4e3, 5E-2, 1e+2, 0.5 ,\n 99]';
    for (const sizes of [[1], [2], [3, 1], [7], [1000]]) {
      assert.deepEqual(numbersOf(enc(text), sizes), JSON.parse(text), `chunks ${sizes}`);
    }
    assert.deepEqual(numbersOf(enc('[]'), [1]), []);
    assert.deepEqual(numbersOf(enc('\uFEFF[7, 8]'), [5]), [7, 8], 'a byte-order mark is skipped');
  });

  it('reads decimal fractions to the same double as JSON.parse, on the fast path and past it', () => {
    // Random decimals of 1 to 18 digits (the fast path takes up to 15), halfway cases and
    // the forms that must leave it: exponents, 16+ digits, negative zero.
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const numbers: string[] = ['0.1', '0.2', '0.3', '-0.0', '2.5', '0.979', '123456789.012345', '1234567890.12345', '0.000000000000001', '9007199254.7409919', '1.5e3', '-2.25E-2', '0.1234567890123456789'];
    for (let i = 0; i < 4000; i++) {
      const whole = Math.floor(random() * 10 ** Math.floor(random() * 9));
      const digits = 1 + Math.floor(random() * 12);
      const fraction = String(Math.floor(random() * 10 ** digits)).padStart(digits, '0');
      numbers.push(`${random() < 0.3 ? '-' : ''}${whole}.${fraction}`);
    }
    const text = `[${numbers.join(',')}]`;
    const expected = JSON.parse(text) as number[];
    for (const sizes of [[1], [5], [4096]]) {
      const got = numbersOf(enc(text), sizes);
      assert.equal(got.length, expected.length);
      for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], expected[i]), `chunks ${sizes}: ${numbers[i]} read as ${got[i]}, JSON.parse gives ${expected[i]}`);
    }
    assert.match(errorOf(() => numbersOf(enc('[1.]'), [100])).message, /invalid number "1\."/);
    assert.match(errorOf(() => numbersOf(enc('[01.5]'), [100])).message, /invalid number "01\.5"/);
  });

  it('reads mixed cells as numbers and NaN, and scalars without JSON.parse, in any chunking', () => {
    const text = '[[1, null, "a,]\\"b", {"x": [1, [2]]}, true, -2.5, [], false], [], ["\\u00e9", 3]]';
    const expected = JSON.parse(text).map((row: unknown[]) => row.map((v) => (typeof v === 'number' ? v : NaN)));
    const scalars = '{"s": "caf\\u00e9 \u00fc", "n": -1.5e2, "t": true, "f": false, "z": null, "o": {"a": 1}}';
    for (const sizes of [[1], [2], [3, 1], [7], [1000]]) {
      const rows: number[][] = [];
      let row: number[] = [];
      const cells: JsonHandler = { cells: true, number: (n) => row.push(n), end: () => (rows.push(row), (row = [])) };
      streamParse(enc(text), sizes, { item: () => cells });
      assert.deepEqual(rows, expected, `chunks ${sizes}`);

      const got: Record<string, unknown> = {};
      streamParse(enc(scalars), sizes, { key: (k) => ({ scalar: (v) => (got[k] = v) }) });
      // The object member is a container: a scalar-only handler skips it.
      assert.deepEqual(got, { s: 'café ü', n: -150, t: true, f: false, z: null }, `chunks ${sizes}`);
    }
    const bad = errorOf(() => streamParse(enc('[1, nul]'), [3], { cells: true, number: () => undefined }));
    assert.match(bad.message, /invalid literal/);
  });

  it('rebuilds nested documents through key/item/value handlers in any chunking', () => {
    const doc = {
      nodes: [
        { id: 1, callFrame: { functionName: 'a "quoted" \u00e9\u4e2d \\ name', url: 'file:///x.js' }, children: [2, 3] },
        { id: 2, callFrame: { functionName: '', url: '' }, positionTicks: [{ line: 3, ticks: 7 }] },
      ],
      empty: {},
      list: [[], [1, [2, { a: null }]], true, false, null, 'x'],
      'k\u00e9y': -0.5,
    };
    const bytes = enc(JSON.stringify(doc, null, 1));
    for (const sizes of [[1], [2, 5], [13], [bytes.length]]) {
      let result: unknown;
      streamParse(bytes, sizes, mirror(doc, (v) => (result = v)));
      assert.deepEqual(result, doc, `chunks ${sizes}`);
    }
  });

  it('reads an async stream of chunks', async () => {
    const out: number[] = [];
    async function* chunks() {
      yield enc('{"samples": [1, 2');
      yield enc('3, 4]}');
    }
    await JsonStreamReader.read(chunks(), { key: () => ({ number: (n) => out.push(n) }) }, SOURCE);
    assert.deepEqual(out, [1, 23, 4]);
  });

  it('visits only the keys asked for and skips the rest without materializing it', () => {
    const seen: string[] = [];
    const samples: number[] = [];
    const text = '{"skipMe": {"deep": [1, {"x": "]}"}]}, "samples": [5, 6], "after": "ok"}';
    streamParse(enc(text), [3], {
      key(name) {
        seen.push(name);
        return name === 'samples' ? { number: (n) => samples.push(n) } : undefined;
      },
    });
    assert.deepEqual(seen, ['skipMe', 'samples', 'after']);
    assert.deepEqual(samples, [5, 6]);
  });

  it('asks for an element handler once even when the element spans chunks', () => {
    const asked: number[] = [];
    const values: unknown[] = [];
    streamParse(enc('[{"a": 1}, {"b": [1, 2, 3]}]'), [2], {
      item(index) {
        asked.push(index);
        return { value: (v) => values.push(v) };
      },
    });
    assert.deepEqual(asked, [0, 1]);
    assert.deepEqual(values, [{ a: 1 }, { b: [1, 2, 3] }]);
  });

  it('hands runs of elements to `elements` and `batch`, each element once and in order, in any chunking', () => {
    // `elements` takes only one-digit numbers (and never the last element of a chunk); the
    // rest go to `batch` when they are complete in the buffer, else to `item`.
    const values = [1, { a: '}]"' }, 2, 3, [4, [5]], 'x,y', 6, null, 7, { b: [{ c: '\\' }] }, 8];
    const bytes = enc(` [ ${values.map((v) => JSON.stringify(v)).join(' , ')} ] `);
    for (const size of [1, 2, 3, 5, 8, 13, 100]) {
      const seen: [string, number, unknown][] = [];
      const element = (index: number): JsonHandler => ({ value: (v) => seen.push(['item', index, v]) });
      streamParse(bytes, [size], {
        item: element,
        elements(buf, start, end, read) {
          let p = start;
          let count = 0;
          while (p + 1 < end && buf[p] >= 0x30 && buf[p] <= 0x39 && (buf[p + 1] === 0x20 || buf[p + 1] === 0x2c || buf[p + 1] === 0x5d)) {
            seen.push(['elements', -1, buf[p] - 0x30]);
            count++;
            read.pos = p + 1;
            let q = p + 1;
            while (q < end && buf[q] === 0x20) q++;
            if (q >= end || buf[q] !== 0x2c) break;
            q++;
            while (q < end && buf[q] === 0x20) q++;
            p = q;
          }
          read.count = count;
        },
        batch: (batch, first) => batch.forEach((v, i) => seen.push(['batch', first + i, v])),
      });
      assert.deepEqual(
        seen.map(([, , v]) => v),
        values,
        `chunks of ${size}: ${JSON.stringify(seen)}`,
      );
      // Indices given to item and batch are the elements' own.
      for (const [how, index, v] of seen) if (how !== 'elements') assert.deepEqual(values[index], v, `chunks of ${size}: ${how} ${index}`);
      if (size === 100) assert.deepEqual(new Set(seen.map(([how]) => how)), new Set(['elements', 'batch']), 'whole: no element alone');
    }
  });

  it('reads rows through `rows` as through `item`, in any chunking, errors included', () => {
    const text = ' [ [1, 2.5, -3], [], [ "x,]", {"a": [1, "]"]}, null, 4 ] ,[5e2,true,-0.125],\n[6] ] ';
    let asked = 0;
    const read = (rows: boolean, sizes: number[]) => {
      const out: (number | string)[] = [];
      const row: JsonHandler = { cells: true, number: (n) => out.push(n), end: () => out.push('|') };
      asked = 0;
      streamParse(enc(text), sizes, { item: () => (asked++, row), ...(rows ? { rows: row } : {}) });
      return out;
    };
    const expected = read(false, [1000]);
    assert.equal(asked, 5);
    read(true, [1000]);
    assert.equal(asked, 0, 'whole rows in the buffer: no row through item');
    assert.deepEqual(expected, [1, 2.5, -3, '|', '|', NaN, NaN, NaN, 4, '|', 500, NaN, -0.125, '|', 6, '|']);
    for (const size of [1, 2, 3, 5, 9, 1000]) assert.deepEqual(read(true, [size]), expected, `chunks of ${size}`);
    // A bad row is reported as without `rows`, with its place.
    for (const bad of ['[[1,2],[3 4]]', '[[1,2],[01]]', '[[1],[2,]]', '[[1],[-]]']) {
      const handler = (rows: boolean): JsonHandler => {
        const row: JsonHandler = { number: () => {}, end: () => {} };
        return { item: () => row, ...(rows ? { rows: row } : {}) };
      };
      for (const size of [2, 1000]) {
        const a = errorOf(() => streamParse(enc(bad), [size], handler(true)));
        const b = errorOf(() => streamParse(enc(bad), [size], handler(false)));
        assert.equal(a.message, b.message, bad);
        assert.equal(a.position, b.position, bad);
      }
    }
    // An error the row handler throws is the handler's, and its row is not read twice.
    let ends = 0;
    const failing: JsonHandler = { number: () => {}, end: () => { if (++ends === 2) throw new Error('stop'); } };
    assert.throws(() => streamParse(enc('[[1],[2],[3]]'), [1000], { item: () => failing, rows: failing }), /stop/);
    assert.equal(ends, 2);
  });

  it('names the element at fault when a batch does not parse, as without batches', () => {
    const text = '{"nodes": [{"id": 1}, {"id": 2}, {"id": 3,}, {"id": 4}]}';
    const handler = (batch: boolean): JsonHandler => ({
      key: () => ({ item: () => ({ value: () => {} }), ...(batch ? { batch: () => {} } : {}) }),
    });
    for (const size of [3, 1000]) {
      const withBatch = errorOf(() => streamParse(enc(text), [size], handler(true)));
      const without = errorOf(() => streamParse(enc(text), [size], handler(false)));
      assert.equal(withBatch.message, without.message);
      assert.equal(withBatch.position, without.position);
      assert.match(withBatch.message, /in \$\.nodes\[2\]/);
    }
    // A run cut by a stray '}' parses up to it; the '}' is reported where it is.
    const stray = errorOf(() => streamParse(enc('[{"a": 1}, 2}]'), [1000], { item: () => ({ value: () => {} }), batch: () => {} }));
    assert.match(stray.message, /expected ',' or '\]', found '\}'/);
    assert.equal(stray.position, 'byte 12');
  });

  it('reports truncation and syntax errors with the byte offset', () => {
    const truncated = errorOf(() => streamParse(enc('{"samples": [1, 2, 3'), [4], { key: () => ({ number: () => {} }) }));
    assert.match(truncated.message, /^truncated JSON: expected ',' or '\]'/);
    assert.equal(truncated.position, 'byte 20');
    assert.equal(truncated.file, 'doc.json');
    assert.equal(truncated.format, 'test');

    const bad = errorOf(() => streamParse(enc('{"samples": [1, 2 x]}'), [100], { key: () => ({ number: () => {} }) }));
    assert.match(bad.message, /^invalid JSON: expected ',' or '\]' after a number in \$\.samples\[1\], found 'x'/);
    assert.equal(bad.position, 'byte 18');

    const wrongType = errorOf(() => streamParse(enc('{"samples": {"a": 1}}'), [100], { key: () => ({ number: () => {} }) }));
    assert.match(wrongType.message, /expected an array in \$\.samples, found an object/);

    assert.match(errorOf(() => streamParse(enc('[1, 2] 3'), [100], { number: () => {} })).message, /after the end of the document/);
    assert.match(errorOf(() => streamParse(enc(''), [1])).message, /^truncated JSON: expected a value/);
    assert.match(errorOf(() => streamParse(enc('{"a": "unterminated'), [3], { key: () => ({ value: () => {} }) })).message, /^truncated JSON: expected the end|^truncated JSON: unterminated/);
    assert.match(errorOf(() => streamParse(enc('[01]'), [100], { number: () => {} })).message, /invalid number "01"/);
    assert.match(errorOf(() => streamParse(enc('[tru'), [2], { item: () => ({}) })).message, /^truncated JSON: truncated literal/);
  });

  it('copies what it keeps of recycled chunks (the caller overwrites them after each write)', () => {
    const dir = path.join(FIXTURES, 'cpuprofile');
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).slice(0, 4)) {
      const bytes = fs.readFileSync(path.join(dir, name));
      const expected = JSON.parse(bytes.toString('utf8'));
      for (const size of [1, 5, 4093]) {
        let result: unknown;
        const reader = new JsonStreamReader(mirror(expected, (v) => (result = v)), SOURCE, { recycled: true });
        // One buffer for every chunk, poisoned before each refill: anything the reader kept
        // without copying is garbage by the next write.
        const shared = new Uint8Array(size);
        for (let i = 0; i < bytes.length; i += size) {
          shared.fill(0x7b);
          const n = Math.min(size, bytes.length - i);
          shared.set(bytes.subarray(i, i + n));
          reader.write(shared.subarray(0, n));
        }
        shared.fill(0x7b);
        reader.end();
        assert.deepEqual(result, expected, `${name} in chunks of ${size}`);
      }
    }
  });

  it('equals JSON.parse on every cpuprofile and trace-event fixture, in small chunks', () => {
    for (const format of ['cpuprofile', 'trace-event']) {
      const dir = path.join(FIXTURES, format);
      for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.json') || f.endsWith('.cpuprofile'))) {
        const bytes = fs.readFileSync(path.join(dir, name));
        let expected: unknown;
        try {
          expected = JSON.parse(bytes.toString('utf8'));
        } catch {
          continue; // partial traces are not JSON; their importer repairs them
        }
        let result: unknown;
        streamParse(bytes, [4093], mirror(expected, (v) => (result = v)));
        assert.deepEqual(result, expected, name);
      }
    }
  });
});
