import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { toCollapsed } from '../../../src/core/profile/export/collapsed';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { collapsedImporter } from '../../../src/core/profile/importers/collapsed';
import { detectImporter, importProfileBytes } from '../../../src/core/profile/importers/index';
import { inputFromBytes, type ProfileInput } from '../../../src/core/profile/input';
import { readLines } from '../../../src/core/profile/text/lines';
import { FIXTURES, checkImport, setSnapshot, recycled } from './support';

const DIR = path.join(FIXTURES, 'collapsed');
const fixture = (name: string) => path.join(DIR, name);

/** An input that hands the bytes out in chunks of `size`, to cut lines and UTF-16 pairs. */
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

describe('collapsed stacks importer', () => {
  // speedscope's reference (_reference_snapshots/bg-flamegraph.test.ts.snap) gives these four
  // files the stacks a;b;c 5, a;b;d 4, a;b 5: total 14.
  for (const file of ['simple.txt', 'simple-crlf.txt', 'simple-utf16-le.txt', 'simple-utf16-be.txt']) {
    it(`imports ${file} like speedscope`, async () => {
      const set = await checkImport(fixture(file), { format: 'collapsed', totals: [14], units: ['samples'] });
      assert.equal(setSnapshot(set), fs.readFileSync(fixture('simple.txt.snap'), 'utf8'), 'same stacks as simple.txt');
    });
  }

  // Totals reviewed by summing the counts of the files' stack lines (awk '{s+=$NF} END {print s}').
  const captures: [string, number, number][] = [
    ['perf-vertx-stacks-01-collapsed-all.txt', 285, 199],
    ['alternating.txt', 182, 182],
    ['recursion.txt', 10, 10],
    ['tall.txt', 1, 1],
    ['simple-with-invalids.txt', 14, 5],
  ];
  for (const [file, total, lines] of captures) {
    it(`imports ${file}`, async () => {
      const set = await checkImport(fixture(file), { format: 'collapsed', totals: [total] });
      assert.equal(set.profiles[0].sampleCount, lines);
    });
  }

  it("splits async-profiler/perf-map-agent kind suffixes into the frame's module", async () => {
    const set = await importProfileBytes(fs.readFileSync(fixture('perf-vertx-stacks-01-collapsed-all.txt')));
    const frames = set.profiles[0].frames;
    const hypercall = frames.find((f) => f.name === 'hypercall_page');
    assert.equal(hypercall?.module, 'kernel');
    const run = frames.find((f) => f.name === 'io/netty/channel/nio/NioEventLoop:.run');
    assert.equal(run?.module, 'jit');
    assert.ok(frames.every((f) => !/_\[[jik01]\]$/.test(f.name)));
  });

  it('reads py-spy raw frames as function, file and per-line cost', async () => {
    // The shape py-spy `record --format raw` writes (with --threads): process and thread frames,
    // then `function (file:line)` with the line the sample was on.
    const text = [
      'process 4242:"python app.py";thread (0x7f3c2a1b4740);<module> (app.py:30);main (app.py:25);parse (lib/parse.py:12) 6',
      'process 4242:"python app.py";thread (0x7f3c2a1b4740);<module> (app.py:30);main (app.py:25);parse (lib/parse.py:14) 3',
      'process 4242:"python app.py";thread (0x7f3c2a1b4740);<module> (app.py:30);main (app.py:26) 1',
      'process 4242:"python app.py";thread (0x7f3c2a1b4740);<module> (app.py:30);main (app.py:25);parse (lib/parse.py:14);parse (lib/parse.py:12) 2',
      '',
    ].join('\n');
    const set = await importProfileBytes(Buffer.from(text));
    const p = set.profiles[0];
    assert.equal(p.totalWeight, 12);
    const parse = p.frames.findIndex((f) => f.name === 'parse');
    assert.deepEqual(p.frames[parse], { name: 'parse', file: 'lib/parse.py' });
    assert.equal(p.frames.filter((f) => f.name === 'parse').length, 1, 'one frame per function, not per line');
    assert.deepEqual([...p.lineSelf.get(parse)!].sort(), [[12, 8], [14, 3]]);
    // The recursive stack counts each (function, line) once: 12 → 6 + 2, 14 → 3 + 2.
    assert.deepEqual([...p.lineTotal.get(parse)!].sort(), [[12, 8], [14, 5]]);
    const main = p.frames.findIndex((f) => f.name === 'main');
    assert.deepEqual([...p.lineTotal.get(main)!].sort(), [[25, 11], [26, 1]]);
    assert.deepEqual(p.frames[0], { name: 'process 4242:"python app.py"' });
  });

  it('numbers plain and parsed frames in one table: parsed tokens that name one frame share it', async () => {
    // Frames are numbered while reading and made at the end: plain tokens are frames of their
    // own, suffixed and py-spy tokens are parsed, and two tokens may parse to one frame.
    const text = ['a;b_[j];c (x.py:3);b_[j];d 1', 'a;c (x.py:4);e;b_[i] 2', 'e;a;b 4', ''].join('\n');
    const p = (await importProfileBytes(Buffer.from(text))).profiles[0];
    assert.deepEqual(p.frames, [{ name: 'a' }, { name: 'b', module: 'jit' }, { name: 'c', file: 'x.py' }, { name: 'd' }, { name: 'e' }, { name: 'b', module: 'inlined' }, { name: 'b' }]);
    const stacks = toCollapsed(p).trim().split('\n').sort();
    assert.deepEqual(stacks, ['a;b;c;b;d 1', 'a;c;e;b 2', 'e;a;b 4']);
    assert.equal(p.lineSelf.size, 0, 'no sample ends on a frame with a line');
    assert.deepEqual([...p.lineTotal.get(2)!].sort(), [[3, 1], [4, 2]]);
  });

  it('keeps frames with spaces and reuses shared prefixes correctly', async () => {
    const text = 'main;oopDesc* copy<false> (x);a b 2\nmain;oopDesc* copy<false> (x);a 1\nmain;oopDesc* copy<false> (x) 4\nmain;oopDesc* copy<false> (x);a b;c 1\nmain;oop 1\n';
    const p = (await importProfileBytes(Buffer.from(text))).profiles[0];
    assert.equal(toCollapsed(p).split('\n').sort().join('\n'), text.split('\n').sort().join('\n'));
    assert.equal(p.frames.length, 6);
  });

  it('gives the same stacks with the line cache on, off from the start, or turned off mid-file', async () => {
    let seed = 42;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const stacks = Array.from({ length: 7 }, (_, i) => Array.from({ length: 3 + i }, (_, d) => `f${(d * 3 + i) % 5}`).join(';'));
    const repeated = Array.from({ length: 6000 }, () => `${stacks[Math.floor(random() * stacks.length)]} ${1 + Math.floor(random() * 3)}`);
    const distinct = Array.from({ length: 5000 }, (_, i) => `main;worker${i % 50};task${i} 1`);
    // Repeats in the first 64 KB keep the cache on; distinct lines there turn it off before the
    // first line; repeats there, then thousands of distinct lines, turn it off mid-file.
    for (const lines of [repeated, [...distinct, ...repeated], [...repeated.slice(0, 300), ...distinct, ...repeated]]) {
      const expected = new Map<string, number>();
      for (const l of lines) {
        const cut = l.lastIndexOf(' ');
        expected.set(l.slice(0, cut), (expected.get(l.slice(0, cut)) ?? 0) + Number(l.slice(cut + 1)));
      }
      const p = (await collapsedImporter.import(inputFromBytes(Buffer.from(lines.join('\n'))))).profiles[0];
      const actual = new Map(toCollapsed(p).trim().split('\n').map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
      assert.deepEqual(actual, expected);
      assert.equal(p.sampleCount, lines.length);
    }
  });

  it('streams: lines cut between chunks (and UTF-16 pairs cut in half) import the same', async () => {
    for (const file of ['perf-vertx-stacks-01-collapsed-all.txt', 'simple-utf16-le.txt', 'simple-utf16-be.txt', 'simple-crlf.txt']) {
      const bytes = fs.readFileSync(fixture(file));
      const whole = setSnapshot(await collapsedImporter.import(inputFromBytes(bytes)));
      for (const size of [1, 3, 1000]) {
        assert.equal(setSnapshot(await collapsedImporter.import(chunkedInput(bytes, size))), whole, `${file} in chunks of ${size}`);
      }
    }
  });

  it('compares each line with the last stack even when a comment, a bad line or a repeat comes between', async () => {
    // The previous stack is read from its chunk, which stays valid while one more chunk is
    // read. With 64-byte lines in 64-byte chunks and two buffers, the chunk of "A" is reused
    // for "B" two lines later: the line between (which does not replace A as the previous
    // stack) must keep a copy of A, or B is compared with its own bytes, seems to share all
    // of A's frames, and is counted on A's stack.
    const SIZE = 64;
    const line = (frames: string[], weight: number) => {
      const head = frames.slice(0, -1).join(';') + ';';
      const tail = ` ${weight}`;
      return head + frames[frames.length - 1].padEnd(SIZE - 1 - head.length - tail.length, frames[frames.length - 1][0]) + tail;
    };
    const repeats = ['r', 's', 't'].map((c) => line(['main', 'loop', c], 1));
    const between = [repeats[0], '#'.padEnd(SIZE - 1, '.'), 'not a stack line'.padEnd(SIZE - 1, '.')];
    const lines = Array.from({ length: 300 }, (_, i) => repeats[i % 3]);
    const expected = new Map<string, number>(repeats.map((r) => [r.slice(0, r.lastIndexOf(' ')), 100]));
    between.forEach((middle, i) => {
      const [a, b] = [String.fromCharCode(97 + 2 * i).repeat(6), String.fromCharCode(98 + 2 * i).repeat(6)];
      const first = line(['main', 'loop', a, 'x'], 2);
      const second = line(['main', 'loop', b, 'y'], 5);
      lines.push(first, middle, second);
      expected.set(first.slice(0, -2), 2);
      expected.set(second.slice(0, -2), 5);
      if (middle === repeats[0]) expected.set(repeats[0].slice(0, -2), 101);
    });
    const bytes = Buffer.from(lines.join('\n') + '\n');
    assert.ok(lines.every((l) => l.length === SIZE - 1));
    for (const size of [SIZE, 1, 5, 4096]) {
      const p = (await collapsedImporter.import(chunkedInput(bytes, size))).profiles[0];
      const stacks = new Map(toCollapsed(p).trim().split('\n').map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
      assert.deepEqual(stacks, expected, `in chunks of ${size}`);
    }
  });

  it('guesses the next frame from the one that followed last time, and checks the guess', async () => {
    // Each line leaves the previous one at "a", then the frame after "b" is guessed: right
    // ("c"), a prefix of the real one ("c" before "cd"), longer than it ("cd" before "c"),
    // at the end of the line, and wrong.
    const lines = ['r;a;b;c;d 1', 'r;x;b;c;d 1', 'r;y;b;cd;d 1', 'r;z;b;c 1', 'r;w;b;c;e 1', 'r;v;b 1', 'r;u;b;q;d 1', 'r;t;b;c;d;b;c 1'];
    const p = (await collapsedImporter.import(inputFromBytes(Buffer.from(lines.join('\n'))))).profiles[0];
    assert.deepEqual(toCollapsed(p).trim().split('\n').sort(), lines.sort());
    assert.deepEqual(p.frames.map((f) => f.name).sort(), ['a', 'b', 'c', 'cd', 'd', 'e', 'q', 'r', 't', 'u', 'v', 'w', 'x', 'y', 'z']);
  });

  it('imports gzipped content', async () => {
    const gz = zlib.gzipSync(fs.readFileSync(fixture('perf-vertx-stacks-01-collapsed-all.txt')));
    const set = await importProfileBytes(gz, 'stacks.txt.gz');
    assert.equal(set.format, 'collapsed');
    assert.equal(set.profiles[0].totalWeight, 285);
  });

  it('line reader hands out every line, with CR and BOM removed', async () => {
    const seen: string[] = [];
    const count = await readLines(
      (async function* () {
        yield Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x0d]);
        yield Buffer.from('\n\nb\r\nlast');
      })(),
      (buf, start, end, lineNo) => seen.push(`${lineNo}:${buf.toString('utf8', start, end)}`),
    );
    assert.equal(count, 4);
    assert.deepEqual(seen, ['1:a', '2:', '3:b', '4:last']);
  });

  it('is specific when sniffing', () => {
    const sniff = (text: string) => detectImporter(inputFromBytes(Buffer.from(text)))?.format;
    assert.equal(sniff('a;b;c 1\n'), 'collapsed');
    assert.equal(sniff('# comment\n\nsingle_frame 3\n'), 'collapsed');
    assert.equal(sniff('a;b;c 1.5\n'), 'collapsed');
    assert.equal(sniff('The quick brown fox\njumps over 2\n'), undefined);
    assert.equal(sniff('a;b;c\n'), undefined);
    assert.equal(sniff('{"nodes": [], "samples": 1}\n'), undefined);
    assert.equal(sniff('app 1 [000] 1.0: 1 cycles:\n\t1 f (x)\n'), 'perf');
  });

  it('reports input without stack lines, naming the first bad line', async () => {
    try {
      await collapsedImporter.import(inputFromBytes(Buffer.from('# header\nnot a stack\n'), 'x.folded'));
      assert.fail('should fail');
    } catch (e) {
      assert.ok(e instanceof ProfileImportError);
      assert.equal(e.toLine(), 'x.folded: collapsed: no line of the form "frame;frame;… count" (line 2 is not) (at line 2)');
    }
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.txt') && !f.startsWith('LICENSE'));
    assert.ok(files.length >= 9);
    let seed = 0xc011;
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
          const p = (await collapsedImporter.import(inputFromBytes(bytes, name))).profiles[0];
          assert.equal(p.nodeTotal[0], p.totalWeight, `${name}: root total`);
        } catch (e) {
          assert.ok(e instanceof ProfileImportError, `${name}: ${String(e)}`);
        }
      }
    }
  });
});
