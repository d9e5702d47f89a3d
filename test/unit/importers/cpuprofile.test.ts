import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { toSpeedscope } from '../../../src/core/profile/export/speedscope';
import { inputFromBytes } from '../../../src/core/profile/input';
import { importCpuprofile } from '../../../src/core/profile/importers/cpuprofile';
import { NodeBytesReader } from '../../../src/core/profile/importers/cpuprofile-nodes';
import { detectImporter, importProfileBytes, importProfileFile } from '../../../src/core/profile/importers/index';
import type { Profile, ProfileSet } from '../../../src/core/profile/model';
import { assertClose, checkImport, chunkedInput, FIXTURES, setSnapshot } from './support';

const DIR = path.join(FIXTURES, 'cpuprofile');
const fixture = (name: string) => path.join(DIR, name);

/**
 * speedscope's reference results (its own jest snapshots, copied from speedscope 1.25's
 * repository): title → profile name and the sum of its frames' self weights, which is the
 * weight of every sample speedscope shows.
 */
function speedscopeReference(file: string): Map<string, { name: string; weight: number }> {
  const text = fs.readFileSync(file, 'utf8');
  const out = new Map<string, { name: string; weight: number }>();
  for (const block of text.split('\nexports[`').slice(1)) {
    if (!block.includes('"frames"')) continue;
    const title = block.slice(0, block.indexOf('`'));
    const name = JSON.parse(/\n {2}"name": (".*"),\n/.exec(block)![1]) as string;
    const weight = [...block.matchAll(/"selfWeight": ([\d.e+-]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    out.set(title, { name, weight });
  }
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

/** Everything a profile holds, for comparing two import paths exactly. */
function fullDump(set: ProfileSet): string {
  const lines = set.profiles.map((p) => ({
    timeline: p.timeline && { node: [...p.timeline.node], weight: [...p.timeline.weight], time: [...p.timeline.time] },
    lineSelf: [...p.lineSelf].map(([f, l]) => [f, [...l]]),
    lineTotal: [...p.lineTotal].map(([f, l]) => [f, [...l]]),
    startTime: p.startTime,
    endTime: p.endTime,
    frames: p.frames,
  }));
  return setSnapshot(set) + JSON.stringify(lines);
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
  for (let k = 0; k < 8; k++) {
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

async function importsOrFailsCleanly(run: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await run();
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `${what}: expected ProfileImportError, got ${(e as Error)?.stack ?? e}`);
    assert.ok(!e.message.includes('\n'), `${what}: message is one line`);
  }
}

const reference = speedscopeReference(path.join(DIR, 'speedscope-reference', 'chrome.test.ts.snap'));

const FIXTURE_TABLE: { file: string; reference?: string; snapshot: boolean }[] = [
  { file: 'chrome-65-simple.cpuprofile', reference: 'importFromChromeCPUProfile 1', snapshot: true },
  { file: 'node-10-old-format.cpuprofile', reference: 'importFromV8Profiler Node 10 1', snapshot: true },
  // speedscope has no snapshot for these two; their totals are checked against the time deltas below.
  // sucrase's folded stacks would make a 12 MB snapshot, so it gets the other checks only.
  { file: 'chrome-65-sucrase.cpuprofile', snapshot: false },
  { file: 'node-cpu-prof.cpuprofile', snapshot: true },
];

/** checkImport's sniffing and round-trip checks, for a fixture too large to snapshot. */
async function checkWithoutSnapshot(file: string): Promise<ProfileSet> {
  const set = await importProfileFile(file);
  assert.equal(set.format, 'cpuprofile');
  const anonymous = await importProfileBytes(fs.readFileSync(file));
  assert.equal(setSnapshot(anonymous), setSnapshot(set), 'same result without the file name');
  const exported = await importProfileBytes(Buffer.from(toSpeedscope(set)));
  assert.equal(exported.format, 'speedscope');
  assertClose(exported.profiles[0].totalWeight, set.profiles[0].totalWeight, 'round-trip total');
  assert.equal(exported.profiles[0].nodeCount, set.profiles[0].nodeCount, 'round-trip call tree size');
  return set;
}

async function importWith(bytes: Uint8Array, stream: boolean): Promise<ProfileSet> {
  return stream ? importCpuprofile(chunkedInput(bytes, 4093)) : importCpuprofile(inputFromBytes(bytes), { wholeJson: true });
}

describe('cpuprofile importer', () => {
  for (const { file, reference: title, snapshot } of FIXTURE_TABLE) {
    it(`imports ${file} (${snapshot ? 'snapshot, ' : ''}sniffing, speedscope round trip${title ? ', speedscope total' : ''})`, async () => {
      const set = snapshot ? await checkImport(fixture(file), { format: 'cpuprofile', names: ['CPU profile'] }) : await checkWithoutSnapshot(fixture(file));
      const p = set.profiles[0];
      assert.ok(p.unit === 'microseconds', 'weights are time deltas in microseconds');
      if (title) {
        const ref = reference.get(title);
        assert.ok(ref, `reference snapshot has "${title}"`);
        assertClose(speedscopeVisibleWeight(p), ref.weight, `speedscope's weight for ${file}`);
      }
    });
  }

  it('weights a new-format profile by the span from its first to its last sample', async () => {
    for (const file of ['chrome-65-simple.cpuprofile', 'chrome-65-sucrase.cpuprofile', 'node-cpu-prof.cpuprofile']) {
      const raw = JSON.parse(fs.readFileSync(fixture(file), 'utf8')) as { timeDeltas: number[]; samples: number[] };
      // No negative deltas in these captures, so the span is the plain sum after the first delta.
      assert.ok(raw.timeDeltas.every((d) => d >= 0));
      const span = raw.timeDeltas.slice(1).reduce((a, b) => a + b, 0);
      const p = (await importProfileFile(fixture(file))).profiles[0];
      assertClose(p.totalWeight, span, `${file} total`);
      assert.equal(p.sampleCount, raw.samples.length, `${file} sample count`);
      assert.equal(p.timeline!.time[0], raw.timeDeltas[0], 'timeline starts at the first sample, relative to startTime');
      for (let i = 1; i < p.timeline!.time.length; i++) assert.ok(p.timeline!.time[i] >= p.timeline!.time[i - 1], 'timeline is ordered');
    }
  });

  it('converts 0-based call frame positions to 1-based and keeps positionTicks lines as they are', async () => {
    const p = (await importProfileFile(fixture('chrome-65-simple.cpuprofile'))).profiles[0];
    // callFrame of d: lineNumber 13, columnNumber 10 (0-based); positionTicks lines 16 (13 ticks) and 14 (1 tick), 1-based.
    const d = p.frames.findIndex((f) => f.name === 'd');
    assert.deepEqual(p.frames[d], { name: 'd', line: 14, column: 11 });
    let dSelf = 0;
    for (let n = 1; n < p.nodeCount; n++) if (p.nodeFrame[n] === d) dSelf += p.nodeSelf[n];
    const lines = p.lineSelf.get(d)!;
    assert.deepEqual([...lines.keys()].sort(), [14, 16]);
    assertClose(lines.get(14)! + lines.get(16)!, dSelf, 'line costs add up to the self weight');
    // node 5 (via b) has 13:1 ticks on lines 16:14; node 7 (via c) has all 14 on line 16.
    const viaB = 17002;
    assertClose(lines.get(14)!, viaB / 14, 'line 14 gets 1/14 of the b→d node');
    assert.deepEqual(p.lineTotal.get(d), lines);
  });

  it('reads the streaming path exactly like the JSON.parse path on every fixture', async () => {
    for (const { file } of FIXTURE_TABLE) {
      const bytes = fs.readFileSync(fixture(file));
      const parsed = await importWith(bytes, false);
      assert.equal(fullDump(await importWith(bytes, true)), fullDump(parsed), file);
      // Above the sample limit only the timeline is dropped, to stay within memory; asked for, it stays.
      const samples = parsed.profiles[0].sampleCount;
      const lean = await importCpuprofile(chunkedInput(bytes, 65536), { timelineMaxSamples: samples - 1 });
      assert.equal(lean.profiles[0].timeline, undefined);
      const kept = await importCpuprofile(chunkedInput(bytes, 65536), { timelineMaxSamples: samples - 1, timeline: true });
      assert.equal(fullDump(kept), fullDump(parsed), `${file} with the timeline asked for`);
      assert.equal(fullDump(await importCpuprofile(chunkedInput(bytes, 65536), { timelineMaxSamples: samples })), fullDump(parsed), `${file} at the limit`);
      delete parsed.profiles[0].timeline;
      assert.equal(fullDump(lean), fullDump(parsed), `${file} without timeline`);
    }
  });

  it('reads nodes in V8\'s layout from the bytes and nodes in any other form through JSON.parse, with the same profile in any chunking', async () => {
    const frame = (functionName: string, url: string, lineNumber: number, scriptId: unknown = '7') => ({ functionName, scriptId, url, lineNumber, columnNumber: 3 });
    // V8's layout (read from the bytes): plain, with ticks, a name with '}', '"', an escape and
    // non-ASCII, a frame shared by two nodes, a numeric scriptId, a parent instead of children.
    const v8 = [
      { id: 1, callFrame: frame('(root)', '', -1, '0'), hitCount: 0, children: [2, 3, 9] },
      { id: 2, callFrame: frame('main', 'file:///app/main.js', 4), hitCount: 2, children: [4, 5], positionTicks: [{ line: 5, ticks: 1 }, { line: 7, ticks: 1 }] },
      { id: 3, callFrame: frame('shared', 'file:///app/lib.js', 10), hitCount: 1, children: [6] },
      { id: 4, callFrame: frame('odd}name "q" \u00e9\\', 'file:///app/{x}.js', 1), hitCount: 3 },
      { id: 5, callFrame: frame('shared', 'file:///app/lib.js', 10), hitCount: 4 },
      { children: [7], hitCount: 0, id: 6, callFrame: frame('keysInAnotherOrder', 'file:///app/main.js', 20, 12) },
      { id: 7, callFrame: frame('leaf', 'file:///app/main.js', 30), hitCount: 5, positionTicks: [{ ticks: 5, line: 31 }] },
    ];
    // Other forms (read through JSON.parse): an extra member, a fractional count, a repeated
    // member, an escaped key.
    const other = [
      '{"id":8,"callFrame":{"functionName":"extra","scriptId":"7","url":"file:///app/main.js","lineNumber":40,"columnNumber":3},"hitCount":1,"deoptReason":"","parent":6}',
      '{"id":9,"callFrame":{"functionName":"frac","scriptId":"7","url":"file:///app/main.js","lineNumber":50,"columnNumber":3},"hitCount":1.5,"children":[10]}',
      '{"id":10,"callFrame":{"functionName":"twice","scriptId":"7","url":"file:///app/main.js","lineNumber":60,"columnNumber":3},"hitCount":1,"hitCount":2}',
      '{"\\u0069d":11,"callFrame":{"functionName":"escapedKey","scriptId":"7","url":"file:///app/main.js","lineNumber":70,"columnNumber":3},"parent":10}',
    ];
    const ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 4, 5, 7, 7, 8, 10, 11, 2];
    const tail = `"samples":${JSON.stringify(ids)},"timeDeltas":${JSON.stringify(ids.map((_, i) => 100 + i))},"startTime":0,"endTime":3000}`;
    const compact = `{"nodes":[${[...v8.map((n) => JSON.stringify(n)), ...other].join(',')}],${tail}`;
    // The same profile pretty-printed: whitespace everywhere the bytes reader looks.
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    for (const text of [compact, pretty]) {
      const bytes = Buffer.from(text, 'utf8');
      const parsed = await importWith(bytes, false);
      assert.ok(parsed.profiles[0].frames.some((f) => f.name === 'odd}name "q" é\\'), 'the escaped name decoded');
      const expected = fullDump(parsed);
      for (const size of [1, 2, 3, 7, 64, 333, bytes.length]) {
        assert.equal(fullDump(await importCpuprofile(chunkedInput(bytes, size))), expected, `chunks of ${size}${text === pretty ? ', pretty-printed' : ''}`);
      }
    }

    // Which nodes the bytes reader takes: every one in V8's layout, none of the others.
    const taken: number[] = [];
    const sink = {
      callFrameCode: (f: unknown) => (typeof f === 'object' && f !== null ? 2 : -1),
      addNodeParts: (id: number) => void taken.push(id),
    };
    const reader = new NodeBytesReader(sink);
    const elements = [...v8.map((n) => JSON.stringify(n)), ...other];
    const read = { index: 0, pos: 0, count: 0 };
    for (const element of elements) {
      const buf = Buffer.from(`${element},`, 'utf8');
      reader.read(buf, 0, buf.length, read);
      assert.equal(read.count, v8.some((n) => JSON.stringify(n) === element) ? 1 : 0, element);
      if (read.count) assert.equal(read.pos, buf.length - 1, `${element}: ends before the comma`);
    }
    assert.deepEqual(taken, [1, 2, 3, 4, 5, 6, 7]);
    // Runs: all of them up to the first that is not complete in the buffer.
    const run = Buffer.from(v8.map((n) => JSON.stringify(n)).join(' ,\n'), 'utf8');
    taken.length = 0;
    reader.read(run, 0, run.length - 1, read);
    assert.deepEqual([read.count, taken], [6, [1, 2, 3, 4, 5, 6]]);
  });

  it('captures a real profile of busy.js with node --cpu-prof and finds its hot functions and lines', async function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-cpu-prof-'));
    const program = path.join(__dirname, '..', '..', 'fixtures', 'programs', 'busy.js');
    try {
      execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, program], {
        env: { ...process.env, BUSY_MS: '300' },
        stdio: 'ignore',
      });
      const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      const set = await importProfileFile(path.join(dir, file));
      assert.equal(set.format, 'cpuprofile');
      const p = set.profiles[0];
      assert.equal(p.unit, 'microseconds');
      assert.ok(p.totalWeight > 150_000, `about 300 ms of samples, got ${p.totalWeight} µs`);

      const source = fs.readFileSync(program, 'utf8').split('\n');
      const range = (name: string): [number, number] => {
        const start = source.findIndex((l) => l.startsWith(`function ${name}(`)) + 1;
        const end = source.findIndex((l, i) => i >= start && l === '}') + 1;
        return [start, end];
      };
      const share = (name: string) => {
        const frames = new Set(p.frames.flatMap((f, i) => (f.name === name && f.file?.endsWith('busy.js') ? [i] : [])));
        assert.ok(frames.size > 0, `${name} is in the profile`);
        let total = 0;
        for (let n = 1; n < p.nodeCount; n++) {
          if (!frames.has(p.nodeFrame[n])) continue;
          let nested = false;
          for (let m = p.nodeParent[n]; m > 0; m = p.nodeParent[m]) if (frames.has(p.nodeFrame[m])) nested = true;
          if (!nested) total += p.nodeTotal[n];
        }
        return { frames, share: total / p.totalWeight };
      };
      const report = share('buildReport');
      assert.ok(report.share > 0.1, `buildReport carries much of the time (${report.share})`);
      for (const name of ['slugify', 'parseRecord']) {
        const { share: s } = share(name);
        assert.ok(s > 0.01 && s < report.share + 0.5, `${name} has a sane share (${s})`);
      }
      // positionTicks lines fall inside each function; V8 reports the lines of inlined
      // callees (slugify inside buildReport) under the caller, so those ranges count too.
      const allowed: Record<string, string[]> = { parseRecord: ['parseRecord'], slugify: ['slugify'], buildReport: ['buildReport', 'slugify'] };
      for (const [name, ranges] of Object.entries(allowed)) {
        const { frames } = share(name);
        let lines = 0;
        for (const f of frames) {
          assert.equal(p.frames[f].line, range(name)[0], `${name} starts where the source says`);
          for (const line of p.lineSelf.get(f)?.keys() ?? []) {
            lines++;
            assert.ok(
              ranges.some((r) => line >= range(r)[0] && line <= range(r)[1]),
              `${name}: line ${line} is outside ${ranges.map((r) => range(r).join('-')).join(' and ')}`,
            );
          }
        }
        assert.ok(lines > 0, `${name} has per-line costs`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not taken for other JSON profiles, and does not take them', () => {
    const sniff = (text: string) => detectImporter(inputFromBytes(Buffer.from(text)))?.format;
    assert.equal(sniff(fs.readFileSync(fixture('chrome-65-simple.cpuprofile'), 'utf8')), 'cpuprofile');
    assert.equal(sniff('{"head":{"functionName":"(root)","url":"","children":[]},"samples":[]}'), 'cpuprofile');
    // a sampling heap profile: "head" with call frames, but sizes
    assert.notEqual(sniff('{"head":{"callFrame":{"functionName":"(root)"},"selfSize":0,"id":1,"children":[]},"samples":[]}'), 'cpuprofile');
    // a trace with an embedded CPU profile
    assert.notEqual(sniff('[{"pid":1,"tid":1,"ph":"P","name":"CpuProfile","args":{"data":{"cpuProfile":{"nodes":[{"callFrame":{}}]}}}}]'), 'cpuprofile');
    assert.notEqual(sniff('{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[]},"profiles":[]}'), 'cpuprofile');
  });

  it('fails with one clear line on inconsistent profiles', async () => {
    const node = (id: number, name: string, extra: object = {}) => ({ id, callFrame: { functionName: name, url: 'a.js', lineNumber: 0, columnNumber: 0 }, ...extra });
    const cases: [object, RegExp][] = [
      [{ nodes: [node(1, '(root)'), node(2, 'f', { parent: 1 })], samples: [2, 99], timeDeltas: [1, 1] }, /^sample 1 refers to unknown node id 99$/],
      [{ nodes: [node(1, 'a', { parent: 2 }), node(2, 'b', { parent: 1 })], samples: [1], timeDeltas: [1] }, /is its own ancestor/],
      [{ nodes: [node(1, '(root)'), node(1, 'f')], samples: [1], timeDeltas: [1] }, /^node id 1 appears twice$/],
      [{ nodes: [node(1, '(root)'), node(2, 'f', { parent: 7 })], samples: [2], timeDeltas: [1] }, /^node id 2 refers to unknown parent id 7$/],
      [{ nodes: [node(1, '(root)'), { id: 2 }], samples: [1], timeDeltas: [1] }, /^node id 2 has no "callFrame" object$/],
      [{ nodes: [node(1, '(root)', { children: [2] }), node(2, 'f')], samples: [2, 2], timeDeltas: [1] }, /"samples" has 2 entries but "timeDeltas" only 1/],
      [{ nodes: [node(1, 'f')], samples: [1, 'x'], timeDeltas: [1, 1] }, /samples\[1\] is not a number|expected a number/],
      [{ nodes: [] }, /profile has no nodes/],
    ];
    for (const [doc, message] of cases) {
      for (const stream of [false, true]) {
        await assert.rejects(importWith(Buffer.from(JSON.stringify(doc)), stream), (e: unknown) => {
          assert.ok(e instanceof ProfileImportError, String(e));
          assert.match(e.message, message, `${stream ? 'streaming' : 'JSON.parse'}: ${JSON.stringify(doc)}`);
          assert.equal(e.format, 'cpuprofile');
          return true;
        });
      }
    }
    const truncated = fs.readFileSync(fixture('chrome-65-simple.cpuprofile')).subarray(0, 700);
    for (const stream of [false, true]) {
      await assert.rejects(importWith(truncated, stream), (e: unknown) => {
        assert.ok(e instanceof ProfileImportError);
        assert.match(e.message, /^truncated JSON: /);
        assert.equal(e.position, 'byte 700');
        return true;
      });
    }
  });

  it('survives truncations and byte flips of every fixture (imports or fails with ProfileImportError)', async function () {
    this.timeout(60_000);
    let seed = 1;
    for (const { file } of FIXTURE_TABLE) {
      const bytes = fs.readFileSync(fixture(file));
      for (const m of mutations(bytes, seed++)) {
        await importsOrFailsCleanly(() => importProfileBytes(m.bytes, file), `${file} ${m.what}`);
        await importsOrFailsCleanly(() => importWith(m.bytes, true), `${file} ${m.what} (streaming)`);
      }
    }
  });
});
