import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { detectImporter, importProfileBytes } from '../../../src/core/profile/importers/index';
import { perfImporter } from '../../../src/core/profile/importers/perf';
import { inputFromBytes, type ProfileInput } from '../../../src/core/profile/input';
import type { Profile } from '../../../src/core/profile/model';
import { FIXTURES, assertClose, checkImport, setSnapshot, recycled } from './support';

const DIR = path.join(FIXTURES, 'perf');
const fixture = (name: string) => path.join(DIR, name);
// speedscope's own results for the same captures (copied beside the fixtures, MIT licensed).
const REFERENCE = path.join(DIR, 'linux-tools-perf.test.ts.snap.reference');

interface ReferenceFrame {
  name: string;
  self: number;
  total: number;
}

/** The profiles speedscope's importer produced for `file`: name and per-frame self/total weights. */
function reference(file: string): { name: string; frames: ReferenceFrame[] }[] {
  const text = fs.readFileSync(REFERENCE, 'utf8');
  const out: { name: string; frames: ReferenceFrame[] }[] = [];
  for (const m of text.matchAll(/exports\[`importFromLinuxPerf (\S+) \d+`\] = `\n([\s\S]*?)\n`;/g)) {
    if (m[1] !== file) continue;
    const frames = [...m[2].matchAll(/"name": "(.*)",\n\s+"selfWeight": ([\d.e-]+),\n\s+"totalWeight": ([\d.e-]+)/g)].map((f) => ({
      name: f[1],
      self: Number(f[2]),
      total: Number(f[3]),
    }));
    out.push({ name: /\n {2}"name": "(.*)",\n/.exec(m[2])![1], frames });
  }
  assert.ok(out.length > 0, `no reference for ${file}`);
  return out;
}

/** Self and total weight per frame name, a frame counted once per stack (as speedscope does). */
function frameWeights(p: Profile): Map<string, { self: number; total: number }> {
  const out = new Map<string, { self: number; total: number }>();
  for (let n = 1; n < p.nodeCount; n++) {
    const name = p.frames[p.nodeFrame[n]].name;
    let w = out.get(name);
    if (!w) out.set(name, (w = { self: 0, total: 0 }));
    w.self += p.nodeSelf[n];
    let recursive = false;
    for (let a = p.nodeParent[n]; a > 0; a = p.nodeParent[a]) if (p.frames[p.nodeFrame[a]].name === name) recursive = true;
    if (!recursive) w.total += p.nodeTotal[n];
  }
  return out;
}

/** An input that hands the bytes out in small chunks, to exercise lines cut between chunks. */
function chunkedInput(bytes: Uint8Array, size: number): ProfileInput {
  const base = inputFromBytes(bytes);
  return {
    name: undefined,
    head: base.head,
    gzipped: false,
    maxBytes: base.maxBytes,
    bytes: (f) => base.bytes(f),
    text: (f) => base.text(f),
    async *chunks() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
    recycledChunks(format: string, buffers: number) {
      return recycled(this.chunks(format), buffers);
    },
  };
}

