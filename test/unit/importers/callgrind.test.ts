import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { callgrindImporter } from '../../../src/core/profile/importers/callgrind';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { importProfileBytes, importProfileFile } from '../../../src/core/profile/importers/index';
import type { Profile } from '../../../src/core/profile/model';
import { FIXTURES, checkImport } from './support';

const DIR = path.join(FIXTURES, 'callgrind');
const fixture = (name: string) => path.join(DIR, name);

function frameIndex(p: Profile, prefix: string): number {
  const i = p.frames.findIndex((f) => f.name.startsWith(prefix));
  assert.ok(i >= 0, `frame ${prefix} not found`);
  return i;
}

/** Self and total weight of a function summed over the tree (counting each path once). */
function functionWeights(p: Profile, frame: number): { self: number; total: number } {
  let self = 0;
  let total = 0;
  for (let n = 1; n < p.nodeCount; n++) {
    if (p.nodeFrame[n] !== frame) continue;
    self += p.nodeSelf[n];
    let nested = false;
    for (let a = p.nodeParent[n]; a > 0; a = p.nodeParent[a]) if (p.nodeFrame[a] === frame) nested = true;
    if (!nested) total += p.nodeTotal[n];
  }
  return { self, total };
}

async function importText(text: string): Promise<ProfileImportError> {
  try {
    await importProfileBytes(Buffer.from(text), 'bad.callgrind');
  } catch (e) {
    assert.ok(e instanceof ProfileImportError, `expected ProfileImportError, got ${String(e)}`);
    return e;
  }
  assert.fail('import should have failed');
}

