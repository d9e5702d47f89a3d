import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Function as PprofFunction, Line, Location, Mapping, Profile as PprofProfile, Sample, StringTable, ValueType } from 'pprof-format';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { detectImporter, importProfileBytes } from '../../../src/core/profile/importers/index';
import { pprofImporter } from '../../../src/core/profile/importers/pprof';
import { inputFromBytes } from '../../../src/core/profile/input';
import type { Profile } from '../../../src/core/profile/model';
import { FIXTURES, checkImport } from './support';

const DIR = path.join(FIXTURES, 'pprof');
const fixture = (name: string) => path.join(DIR, name);

async function importError(bytes: Uint8Array): Promise<ProfileImportError> {
  try {
    await pprofImporter.import(inputFromBytes(bytes, 'bad.pb'));
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${String(e)}`);
    return e;
  }
  assert.fail('import should have failed');
}

function frameIndex(p: Profile, name: string): number {
  const i = p.frames.findIndex((f) => f.name === name);
  assert.ok(i >= 0, `frame ${name} in ${p.name}`);
  return i;
}

/** Self weight per frame name (summed over nodes). */
function selfOf(p: Profile, name: string): number {
  let w = 0;
  for (let n = 1; n < p.nodeCount; n++) if (p.frames[p.nodeFrame[n]].name === name) w += p.nodeSelf[n];
  return w;
}

/**
 * A small profile written with pprof-format's encoder: `render` has `layout` inlined into it
 * (one location, two lines), called from `main` in a mapped binary.
 */
function inlinedProfile(): PprofProfile {
  const st = new StringTable();
  const fn = (id: number, name: string, startLine: number) =>
    new PprofFunction({ id, name: st.dedup(name), systemName: st.dedup(name), filename: st.dedup('app.go'), startLine });
  return new PprofProfile({
    sampleType: [new ValueType({ type: st.dedup('samples'), unit: st.dedup('count') }), new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') })],
    mapping: [new Mapping({ id: 1, filename: st.dedup('/usr/bin/app'), hasFunctions: true })],
    function: [fn(1, 'main.main', 10), fn(2, 'main.render', 20), fn(3, 'main.layout', 40)],
    location: [
      new Location({ id: 1, mappingId: 1, address: 0x1000, line: [new Line({ functionId: 1, line: 12 })] }),
      // Leaf-most line first: layout (line 42) inlined into render (line 21).
      new Location({ id: 2, mappingId: 1, address: 0x2000, line: [new Line({ functionId: 3, line: 42 }), new Line({ functionId: 2, line: 21 })] }),
      new Location({ id: 3, mappingId: 1, address: 0x3000, line: [] }),
    ],
    sample: [
      new Sample({ locationId: [2, 1], value: [3, 30_000_000] }),
      new Sample({ locationId: [1], value: [1, 10_000_000] }),
      new Sample({ locationId: [3, 1], value: [2, 0] }),
    ],
    stringTable: st,
    period: 10_000_000,
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
  });
}

describe('pprof importer', () => {
  it("imports speedscope's Go capture with its totals", async () => {
    // speedscope's reference (_reference_snapshots/pprof.test.ts.snap) lists the cpu stacks
    // 140+260+270+110+250+220+220+10+20 ms = 1.5 s; the samples type counts 10 ms ticks: 150.
    const set = await checkImport(fixture('go-simple.prof'), {
      format: 'pprof',
      names: ['samples', 'cpu'],
      units: ['samples', 'nanoseconds'],
      totals: [150, 1_500_000_000],
    });
    // pprof's default sample type is the last one.
    assert.equal(set.activeIndex, 1);
    const cpu = set.profiles[1];
    assert.equal(selfOf(cpu, 'main.alpha'), 480_000_000);
    // Per-line cost from the locations' lines (speedscope shows main.alpha at line 11, main.delta's hottest line 28).
    const alpha = frameIndex(cpu, 'main.alpha');
    assert.deepEqual([...cpu.lineSelf.get(alpha)!], [[11, 480_000_000]]);
    const delta = frameIndex(cpu, 'main.delta');
    assert.deepEqual([...cpu.lineTotal.get(delta)!].sort((a, b) => a[0] - b[0]), [[25, 220_000_000], [28, 220_000_000], [29, 140_000_000]]);
    assert.equal(cpu.frames[alpha].file, '/Users/jlfwong/code/speedscope/sample/programs/go/simple.go');
  });

  it('imports an @datadog/pprof wall profile (gzipped)', async () => {
    const set = await checkImport(fixture('datadog-wall.pb.gz'), { format: 'pprof', names: ['sample', 'wall'], units: ['samples', 'nanoseconds'] });
    const wall = set.profiles[1];
    assert.ok(selfOf(wall, 'slugify') > 0.5 * wall.totalWeight, 'slugify is the hot function');
    const slugify = frameIndex(wall, 'slugify');
    assert.match(wall.frames[slugify].file!, /capture\.js$/);
    // V8 reports the function's line in each location's Line, so the cost lands on line 4.
    assert.deepEqual([...wall.lineSelf.get(slugify)!.keys()], [4]);
  });

  it('imports an @datadog/pprof heap profile with objects and bytes', async () => {
    const set = await checkImport(fixture('datadog-heap.pb.gz'), { format: 'pprof', names: ['inuse_objects', 'inuse_space'], units: ['objects', 'bytes'] });
    assert.ok(selfOf(set.profiles[1], 'allocate') > 0);
  });

  it('captures a live @datadog/pprof profile and finds the hot function', async function () {
    this.timeout(20000);
    const ddpprof = await import('@datadog/pprof');
    const pending = ddpprof.time.profile({ durationMillis: 300, intervalMicros: 1000 });
    function hotpathBusyLoop(): number {
      let x = 0;
      const end = Date.now() + 10;
      while (Date.now() < end) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i);
      return x;
    }
    // Busy in slices: the wall profiler takes its samples when the event loop turns.
    const stop = Date.now() + 350;
    while (Date.now() < stop) {
      hotpathBusyLoop();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const bytes = await ddpprof.encode(await pending);
    assert.equal(bytes[0], 0x1f, 'encode() writes gzip');
    const set = await importProfileBytes(bytes);
    assert.equal(set.format, 'pprof');
    const wall = set.profiles.find((p) => p.unit === 'nanoseconds')!;
    assert.ok(selfOf(wall, 'hotpathBusyLoop') > 0.5 * wall.totalWeight, 'the hot function has most of the self time');
    const hot = frameIndex(wall, 'hotpathBusyLoop');
    assert.match(wall.frames[hot].file!, /pprof\.test\.ts$/);
    assert.ok([...wall.lineSelf.get(hot)!.keys()].every((line) => line > 0), 'cost lands on source lines');
  });

  it('turns inlined lines into frames, unsymbolized locations into addresses, mappings into modules', async () => {
    const set = await importProfileBytes(inlinedProfile().encode());
    assert.equal(set.format, 'pprof');
    const cpu = set.profiles[1];
    assert.equal(cpu.name, 'cpu');
    // render → layout from one location, root-first under main.
    const stacks: string[] = [];
    for (let n = 1; n < cpu.nodeCount; n++) {
      if (cpu.nodeSelf[n] === 0) continue;
      const names: string[] = [];
      for (let a = n; a > 0; a = cpu.nodeParent[a]) names.unshift(cpu.frames[cpu.nodeFrame[a]].name);
      stacks.push(`${names.join(';')} ${cpu.nodeSelf[n]}`);
    }
    assert.deepEqual(stacks.sort(), ['main.main 10000000', 'main.main;main.render;main.layout 30000000']);
    const layout = frameIndex(cpu, 'main.layout');
    assert.deepEqual(cpu.frames[layout], { name: 'main.layout', file: 'app.go', line: 40, module: '/usr/bin/app' });
    assert.deepEqual([...cpu.lineSelf.get(layout)!], [[42, 30_000_000]]);
    assert.deepEqual([...cpu.lineTotal.get(frameIndex(cpu, 'main.render'))!], [[21, 30_000_000]]);
    // The samples type keeps the zero-cpu sample with the unsymbolized address.
    const samples = set.profiles[0];
    assert.equal(samples.totalWeight, 6);
    assert.equal(selfOf(samples, '0x3000'), 2);
    assert.equal(selfOf(cpu, '0x3000'), 0);
  });

  it('reads samples in any wire form: unpacked, packed, labelled, negative or large values, before sample_type', async () => {
    // Written by hand, since pprof-format's encoder only writes one of these forms.
    const varint = (v: bigint): number[] => {
      let u = BigInt.asUintN(64, v);
      const out: number[] = [];
      do {
        const b = Number(u & 0x7fn);
        u >>= 7n;
        out.push(u ? b | 0x80 : b);
      } while (u);
      return out;
    };
    const field = (n: number, wire: number, body: number[]): number[] =>
      wire === 2 ? [...varint(BigInt(n * 8 + 2)), ...varint(BigInt(body.length)), ...body] : [...varint(BigInt(n * 8 + wire)), ...body];
    const vi = (n: number, v: bigint | number) => field(n, 0, varint(BigInt(v)));
    const packed = (n: number, vs: (bigint | number)[]) => field(n, 2, vs.flatMap((v) => varint(BigInt(v))));
    const str = (s: string) => field(6, 2, [...Buffer.from(s)]);
    const bytes = Uint8Array.from([
      // A sample before the sample_type: ids [2, 1], value 7.
      ...field(2, 2, [...packed(1, [2, 1]), ...packed(2, [7])]),
      ...field(1, 2, [...vi(1, 1), ...vi(2, 2)]),
      ...str(''), ...str('cpu'), ...str('nanoseconds'), ...str('main'), ...str('work'),
      ...field(5, 2, [...vi(1, 1), ...vi(2, 3)]),
      ...field(5, 2, [...vi(1, 2), ...vi(2, 4)]),
      ...field(4, 2, [...vi(1, 1), ...field(4, 2, vi(1, 1))]),
      ...field(4, 2, [...vi(1, 2), ...field(4, 2, vi(1, 2))]),
      // Unpacked ids and value, then an empty packed field.
      ...field(2, 2, [...vi(1, 2), ...vi(1, 1), ...vi(2, 5), ...packed(1, [])]),
      // A label (key, str), an unknown fixed64 field, and a value past 2^32.
      ...field(2, 2, [...packed(1, [1]), ...field(3, 2, [...vi(1, 3), ...vi(2, 4)]), ...field(9, 1, [1, 2, 3, 4, 5, 6, 7, 8]), ...packed(2, [2n ** 40n + 1n])]),
      // A negative value (ten bytes, two's complement).
      ...field(2, 2, [...packed(1, [2, 1]), ...packed(2, [-3])]),
    ]);
    const set = await importProfileBytes(bytes, 'forms.pb');
    const cpu = set.profiles[0];
    assert.equal(cpu.unit, 'nanoseconds');
    assert.equal(selfOf(cpu, 'work'), 7 + 5 - 3);
    assert.equal(selfOf(cpu, 'main'), 2 ** 40 + 1);
    assert.equal(cpu.totalWeight, 2 ** 40 + 10);

    const cut = bytes.slice();
    // The last sample's packed value claims one byte more than the sample holds.
    cut[cut.length - 11] += 1;
    assert.match((await importError(cut)).message, /^not a pprof profile: sample 3 field 2 at byte \d+ runs past its sample$/);
  });

  it('reports what is wrong with a broken or foreign protobuf', async () => {
    const good = inlinedProfile().encode();
    const truncated = await importError(good.subarray(0, good.length - 7));
    assert.match(truncated.message, /^not a pprof profile: truncated: \w+ at byte \d+ needs \d+ bytes, \d+ remain$/);
    assert.equal(truncated.format, 'pprof');

    // A ValueType message on its own is valid protobuf but not a Profile.
    const foreign = await importError(new ValueType({ type: 1, unit: 2 }).encode());
    assert.equal(foreign.message, 'not a pprof profile: field 1 (sample_type) has wire type 0, expected 2 at byte 0');

    const p = inlinedProfile();
    p.sample.push(new Sample({ locationId: [99], value: [1, 1] }));
    assert.equal((await importError(p.encode())).message, 'sample 3 refers to unknown location 99');

    const q = inlinedProfile();
    q.sample.push(new Sample({ locationId: [1], value: [1] }));
    assert.equal((await importError(q.encode())).message, 'sample 3 has 1 values for 2 sample types');

    const r = inlinedProfile();
    r.function[0].name = 9999;
    assert.equal((await importError(r.encode())).message, 'function 1 name refers to string 9999, but the string table has 10');

    const s = inlinedProfile();
    s.location[0].line[0].functionId = 77;
    assert.equal((await importError(s.encode())).message, 'location 1 refers to unknown function 77');
  });

  it('is sniffed by content, raw or gzipped, and not confused with other bytes', () => {
    const sniff = (bytes: Uint8Array) => detectImporter(inputFromBytes(bytes))?.format;
    const raw = inlinedProfile().encode();
    assert.equal(sniff(raw), 'pprof');
    assert.equal(sniff(zlib.gzipSync(raw)), 'pprof');
    assert.equal(sniff(zlib.gunzipSync(fs.readFileSync(fixture('go-simple.prof')))), 'pprof');
    assert.equal(pprofImporter.sniff(Buffer.from('a;b;c 1\n'), 'a;b;c 1\n'), false);
    assert.equal(pprofImporter.sniff(Buffer.from('{"nodes":[]}'), ''), false);
    assert.equal(pprofImporter.sniff(new ValueType({ type: 1, unit: 2 }).encode(), ''), false);
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    let taken = 0;
    for (let i = 0; i < 200; i++) {
      const noise = Uint8Array.from({ length: 256 }, () => Math.floor(random() * 256));
      if (pprofImporter.sniff(noise, '')) taken++;
    }
    assert.equal(taken, 0, 'random bytes are not taken for pprof');
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    let seed = 0x9f0f;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const originals = fs
      .readdirSync(DIR)
      .filter((f) => /\.(prof|pb\.gz)$/.test(f))
      .map((f) => zlib.gunzipSync(fs.readFileSync(fixture(f))));
    originals.push(Buffer.from(inlinedProfile().encode()));
    assert.ok(originals.length >= 4);
    for (const original of originals) {
      const variants: Uint8Array[] = [];
      for (const fraction of [0.05, 0.33, 0.5, 0.77, 0.99]) variants.push(original.subarray(0, Math.floor(original.length * fraction)));
      for (let i = 0; i < 60; i++) {
        const copy = Uint8Array.from(original);
        for (let k = 0; k < 2; k++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        variants.push(copy);
      }
      for (const bytes of variants) {
        try {
          const set = await pprofImporter.import(inputFromBytes(bytes, 'fuzz.pb'));
          for (const p of set.profiles) assert.equal(p.nodeTotal[0], p.totalWeight);
        } catch (e) {
          assert.ok(e instanceof ProfileImportError, String(e));
        }
      }
    }
  });
});
