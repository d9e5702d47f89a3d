import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { inputFromBytes } from '../../../src/core/profile/input';
import { importTraceEvents } from '../../../src/core/profile/importers/trace-event';
import { detectImporter, importProfileBytes, importProfileFile } from '../../../src/core/profile/importers/index';
import type { Profile, ProfileSet } from '../../../src/core/profile/model';
import { assertClose, checkImport, chunkedInput, FIXTURES, setSnapshot } from './support';

const DIR = path.join(FIXTURES, 'trace-event');
const fixture = (name: string) => path.join(DIR, name);

interface Reference {
  name: string;
  weight: number;
}

/**
 * speedscope's reference results (its jest snapshots, copied from speedscope 1.25's
 * repository): test title → profile name and the sum of its frames' self weights, which is
 * the weight of every sample speedscope shows; plus each test's file name.
 */
function speedscopeReference(file: string): { profiles: Map<string, Reference>; files: Map<string, string> } {
  const text = fs.readFileSync(file, 'utf8');
  const profiles = new Map<string, Reference>();
  const files = new Map<string, string>();
  for (const block of text.split('\nexports[`').slice(1)) {
    const title = block.slice(0, block.indexOf('`'));
    const fileName = /^(.*): profileGroup\.name 1`\] = `"(.*)"`;/.exec(block);
    if (fileName) files.set(fileName[1], fileName[2]);
    if (!block.includes('"frames"')) continue;
    const name = JSON.parse(/\n {2}"name": (".*"),\n/.exec(block)![1]) as string;
    const weight = [...block.matchAll(/"selfWeight": ([\d.e+-]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    profiles.set(title, { name, weight });
  }
  return { profiles, files };
}

/** The profiles of one speedscope test: "<title> 1", "<title> 2", … */
function referenceProfiles(profiles: Map<string, Reference>, title: string): Reference[] {
  const out: Reference[] = [];
  for (let i = 1; profiles.has(`${title} ${i}`); i++) out.push(profiles.get(`${title} ${i}`)!);
  return out;
}

/**
 * The weight speedscope displays: it drops samples whose leaf is `(root)`, `(idle)` or V8's
 * "native dummy.js" placeholder (we keep them as frames, so our total is larger by exactly that).
 */
function speedscopeVisibleWeight(p: Profile): number {
  let hidden = 0;
  for (let n = 1; n < p.nodeCount; n++) {
    const f = p.frames[p.nodeFrame[n]];
    if (f.name === '(idle)' || f.name === '(root)' || f.file === 'native dummy.js') hidden += p.nodeSelf[n];
  }
  return p.totalWeight - hidden;
}

/** A small deterministic PRNG (mulberry32) so fuzz cases are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Truncations at several points and seeded byte flips of `bytes`. */
function mutations(bytes: Uint8Array, seed: number): { what: string; bytes: Uint8Array }[] {
  const random = seeded(seed);
  const out: { what: string; bytes: Uint8Array }[] = [];
  for (const cut of [1, 2, 17, 0.1, 0.33, 0.5, 0.9, -2, -1]) {
    const at = cut < 0 ? bytes.length + cut : cut < 1 ? Math.floor(bytes.length * cut) : cut;
    if (at > 0 && at < bytes.length) out.push({ what: `truncated at ${at}`, bytes: bytes.subarray(0, at) });
  }
  for (let k = 0; k < 6; k++) {
    const copy = Uint8Array.from(bytes);
    const flips: number[] = [];
    for (let j = 0; j < 1 + k; j++) {
      const at = Math.floor(random() * copy.length);
      copy[at] = Math.floor(random() * 256);
      flips.push(at);
    }
    out.push({ what: `bytes flipped at ${flips.join(',')}`, bytes: copy });
  }
  return out;
}

const chromeReference = speedscopeReference(path.join(FIXTURES, 'cpuprofile', 'speedscope-reference', 'chrome.test.ts.snap'));
const traceReference = speedscopeReference(path.join(DIR, 'speedscope-reference', 'trace-event.test.ts.snap'));

/** DevTools recordings (V8 CPU profiles inside the trace) and the speedscope test that reads each. */
const CHROME: { file: string; title: string; names: string[] }[] = [
  { file: 'chrome-65-simple-timeline.json', title: 'importFromChromeTimeline', names: ['CrRendererMain'] },
  { file: 'chrome-66-worker.json', title: 'importFromChromeTimeline Workers Chrome 66', names: ['CrRendererMain', 'DedicatedWorker thread'] },
  { file: 'chrome-69-simple.json', title: 'importFromChromeTimeline Chrome 69', names: ['CrRendererMain'] },
  { file: 'chrome-70-worker.json', title: 'importFromChromeTimeline Workers Chrome 70', names: ['CrRendererMain', 'DedicatedWorker thread'] },
  { file: 'chrome-116-trace.json', title: 'importFromChromeTimeline Chrome 116', names: ['CrRendererMain'] },
  // speedscope also lists a second, empty profile (a Profile event whose chunks carry no data); we omit it.
  { file: 'chrome-141-no-arg-data.json', title: 'importTraceEvents Chrome 141 profile with missing arg data', names: ['CrRendererMain'] },
];

/** Plain trace-event fixtures, each matched to the speedscope test that reads the same file. */
const PLAIN = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && !f.startsWith('chrome-'))
  .sort()
  .map((file) => {
    const title = [...traceReference.files].find(([, f]) => f === file)?.[0];
    return { file, title };
  })
  // speedscope's test "hermes profile with multiple frames" loads simple-hermes.json by
  // mistake, so this file has no reference; it is checked by hand below.
  .filter(({ file }) => file !== 'hermes-multiple-frames.json');

describe('trace-event importer', () => {
  for (const { file, title, names } of CHROME) {
    it(`imports DevTools recording ${file} with speedscope's totals`, async () => {
      const set = await checkImport(fixture(file), { format: 'trace-event', names, units: names.map(() => 'microseconds') });
      const expected = referenceProfiles(chromeReference.profiles, title).filter((r) => r.weight > 0);
      assert.equal(set.profiles.length, expected.length, 'one profile per recorded thread');
      set.profiles.forEach((p, i) => assertClose(speedscopeVisibleWeight(p), expected[i].weight, `speedscope's weight of ${p.name}`));
      for (const p of set.profiles) assert.ok(p.timeline && p.timeline.node.length > 0, 'sampled recordings keep their timeline');
    });
  }

  for (const { file, title } of PLAIN) {
    it(`imports ${file} with speedscope's totals and names`, async () => {
      assert.ok(title, `speedscope has a reference for ${file}`);
      const expected = referenceProfiles(traceReference.profiles, title);
      assert.ok(expected.length > 0);
      if (expected.every((r) => r.weight === 0)) {
        // speedscope shows an empty profile; an empty profile is an error here.
        await assert.rejects(importProfileFile(fixture(file)), /profile contains no samples/);
        return;
      }
      const set = await checkImport(fixture(file), {
        format: 'trace-event',
        totals: expected.map((r) => r.weight),
        names: expected.map((r) => r.name),
      });
      assert.ok(set.profiles.every((p) => p.unit === 'microseconds'));
    });
  }

  it('imports hermes-multiple-frames.json (no speedscope reference: reviewed by hand)', async () => {
    // [root] 0–14; beta 1–2; gamma 4–13 holding beta 4–10 (same start: the begin written
    // first encloses): [root] 1+2+1, beta 1, gamma;beta 6, gamma 3 = 14 µs.
    const set = await checkImport(fixture('hermes-multiple-frames.json'), { format: 'trace-event', totals: [14], names: ['pid 0, tid 0'] });
    const stacks = setSnapshot(set).split('\n').slice(2, -1).map((l) => l.replace(/ \(.*?\)/g, ''));
    assert.deepEqual(stacks, ['[root] 4', '[root];beta 1', '[root];gamma 3', '[root];gamma;beta 6']);
  });

  it('reads a trace cut short (no closing bracket, trailing comma or whitespace) like the whole one', async () => {
    const whole = setSnapshot(await importProfileFile(fixture('simple.json')));
    for (const file of ['simple-partial.json', 'simple-partial-trailing-comma.json', 'simple-partial-whitespace.json']) {
      assert.equal(setSnapshot(await importProfileFile(fixture(file))), whole, file);
    }
  });

  it('reads the streaming path exactly like the JSON.parse path on every fixture', async () => {
    for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
      const bytes = fs.readFileSync(fixture(file));
      const dump = (set: ProfileSet) => setSnapshot(set) + JSON.stringify(set.profiles.map((p) => [p.frames, p.timeline && [...p.timeline.time], p.startTime, p.endTime]));
      let parsed: string;
      try {
        parsed = dump(await importTraceEvents(inputFromBytes(bytes), { wholeJson: true }));
      } catch (e) {
        await assert.rejects(importTraceEvents(chunkedInput(bytes, 1021), {}), { message: (e as Error).message }, file);
        continue;
      }
      assert.equal(dump(await importTraceEvents(chunkedInput(bytes, 1021), {})), parsed, file);
    }
  });

  it('takes source locations from Hermes event arguments', async () => {
    const p = (await importProfileFile(fixture('simple-hermes.json'))).profiles[0];
    const beta = p.frames.find((f) => f.name === 'beta');
    assert.deepEqual(beta, {
      name: 'beta',
      file: '/Users/example/test_project/node_modules/metro-runtime/src/polyfills/require.js',
      line: 54,
      column: 12,
    });
  });

  it('weights samples of a sampled trace by the time to the next sample of the same thread', async () => {
    // thread 2 samples at +0 (sf 4), +20770 (sf 5), +34096 (sf 6), +44096 and +54096 (sf 4); times are strings.
    const set = await importProfileFile(fixture('multi-thread-with-samples.json'));
    const p = set.profiles[1];
    assert.equal(p.name, 'hermes (pid 7512, tid 2)');
    assert.deepEqual([...p.timeline!.time], [0, 20770, 34096, 44096, 54096]);
    assert.deepEqual([...p.timeline!.weight], [20770, 13326, 10000, 10000, 0]);
    assert.equal(p.startTime, 11552125241);
  });

  it('is not taken for other formats, and does not take them', () => {
    const sniff = (text: string) => detectImporter(inputFromBytes(Buffer.from(text)))?.format;
    assert.equal(sniff('[{"pid":1,"tid":1,"ph":"X","ts":1,"dur":2,"name":"a"}]'), 'trace-event');
    assert.equal(sniff('{"metadata":{},"traceEvents":[]}'), 'trace-event');
    assert.equal(sniff(fs.readFileSync(path.join(FIXTURES, 'cpuprofile', 'chrome-65-simple.cpuprofile'), 'utf8')), 'cpuprofile');
    assert.notEqual(sniff('[1, 2, 3]'), 'trace-event');
    assert.notEqual(sniff('{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[]},"profiles":[]}'), 'trace-event');
  });

  it('fails with one clear line on content that is not a trace', async () => {
    const run = (text: string) => importTraceEvents(inputFromBytes(Buffer.from(text), 'x.json'));
    await assert.rejects(
      importTraceEvents(inputFromBytes(Buffer.from('{"traceEvents": 5}'), 'x.json'), { wholeJson: true }),
      /^ProfileImportError: no trace events: expected a JSON array of events or an object with a "traceEvents" array$/,
    );
    await assert.rejects(run('{"traceEvents": 5}'), /^ProfileImportError: invalid JSON: expected an array in \$\.traceEvents, found a number$/);
    await assert.rejects(run('{"other": []}'), /^ProfileImportError: no trace events: expected a JSON array of events or an object with a "traceEvents" array$/);
    await assert.rejects(
      importTraceEvents(chunkedInput(Buffer.from('{"traceEvents": 5}'), 4), {}),
      /^ProfileImportError: invalid JSON: expected an array in \$\.traceEvents, found a number$/,
    );
    await assert.rejects(run('[{"ph":"B","ts":0}, 7]'), /^ProfileImportError: trace event 1 is not an object$/);
    await assert.rejects(run('{"traceEvents":[{"ph":"B","ts":0,"name":"a"}'), (e: unknown) => {
      assert.ok(e instanceof ProfileImportError);
      assert.equal(e.toLine(), "x.json: trace-event: truncated JSON: expected ',' or ']' (at byte 44)");
      return true;
    });
    await assert.rejects(
      run('{"traceEvents":[],"samples":[{"pid":1,"tid":1,"ts":1,"sf":9}],"stackFrames":{}}'),
      /a sample refers to unknown stack frame 9/,
    );
    await assert.rejects(
      run('{"traceEvents":[],"samples":[{"pid":1,"tid":1,"ts":1,"sf":1}],"stackFrames":{"1":{"name":"a","parent":2},"2":{"name":"b","parent":1}}}'),
      /stack frame 1 has a parent cycle/,
    );
    // A profile chunk's number arrays with an element that is not a number: the same message
    // streamed (typed lists) as parsed whole (arrays).
    const chunk = (samples: string, deltas: string) =>
      `[{"pid":1,"tid":1,"ph":"P","id":"0x1","name":"Profile","ts":0,"args":{"data":{"startTime":0}}},` +
      `{"pid":1,"tid":1,"ph":"P","id":"0x1","name":"ProfileChunk","ts":1,"args":{"data":{"cpuProfile":{"nodes":[{"callFrame":{"functionName":"(root)","scriptId":0},"id":1},{"callFrame":{"functionName":"f","scriptId":1,"url":"a.js"},"id":2,"parent":1}],"samples":${samples}},"timeDeltas":${deltas}}}}]`;
    for (const [samples, deltas, message] of [
      ['[2,2,"x"]', '[1,1,1]', /^samples\[2\] is not a number$/],
      ['[2,2,2]', '[1,null,1]', /^timeDeltas\[1\] is not a number$/],
    ] as const) {
      for (const wholeJson of [true, false]) {
        await assert.rejects(importTraceEvents(inputFromBytes(Buffer.from(chunk(samples, deltas)), 'x.json'), { wholeJson }), (e: unknown) => {
          assert.ok(e instanceof ProfileImportError);
          assert.match(e.message, message, `${samples} ${deltas}${wholeJson ? ' (whole)' : ''}`);
          return true;
        });
      }
    }
    const fine = await importTraceEvents(inputFromBytes(Buffer.from(chunk('[2,2,2]', '[1,1.5,1]')), 'x.json'));
    assert.equal(fine.profiles[0].totalWeight, 2.5);
  });

  it('survives truncations and byte flips of every fixture (imports or fails with ProfileImportError)', async function () {
    this.timeout(60_000);
    let seed = 100;
    for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
      const bytes = fs.readFileSync(fixture(file));
      for (const m of mutations(bytes, seed++)) {
        const runs: [string, () => Promise<unknown>][] = [['', () => importProfileBytes(m.bytes, file)]];
        // the streaming path too, on the small fixtures (the large ones are slow to stream in tiny chunks)
        if (bytes.length < 100_000) runs.push([' (streaming)', () => importTraceEvents(chunkedInput(m.bytes, 97), {})]);
        for (const [how, run] of runs) {
          try {
            await run();
          } catch (e) {
            assert.ok(e instanceof ProfileImportError, `${file} ${m.what}${how}: expected ProfileImportError, got ${(e as Error)?.stack ?? e}`);
            assert.ok(!e.message.includes('\n'), `${file} ${m.what}${how}: message is one line`);
          }
        }
      }
    }
  });
});