async function importError(text: string): Promise<ProfileImportError> {
  try {
    await perfImporter.import(inputFromBytes(Buffer.from(text), 'bad.perf.txt'));
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${String(e)}`);
    return e;
  }
  assert.fail('import should have failed');
}

describe('perf script importer', () => {
  // speedscope's reference names one fixture "simple-with-pids"; the capture is "simple-with-pid".
  const captures: [string, string][] = [
    ['forks.linux-perf.txt', 'forks.linux-perf.txt'],
    ['one-sample.linux-perf.txt', 'one-sample.linux-perf.txt'],
    ['simple.linux-perf.txt', 'simple.linux-perf.txt'],
    ['simple-with-header.linux-perf.txt', 'simple-with-header.linux-perf.txt'],
    ['simple-with-pid.linux-perf.txt', 'simple-with-pids.linux-perf.txt'],
    ['system-wide.linux-perf.txt', 'system-wide.linux-perf.txt'],
  ];
  for (const [file, refName] of captures) {
    it(`imports ${file} with speedscope's profiles, totals and per-frame weights`, async () => {
      const ref = reference(refName);
      // Every stack has a frame, so a profile's total is the sum of its frames' self weights.
      const totals = ref.map((r) => r.frames.reduce((sum, f) => sum + f.self, 0));
      const set = await checkImport(fixture(file), { format: 'perf', names: ref.map((r) => r.name), totals });
      set.profiles.forEach((p, i) => {
        const ours = frameWeights(p);
        for (const f of ref[i].frames) {
          const w = ours.get(f.name);
          assert.ok(w, `${p.name}: frame ${f.name} missing`);
          assertClose(w.self, f.self, `${p.name}: self of ${f.name}`);
          assertClose(w.total, f.total, `${p.name}: total of ${f.name}`);
        }
        assert.equal(ours.size, ref[i].frames.length, `${p.name}: frame count`);
      });
    });
  }

  it('weighs samples by time and keeps the timeline', async () => {
    const set = await checkImport(fixture('simple-with-header.linux-perf.txt'), { format: 'perf', units: ['seconds'] });
    const p = set.profiles[0];
    const timeline = p.timeline!;
    assert.equal(timeline.node.length, p.sampleCount);
    // The first sample's interval starts at its own timestamp (from the file's first header).
    assert.equal(timeline.time[0], 198789.478194);
    for (let i = 1; i < timeline.time.length; i++) assert.ok(timeline.time[i] > timeline.time[i - 1]);
    assertClose(timeline.weight.reduce((a, b) => a + b, 0), p.totalWeight, 'timeline weight');
    // Frames carry the DSO as their module.
    const beta = p.frames.find((f) => f.name === '_Z4betav')!;
    assert.equal(beta.module, '/workdir/simple-terminates');
  });

  it('imports repeated stacks the same as distinct ones, per thread (the stack cache, on and turned off)', async () => {
    // Stacks leaf first, as perf writes them; the same stacks recur in two threads, one is a
    // prefix of another, one line is no frame (no DSO) and one differs only in its address.
    const stacks = [
      ['leaf+0x1 (/bin/app)', 'mid+0x2 (/bin/app)', 'main+0x3 (/bin/app)'],
      ['mid+0x2 (/bin/app)', 'main+0x3 (/bin/app)'],
      ['other+0x4 (/lib/x.so)', 'not a frame', 'main+0x3 (/bin/app)'],
      ['leaf+0x1 (/bin/app)', 'mid+0x9 (/bin/app)', 'main+0x3 (/bin/app)'],
    ];
    const expectFolded = (samples: { tid: number; stack: string[] }[]) => {
      // The importer's weighting: half the gap to each neighbour of the same thread (1 s apart here).
      const byThread = new Map<number, Map<string, number>>();
      const count = new Map<number, number>();
      for (const s of samples) count.set(s.tid, (count.get(s.tid) ?? 0) + 1);
      const seen = new Map<number, number>();
      for (const s of samples) {
        const i = seen.get(s.tid) ?? 0;
        seen.set(s.tid, i + 1);
        const n = count.get(s.tid)!;
        const weight = n === 1 ? 1 : i === 0 || i === n - 1 ? 0.5 : 1;
        const key = s.stack.filter((f) => f.includes('(')).map((f) => f.replace(/\+0x[\da-f]+ /, ' ').replace(/ \(.*\)$/, '')).reverse().join(';');
        const m = byThread.get(s.tid) ?? new Map<string, number>();
        byThread.set(s.tid, m);
        m.set(key, (m.get(key) ?? 0) + weight);
      }
      return byThread;
    };
    const perfText = (samples: { tid: number; stack: string[] }[]) => {
      const time = new Map<number, number>();
      let text = '';
      samples.forEach((s, k) => {
        const t = (time.get(s.tid) ?? 100) + 1;
        time.set(s.tid, t);
        text += `app 7/${s.tid} ${t.toFixed(6)}: 1 cpu-clock:\n`;
        text += s.stack.map((f, d) => (f.includes('(') ? `\t${(0x1000 + d * 16 + (k % 3)).toString(16)} ${f}\n` : `\t${(0x2000 + d).toString(16)} ${f}\n`)).join('') + '\n';
      });
      return new TextEncoder().encode(text);
    };
    const check = async (samples: { tid: number; stack: string[] }[]) => {
      const set = await importProfileBytes(perfText(samples));
      const expected = expectFolded(samples);
      assert.equal(set.profiles.length, expected.size);
      for (const p of set.profiles) {
        const tid = Number(/tid: (\d+)/.exec(p.name)![1]);
        const got = new Map<string, number>();
        for (let node = 1; node < p.nodeCount; node++) {
          if (p.nodeSelf[node] === 0) continue;
          const parts: string[] = [];
          for (let n = node; n > 0; n = p.nodeParent[n]) parts.push(p.frames[p.nodeFrame[n]].name);
          const key = parts.reverse().join(';');
          got.set(key, (got.get(key) ?? 0) + p.nodeSelf[node]);
        }
        assert.deepEqual([...got.entries()].sort(), [...expected.get(tid)!.entries()].sort(), p.name);
        assert.equal(p.sampleCount, samples.filter((s) => s.tid === tid).length);
      }
    };
    // Mostly repeats: the cache stays on and answers most samples.
    const repeated = Array.from({ length: 400 }, (_, i) => ({ tid: i % 5 === 0 ? 2 : 1, stack: stacks[(i * 7) % 11 % stacks.length] }));
    await check(repeated);
    // Over 4 096 samples, nearly all distinct: the trial turns the cache off partway.
    const distinct = Array.from({ length: 6000 }, (_, i) => ({ tid: 1, stack: i % 50 === 0 ? stacks[0] : [`f${i}+0x1 (/bin/app)`, ...stacks[1]] }));
    await check(distinct);
  });

  it('imports a Rust capture, stripping symbol offsets', async () => {
    const file = fixture('rust-mangled.linux-perf.txt');
    const text = fs.readFileSync(file, 'utf8');
    const times = [...text.matchAll(/^\S.*?\s(\d+\.\d+):/gm)].map((m) => Number(m[1]));
    // Time-weighted samples cover the recording from the first sample to the last.
    const set = await checkImport(file, { format: 'perf', names: ['trace tid: 6061'], totals: [times[times.length - 1] - times[0]] });
    const names = set.profiles[0].frames.map((f) => f.name);
    assert.ok(names.includes('__libc_start_main'));
    assert.ok(names.every((n) => !/\+0x[0-9a-f]+$/.test(n)), 'offsets stripped');
  });

  it('imports a perf capture of Node with --perf-basic-prof, keeping JS source positions', async () => {
    // Captured on this machine: `perf record -F 299 -g -- node --perf-basic-prof
    // test/fixtures/programs/busy.js`, then `perf script`.
    const file = fixture('node-busy.linux-perf.txt');
    const headers = fs.readFileSync(file, 'utf8').match(/^node\s+\d+\s/gm)!;
    const set = await checkImport(file, { format: 'perf' });
    assert.equal(set.profiles.reduce((n, p) => n + p.sampleCount, 0), headers.length);
    const main = set.profiles[0];
    assert.equal(main.name, 'node tid: 21666');
    const build = main.frames.find((f) => f.name === 'buildReport')!;
    assert.deepEqual(build, { name: 'buildReport', file: '/work/main/test/fixtures/programs/busy.js', line: 15, column: 21, module: '/tmp/perf-21666.map' });
    let self = 0;
    for (let n = 1; n < main.nodeCount; n++) if (main.frames[main.nodeFrame[n]].file?.endsWith('busy.js')) self += main.nodeSelf[n];
    assert.ok(self > 0, 'time inside busy.js functions');
  });

  it('reads lines cut between chunks the same way', async () => {
    const bytes = fs.readFileSync(fixture('forks.linux-perf.txt'));
    const whole = await perfImporter.import(inputFromBytes(bytes));
    for (const size of [1, 7, 4096]) {
      const chunked = await perfImporter.import(chunkedInput(bytes, size));
      assert.equal(setSnapshot(chunked), setSnapshot(whole), `chunks of ${size}`);
    }
  });

  it('takes only the first event type and skips samples without a timestamp', async () => {
    const text = [
      'app 7 [000] 10.000000: 1 cycles:',
      '\t1 main (/bin/app)',
      '',
      'app 7 [000] 10.500000: 1 instructions:',
      '\t2 other (/bin/app)',
      '',
      'app 7 [000] 11.000000: 1 cycles:',
      '\t3 work (/bin/app)',
      '\t1 main (/bin/app)',
      '',
      'app 7 cycles:',
      '\t4 untimed (/bin/app)',
      '',
    ].join('\n');
    const set = await importProfileBytes(Buffer.from(text));
    assert.equal(set.format, 'perf');
    const p = set.profiles[0];
    assert.equal(p.name, 'app tid: 7');
    assert.equal(p.sampleCount, 2);
    assert.equal(p.totalWeight, 1);
    assert.deepEqual(p.frames.map((f) => f.name).sort(), ['main', 'work']);
  });

  it('reports bad input with one specific line', async () => {
    const backwards = await importError('a 1 2.0: cycles:\n\t1 f (x)\n\na 1 1.0: cycles:\n\t1 f (x)\n');
    assert.equal(backwards.message, 'samples of "a tid: 1" go back in time (1 s after 2 s)');
    assert.equal(backwards.file, 'bad.perf.txt');
    // A 200 KB line is not taken for a header (nor fed to the header regex).
    const long = await importError(`${'a 1 '.repeat(50_000)}\n`);
    assert.equal(long.message, 'no sample header of the form "comm pid time: event:" (line 1 is not)');
    const noHeader = await importError('\tnot a header\nnor this one\n');
    assert.equal(noHeader.message, 'no sample header of the form "comm pid time: event:" (line 2 is not)');
    assert.equal(noHeader.position, 'line 2');
  });

  it('is sniffed from content, not taken for collapsed stacks or the reverse', () => {
    const sniff = (text: string) => detectImporter(inputFromBytes(Buffer.from(text)))?.format;
    assert.equal(sniff(fs.readFileSync(fixture('simple.linux-perf.txt'), 'utf8')), 'perf');
    assert.equal(sniff('# ========\n# captured on: x\n#\nperf 12/12 [001] 5.5: 250000 cpu-clock:pppH:\n\t    7f00 f+0x1 (/lib/x.so)\n'), 'perf');
    assert.equal(sniff('a;b;c 1\na;b 2\n'), 'collapsed');
    assert.equal(perfImporter.sniff(Buffer.from('a;b;c 1\n'), 'a;b;c 1\n'), false);
    assert.equal(perfImporter.sniff(Buffer.from('app 1 1.0: cycles:\nno stack\n'), ''), false);
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.linux-perf.txt'));
    assert.ok(files.length >= 7);
    let seed = 0x9e2f;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (const name of files) {
      const original = fs.readFileSync(fixture(name));
      const variants: Uint8Array[] = [];
      for (const fraction of [0.05, 0.33, 0.5, 0.77, 0.99]) variants.push(original.subarray(0, Math.floor(original.length * fraction)));
      for (let i = 0; i < 30; i++) {
        const copy = Uint8Array.from(original);
        for (let k = 0; k < 3; k++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        variants.push(copy);
      }
      for (const bytes of variants) {
        try {
          const set = await perfImporter.import(inputFromBytes(bytes, name));
          for (const p of set.profiles) assertClose(p.nodeTotal[0], p.totalWeight, `${name}: root total`);
        } catch (e) {
          assert.ok(e instanceof ProfileImportError, `${name}: ${String(e)}`);
        }
      }
    }
  });
});