describe('callgrind importer', () => {
  // Totals are the sums of the stacks in speedscope's reference snapshot
  // (_reference_snapshots/callgrind.test.ts.snap): "main;func1;func2 300", "main;func1 100",
  // "main;func2 400", "main 20" = 820 for the three single-event files.
  for (const name of ['callgrind.example.log', 'callgrind.name-compression.log', 'callgrind.subposition-compression.log']) {
    it(`imports ${name} like speedscope`, async () => {
      const set = await checkImport(fixture(name), { format: 'callgrind', totals: [820], names: ['Instructions'], units: ['count'] });
      const p = set.profiles[0];
      assert.deepEqual(functionWeights(p, frameIndex(p, 'func1')), { self: 100, total: 400 });
      assert.deepEqual(functionWeights(p, frameIndex(p, 'func2')), { self: 700, total: 700 });
      assert.equal(p.frames[frameIndex(p, 'func2')].file, 'file2.c');
    });
  }

  it('resets the callee file after each call (cfn-reset)', async () => {
    // Reference: "alpha;beta 10", "alpha;gamma 10", "alpha;delta;gamma 10", "alpha;delta 10", "alpha 10".
    const set = await checkImport(fixture('callgrind.cfn-reset.log'), { format: 'callgrind', totals: [50] });
    const p = set.profiles[0];
    assert.equal(p.frames[frameIndex(p, 'gamma')].file, 'alpha.c');
    assert.equal(p.frames[frameIndex(p, 'beta')].file, 'beta.c');
    assert.deepEqual(functionWeights(p, frameIndex(p, 'delta')), { self: 10, total: 20 });
  });

  it('makes one profile per event with xdebug units', async () => {
    // Reference: "-- Time" stacks 3.00µs + 1.00µs + 4.00µs + 200ns = 8200 ns (Time_(10ns) × 10);
    // "-- Memory" 4.88 KB + 14.65 KB + 2.93 KB + 14.65 KB = 38000 bytes (main total 38000).
    await checkImport(fixture('callgrind.multiple-event-types.log'), {
      format: 'callgrind',
      totals: [8200, 38000],
      names: ['Time', 'Memory'],
      units: ['nanoseconds', 'bytes'],
    });
  });

  it('records per-line cost from cost lines and call lines', async () => {
    const p = (await importProfileFile(fixture('callgrind.example.log'))).profiles[0];
    const main = frameIndex(p, 'main');
    assert.deepEqual([...p.lineSelf.get(main)!], [[16, 20]]);
    assert.deepEqual([...p.lineTotal.get(main)!], [[16, 820]]);
    assert.deepEqual([...p.lineTotal.get(frameIndex(p, 'func1'))!], [[51, 400]]);
  });

  it('imports a committed valgrind capture', async () => {
    const set = await checkImport(fixture('valgrind-3.19-work.callgrind.out'), { format: 'callgrind', names: ['Ir'] });
    checkWorkProgram(set.profiles[0], fs.readFileSync(fixture('valgrind-3.19-work.callgrind.out'), 'utf8'));
  });

  it('imports a live valgrind --tool=callgrind run (skipped when valgrind or g++ is not installed)', async function () {
    const has = (cmd: string) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
    if (!has('valgrind') || !has('g++')) {
      // eslint-disable-next-line no-console
      console.log('      valgrind or g++ not installed: live callgrind capture skipped');
      this.skip();
    }
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-callgrind-'));
    try {
      const exe = path.join(dir, 'work');
      const out = path.join(dir, 'callgrind.out');
      execFileSync('g++', ['-O1', '-g', '-o', exe, fixture('work.cpp')]);
      execFileSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, exe], { stdio: 'ignore' });
      const set = await importProfileFile(out);
      assert.equal(set.format, 'callgrind');
      checkWorkProgram(set.profiles[0], fs.readFileSync(out, 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sniffs callgrind headers only', () => {
    const sniff = (text: string) => callgrindImporter.sniff(Buffer.from(text), text);
    assert.ok(sniff('# callgrind format\nevents: Ir\n'));
    assert.ok(sniff('version: 1\ncreator: xdebug 3\nevents: Time_(10ns)\nfn=(1) main\n16 20\n'));
    assert.ok(!sniff('main;foo;bar 12\nmain;foo 3\n'));
    assert.ok(!sniff('events: a b\nnothing else\n'));
    assert.ok(!sniff('{"events": "fn=main"}'));
  });

  describe('bad input', () => {
    it('names the line of a cost line before the events header', async () => {
      const e = await importText('# callgrind format\nfn=main\n16 20\n');
      assert.equal(e.toLine(), 'bad.callgrind: callgrind: line 3: cost line before the "events:" header (at line 3)');
    });
    it('rejects unknown compressed names and unrecognized lines', async () => {
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=(4)\n1 2\n')).message, 'line 3: name id (4) is used before it is defined');
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=main\nwhat is this\n')).message, 'line 4: unrecognized line "what is this"');
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=main\n1 x2\n')).message, 'line 4: "x2" in column 2 is not a number');
    });
    it('rejects a call without its cost line', async () => {
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=main\ncfn=f\ncalls=1 2\n')).message, 'line 6: the file ends after calls= without the cost line of the call');
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=main\ncalls=1 2\n3 4\n')).message, 'line 4: calls= without a preceding cfn=');
    });
    it('rejects relative positions without a previous line and changing events', async () => {
      assert.match((await importText('# callgrind format\nevents: Ir\nfn=main\n+3 5\n')).message, /^line 4: relative "\+3" in column 1 but the previous cost line has no such column$/);
      assert.equal((await importText('# callgrind format\nevents: Ir\nfn=a\n1 1\nevents: Dr\n')).message, 'line 5: "events: Dr" differs from the earlier "events: Ir"');
    });
  });

  it('survives truncations and byte flips of every fixture (fuzz)', async () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.log') || f.endsWith('.out'));
    assert.ok(files.length >= 6);
    let seed = 0xca11;
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
        try {
          await importProfileBytes(bytes, name);
        } catch (e) {
          assert.ok(e instanceof ProfileImportError, `${name}: ${String(e)}`);
        }
      }
    }
  });
});

/**
 * work.cpp: main calls work() 10 times; work() runs heavy(4n) then light(n), so heavy costs
 * about four times light, and almost all of heavy's cost is on its loop line (4).
 */
function checkWorkProgram(p: Profile, text: string): void {
  assert.equal(p.unit, 'count');
  const summary = Number(/^summary:\s*(\d+)/m.exec(text)![1]);
  // Functions reached only through unrecorded edges (IFUNC resolvers, …) become extra roots,
  // as in speedscope; they are a fraction of a percent.
  assert.ok(Math.abs(p.totalWeight - summary) / summary < 0.01, `total ${p.totalWeight} vs summary ${summary}`);
  const heavy = functionWeights(p, frameIndex(p, 'heavy('));
  const light = functionWeights(p, frameIndex(p, 'light('));
  const ratio = heavy.self / light.self;
  assert.ok(ratio > 3.9 && ratio < 4.1, `heavy/light = ${ratio}`);
  const work = functionWeights(p, frameIndex(p, 'work('));
  assert.ok(work.total >= heavy.total + light.total);
  const heavyFrame = p.frames[frameIndex(p, 'heavy(')];
  assert.match(heavyFrame.file ?? '', /work\.cpp$/);
  assert.ok(heavyFrame.module, 'object file recorded as module');
  const loop = p.lineSelf.get(frameIndex(p, 'heavy('))!.get(4) ?? 0;
  assert.ok(loop / heavy.self > 0.99, `loop line has ${loop} of ${heavy.self}`);
}
