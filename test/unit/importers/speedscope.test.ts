import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { importProfileBytes, importProfileFile } from '../../../src/core/profile/importers/index';
import { importSpeedscope, speedscopeImporter } from '../../../src/core/profile/importers/speedscope';
import { inputFromBytes, type ProfileInput } from '../../../src/core/profile/input';
import { FIXTURES, checkImport, foldedSnapshot, setSnapshot, recycled } from './support';

const DIR = path.join(FIXTURES, 'speedscope');
const fixture = (name: string) => path.join(DIR, name);
const SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

function bytesOf(json: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(json));
}

async function importError(json: unknown): Promise<ProfileImportError> {
  try {
    await importProfileBytes(typeof json === 'string' ? Buffer.from(json) : bytesOf(json), 'bad.json');
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${String(e)}`);
    return e;
  }
  assert.fail('import should have failed');
}

describe('speedscope importer', () => {
  // Totals are the sums of the stacks in speedscope's reference snapshot
  // (_reference_snapshots/file-format.test.ts.snap): "a;b;c 2", "a;b;d 4", "a;b;c 3", "a;b 5" = 14.
  it('imports an evented 0.0.1 file', async () => {
    const set = await checkImport(fixture('evented-0.0.1.speedscope.json'), {
      format: 'speedscope',
      totals: [14],
      names: ['simple.txt'],
      units: ['count'],
    });
    const p = set.profiles[0];
    // Evented profiles keep their timeline: one entry per interval between events.
    assert.deepEqual(Array.from(p.timeline!.time), [0, 2, 6, 9]);
    assert.deepEqual(Array.from(p.timeline!.weight), [2, 4, 3, 5]);
  });

  it('imports an evented file without pretty printing', async () => {
    await checkImport(fixture('evented-no-pretty-print-0.0.1.speedscope.json'), { format: 'speedscope', totals: [14] });
  });

  it('imports a sampled 0.1.2 file', async () => {
    const set = await checkImport(fixture('sampled-0.1.2.speedscope.json'), {
      format: 'speedscope',
      totals: [14],
      names: ['simple.speedscope.json'],
      units: ['seconds'],
    });
    assert.equal(set.profiles[0].sampleCount, 5);
    assert.deepEqual(Array.from(set.profiles[0].timeline!.time), [0, 1, 2, 6, 9]);
  });

  it('imports several profiles and keeps activeProfileIndex', async () => {
    const set = await checkImport(fixture('two-sampled-0.6.0.speedscope.json'), {
      format: 'speedscope',
      totals: [14, 14],
      names: ['one', 'two'],
    });
    // speedscope's reference snapshot: "multiple profiles: indexToView" = 1.
    assert.equal(set.activeIndex, 1);
  });

  it('rejects the invalid captures speedscope rejects, with one clear line', async () => {
    await assert.rejects(importProfileFile(fixture('invalid-incomplete-trace.json')), (e: unknown) => {
      assert.ok(e instanceof ProfileImportError);
      assert.equal(e.format, 'speedscope');
      assert.match(e.toLine(), /invalid-incomplete-trace\.json: speedscope: profile 0: the events end with 1 frame\(s\) still open \(innermost "A"\)$/);
      return true;
    });
    await assert.rejects(importProfileFile(fixture('invalid-out-of-order-events.json')), (e: unknown) => {
      assert.ok(e instanceof ProfileImportError);
      assert.match(e.message, /event 6 at 4 closes frame "B" while frame "A" is on top of the stack/);
      return true;
    });
  });

  it('keeps file, 1-based line and column, and odd names', async () => {
    const set = await importProfileBytes(
      bytesOf({
        $schema: SCHEMA,
        shared: {
          frames: [
            { name: 'main', file: '/src/app.ts', line: 3, col: 7 },
            { name: '</script><b>\u0001x' },
          ],
        },
        profiles: [{ type: 'sampled', name: 'p', unit: 'bytes', startValue: 0, endValue: 10, samples: [[0, 1], [0]], weights: [7, 3] }],
      }),
    );
    const p = set.profiles[0];
    assert.equal(p.unit, 'bytes');
    assert.deepEqual(p.frames[0], { name: 'main', file: '/src/app.ts', line: 3, column: 7 });
    assert.equal(p.frames[1].name, '</script><b>\u0001x');
    assert.equal(foldedSnapshot(p), '# p | unit=bytes | samples=2 | total=10 | stacks=2\nmain (/src/app.ts:3:7) 3\nmain (/src/app.ts:3:7);</script><b>\\u0001x 7\n');
  });

  it('does not count time when no frame is open, and honours startValue', async () => {
    const set = await importProfileBytes(
      bytesOf({
        $schema: SCHEMA,
        shared: { frames: [{ name: 'a' }, { name: 'b' }] },
        profiles: [
          {
            type: 'evented',
            name: 'gaps',
            unit: 'milliseconds',
            startValue: 100,
            endValue: 130,
            events: [
              { type: 'O', frame: 0, at: 100 },
              { type: 'O', frame: 1, at: 104 },
              { type: 'C', frame: 1, at: 110 },
              { type: 'C', frame: 0, at: 111 },
              { type: 'O', frame: 1, at: 120 },
              { type: 'C', frame: 1, at: 130 },
            ],
          },
        ],
      }),
    );
    const p = set.profiles[0];
    assert.equal(p.totalWeight, 4 + 6 + 1 + 10);
    assert.equal(foldedSnapshot(p), '# gaps | unit=milliseconds | samples=4 | total=21 | stacks=3\na 5\na;b 6\nb 10\n');
    assert.deepEqual(Array.from(p.timeline!.time), [0, 4, 10, 20]);
    assert.equal(p.startTime, 100);
    assert.equal(p.endTime, 130);
  });

  it('sniffs only files carrying the speedscope $schema', () => {
    const sniff = (text: string) => speedscopeImporter.sniff(Buffer.from(text), text);
    assert.ok(sniff(`{"$schema": "${SCHEMA}", "profiles": []}`));
    assert.ok(sniff(`\n  {"version":"1","$schema":"${SCHEMA}"}`));
    assert.ok(!sniff('{"nodes":[],"startTime":0,"endTime":1,"samples":[],"timeDeltas":[]}'));
    assert.ok(!sniff(`[{"name":"${SCHEMA}"}]`));
    assert.ok(!sniff(`{"traceEvents":[{"name":"$schema is ${SCHEMA}"}]}`));
  });

  describe('bad input', () => {
    const frames = { frames: [{ name: 'a' }] };
    const sampled = (extra: object) => ({ $schema: SCHEMA, shared: frames, profiles: [{ type: 'sampled', name: 'p', unit: 'none', startValue: 0, endValue: 1, samples: [[0]], weights: [1], ...extra }] });

    it('names the sample that refers to an unknown frame', async () => {
      const e = await importError(sampled({ samples: [[0], [0, 5]], weights: [1, 1] }));
      assert.equal(e.message, 'profile 0: sample 1 refers to frame 5, but shared.frames has 1 entries');
      assert.equal(e.file, 'bad.json');
    });

    it('checks samples against weights', async () => {
      assert.equal((await importError(sampled({ weights: [1, 2] }))).message, 'profile 0: samples has 1 entries but weights has 2');
      assert.equal((await importError(sampled({ weights: ['1'] }))).message, 'profile 0: weight 0 is "1", expected a non-negative number');
      assert.equal((await importError(sampled({ samples: [3] }))).message, 'profile 0: sample 0 is not an array of frame indices');
    });

    it('checks the header', async () => {
      assert.match((await importError(sampled({ unit: 'parsecs' }))).message, /^not a valid speedscope file: profiles\[0\]\.unit: /);
      assert.match((await importError(sampled({ type: 'weird' }))).message, /^not a valid speedscope file: profiles\[0\]\.type: /);
      const noFrames = { $schema: SCHEMA, shared: {}, profiles: [] };
      assert.match((await importError(noFrames)).message, /^not a valid speedscope file: shared\.frames: expected an array/);
      const badFrame = { $schema: SCHEMA, shared: { frames: [{ file: 'x' }] }, profiles: [] };
      assert.equal((await importError(badFrame)).message, 'shared.frames[0] must be an object with a string "name"');
    });

    it('reports truncated and malformed JSON with a position', async () => {
      const text = fs.readFileSync(fixture('sampled-0.1.2.speedscope.json'), 'utf8');
      const truncated = await importError(text.slice(0, 300));
      assert.equal(truncated.format, 'speedscope');
      assert.match(truncated.message, /^(truncated JSON|invalid JSON at character \d+)/);
      const broken = await importError(text.replace('"weights"', '"weights" 3'));
      assert.match(broken.message, /^invalid JSON at character \d+: unexpected number$/);
    });

    it('rejects events of unknown type and closes with nothing open', async () => {
      const evented = (events: object[]) => ({ $schema: SCHEMA, shared: frames, profiles: [{ type: 'evented', name: 'e', unit: 'none', startValue: 0, endValue: 1, events }] });
      assert.equal((await importError(evented([{ type: 'X', frame: 0, at: 0 }]))).message, 'profile 0: event 0 has type "X", expected "O" or "C"');
      assert.equal((await importError(evented([{ type: 'C', frame: 0, at: 0 }]))).message, 'profile 0: event 0 closes frame "a" but no frame is open');
      assert.equal(
        (await importError(evented([{ type: 'O', frame: 0, at: 5 }, { type: 'C', frame: 0, at: 4 }]))).message,
        'profile 0: event 1 at 4 comes before the previous event at 5; events must be in time order',
      );
    });
  });

  describe('streaming (files beyond the JSON.parse limit)', () => {
    const streamed = (bytes: Uint8Array, name?: string) => importSpeedscope(inputFromBytes(bytes, name), { streamThreshold: 0 });

    it('gives the same profiles as JSON.parse for every fixture', async () => {
      for (const name of fs.readdirSync(DIR).filter((f) => f.endsWith('.speedscope.json'))) {
        const bytes = fs.readFileSync(fixture(name));
        const whole = await importProfileBytes(bytes);
        const stream = await streamed(bytes);
        assert.equal(setSnapshot(stream), setSnapshot(whole), name);
        assert.equal(stream.activeIndex, whole.activeIndex);
        stream.profiles.forEach((p, i) => assert.deepEqual(p.timeline, whole.profiles[i].timeline));
      }
    });

    it('reads tokens split across chunk boundaries', async () => {
      const bytes = fs.readFileSync(fixture('two-sampled-0.6.0.speedscope.json'));
      const whole = inputFromBytes(bytes);
      const chunked: ProfileInput = {
        name: 'chunked.json',
        head: whole.head,
        gzipped: false,
        maxBytes: whole.maxBytes,
        bytes: (format) => whole.bytes(format),
        text: (format) => whole.text(format),
        async *chunks() {
          for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
        },
        recycledChunks(format: string, buffers: number) {
          return recycled(this.chunks(format), buffers);
        },
      };
      const set = await importSpeedscope(chunked, { streamThreshold: 16 });
      assert.equal(setSnapshot(set), setSnapshot(await importProfileBytes(bytes)));
    });

    it('reports the same problems', async () => {
      await assert.rejects(streamed(fs.readFileSync(fixture('invalid-out-of-order-events.json')), 'x.json'), /event 6 at 4 closes frame "B" while frame "A" is on top of the stack/);
      await assert.rejects(streamed(fs.readFileSync(fixture('invalid-incomplete-trace.json'))), /still open \(innermost "A"\)/);
      const bad = bytesOf({ $schema: SCHEMA, profiles: [{ type: 'sampled', name: 'p', unit: 'none', startValue: 0, endValue: 1, samples: [[0, 3]], weights: [1] }], shared: { frames: [{ name: 'a' }] } });
      await assert.rejects(streamed(bad), { message: 'profile 0: sample 0 refers to frame 3, but shared.frames has 1 entries' });
      const text = fs.readFileSync(fixture('sampled-0.1.2.speedscope.json'));
      await assert.rejects(streamed(text.subarray(0, 250), 'cut.json'), (e: unknown) => e instanceof ProfileImportError && /^truncated JSON/.test(e.message) && e.file === 'cut.json');
    });
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 6);
    let seed = 0x5eed;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    for (const name of files) {
      const original = fs.readFileSync(fixture(name));
      const variants: Uint8Array[] = [];
      for (const fraction of [0.1, 0.33, 0.5, 0.77, 0.99]) variants.push(original.subarray(0, Math.floor(original.length * fraction)));
      for (let i = 0; i < 40; i++) {
        const copy = Uint8Array.from(original);
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        variants.push(copy);
      }
      for (const bytes of variants) {
        for (const run of [() => importProfileBytes(bytes, name), () => importSpeedscope(inputFromBytes(bytes, name), { streamThreshold: 0 })]) {
          try {
            await run();
          } catch (e) {
            assert.ok(e instanceof ProfileImportError, `${name}: ${String(e)}`);
          }
        }
      }
    }
  });
});
