import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { functionWeights, rankHotFunctions } from '../../../src/core/profile/analysis/index';
import { toCollapsed } from '../../../src/core/profile/export/collapsed';
import { importProfileFile } from '../../../src/core/profile/importers/index';
import { runCli } from '../../../src/cli/main';

const CPUPROFILE = path.resolve(__dirname, '../../fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');
const PPROF = path.resolve(__dirname, '../../fixtures/profiles/pprof/go-simple.prof');
const BUSY_JS = path.resolve(__dirname, '../../fixtures/programs/busy.js');

/** Runs the CLI in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (err += t.endsWith('\n') ? t : `${t}\n`),
  });
  return { code, out, err };
}

describe('cli: hotpath profile …', () => {
  let dir: string;
  const file = (name: string, content: string | Uint8Array) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('summary', () => {
    it('prints the documented JSON for a real node --cpu-prof capture', async () => {
      const { code, out } = await cli('profile', 'summary', CPUPROFILE, '--top', '3', '--json');
      assert.equal(code, 0);
      const json = JSON.parse(out);
      assert.deepEqual(Object.keys(json), ['format', 'file', 'profiles']);
      assert.equal(json.format, 'cpuprofile');
      assert.equal(json.profiles.length, 1);
      const p = json.profiles[0];
      assert.deepEqual(Object.keys(p), ['name', 'unit', 'sampleCount', 'totalWeight', 'functions']);
      const set = await importProfileFile(CPUPROFILE);
      const profile = set.profiles[0];
      assert.equal(p.unit, 'microseconds');
      assert.equal(p.sampleCount, profile.sampleCount);
      assert.equal(p.totalWeight, profile.totalWeight);
      assert.equal(p.functions.length, 3);
      const expected = rankHotFunctions(profile, { by: 'self', top: 3 });
      p.functions.forEach((fn: Record<string, unknown>, i: number) => {
        assert.deepEqual(Object.keys(fn), ['name', 'file', 'line', 'self', 'total', 'selfPercent', 'totalPercent']);
        assert.equal(fn.name, expected[i].name);
        assert.equal(fn.self, expected[i].self);
        assert.equal(fn.total, expected[i].total);
        assert.equal(fn.selfPercent, Math.round(((expected[i].self / profile.totalWeight) * 100) * 1e4) / 1e4);
        assert.equal(fn.file, expected[i].file ?? null);
        assert.equal(fn.line, expected[i].line ?? null);
      });
      // busy.js spends most of its own time in buildReport (line 15 of the program)
      assert.equal(p.functions[0].name, 'buildReport');
      assert.match(p.functions[0].file, /busy\.js$/);
      assert.equal(p.functions[0].line, 15);
    });

    it('accounts for every sample: self weights of all functions add up to totalWeight', async () => {
      const { out } = await cli('profile', 'summary', CPUPROFILE, '--top', '100000', '--json');
      const p = JSON.parse(out).profiles[0];
      const sum = p.functions.reduce((s: number, f: { self: number }) => s + f.self, 0);
      assert.equal(sum, p.totalWeight);
      assert.ok(p.functions.every((f: { total: number }) => f.total <= p.totalWeight));
    });

    it('prints an aligned table with percents and locations', async () => {
      const { code, out } = await cli('profile', 'summary', CPUPROFILE, '--top', '4', '--by', 'total');
      assert.equal(code, 0);
      const lines = out.trimEnd().split('\n');
      assert.match(lines[0], /node-cpu-prof\.cpuprofile: Chrome\/V8 \.cpuprofile \(cpuprofile\), 1 profile$/);
      assert.match(lines[2], /^Profile "CPU profile": \d+ samples, total [\d.]+ ms \(unit microseconds\)$/);
      const header = lines[3];
      assert.match(header, /^\s+SELF\s+SELF%\s+TOTAL\s+TOTAL%\s+FUNCTION\s+LOCATION$/);
      const rows = lines.slice(4);
      assert.equal(rows.length, 4);
      // columns line up: FUNCTION starts at the same offset in every row
      const at = header.indexOf('FUNCTION');
      for (const row of rows) assert.match(row.slice(at - 2, at), /^ {2}$/, row);
      const totals = rows.map((r) => Number(/([\d.]+)%\s+\S/.exec(r.slice(header.indexOf('TOTAL%') - 4))![1]));
      assert.deepEqual([...totals].sort((a, b) => b - a), totals);
      // the nameless module wrapper is the outermost frame of a node program
      assert.match(rows[0], /\s100\.00%|\(anonymous\)\s+node:internal\/main\/run_main_module:1$/);
    });

    it('escapes control characters in names and keeps </script> inert in JSON', async () => {
      const evil = 'evil\u001b[31m\u202e</script><script>x()';
      const p = file('evil.txt', `main;${evil} 3\nmain;ok 1\n`);
      const human = await cli('profile', 'summary', p);
      assert.equal(human.code, 0);
      assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/.test(human.out), false);
      assert.ok(human.out.includes('evil\\x1b[31m\\u202e</script><script>x()'));
      const json = await cli('profile', 'summary', p, '--json');
      assert.equal(json.out.includes('</script>'), false);
      assert.equal(/[\u0000-\u0008\u000b-\u001f]/.test(json.out), false);
      const names = JSON.parse(json.out).profiles[0].functions.map((f: { name: string }) => f.name);
      assert.deepEqual(names, [evil, 'ok']);
    });
  });

  describe('lines', () => {
    it('gives per-line cost of the profiled program, matched by path and source line', async () => {
      const { code, out } = await cli('profile', 'lines', CPUPROFILE, '--source', BUSY_JS, '--root', path.dirname(BUSY_JS), '--json');
      assert.equal(code, 0);
      const json = JSON.parse(out);
      assert.equal(json.source, 'busy.js');
      const lines = json.profiles[0].lines as { line: number; self: number; total: number; selfPercent: number }[];
      const profile = (await importProfileFile(CPUPROFILE)).profiles[0];
      // every self sample of busy.js's frames is on some line
      let expectedSelf = 0;
      profile.frames.forEach((f, i) => {
        if (f.file?.endsWith('/busy.js')) for (const w of profile.lineSelf.get(i)?.values() ?? []) expectedSelf += w;
      });
      assert.ok(expectedSelf > 0);
      assert.ok(Math.abs(lines.reduce((s, l) => s + l.self, 0) - expectedSelf) < 1e-6);
      // busy.js's own functions hold all of that self time
      const { self } = functionWeights(profile);
      const ownSelf = rankHotFunctions(profile, { top: Infinity }).filter((f) => f.file?.endsWith('/busy.js')).reduce((s, f) => s + self[f.id], 0);
      assert.ok(Math.abs(ownSelf - expectedSelf) < 1e-6);
      const source = fs.readFileSync(BUSY_JS, 'utf8').split('\n');
      const hottest = [...lines].sort((a, b) => b.self - a.self)[0];
      // the quadratic `seen.includes` line is where busy.js burns its time
      assert.match(source[hottest.line - 1], /seen\.includes/);
      assert.deepEqual([...lines].map((l) => l.line), [...lines].map((l) => l.line).sort((a, b) => a - b));

      const human = await cli('profile', 'lines', CPUPROFILE, '--source', BUSY_JS, '--root', path.dirname(BUSY_JS));
      assert.equal(human.code, 0);
      assert.match(human.out, /^\s*LINE\s+SELF\s+SELF%\s+TOTAL\s+TOTAL%\s+SOURCE$/m);
      assert.match(human.out, new RegExp(`^\\s+${hottest.line}\\s.*seen\\.includes`, 'm'));
    });

    it('matches a source path that is not on disk against the frames\' own paths', async () => {
      const remote = file(
        'remote.speedscope.json',
        JSON.stringify({
          $schema: 'https://www.speedscope.app/file-format-schema.json',
          shared: { frames: [{ name: 'main', file: '/remote/build/nowhere/app.ts', line: 3 }, { name: 'work', file: '/remote/build/nowhere/app.ts', line: 10 }, { name: 'lib', file: '/remote/build/lib.ts', line: 1 }] },
          profiles: [{ type: 'sampled', name: 'p', unit: 'none', startValue: 0, endValue: 4, samples: [[0, 1], [0], [0, 2]], weights: [2, 1, 1] }],
        }),
      );
      const { code, out } = await cli('profile', 'lines', remote, '--source', 'nowhere/app.ts', '--json');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(out).profiles[0].lines, [
        { line: 3, self: 1, total: 4, selfPercent: 25, totalPercent: 100 },
        { line: 10, self: 2, total: 2, selfPercent: 50, totalPercent: 50 },
      ]);
      const human = await cli('profile', 'lines', remote, '--source', 'nowhere/app.ts');
      assert.match(human.out, /each function's cost is shown at its own line/);
      const none = await cli('profile', 'lines', remote, '--source', 'elsewhere.ts');
      assert.match(none.out, /no cost recorded in elsewhere\.ts/);
    });

    it('follows a source map from a bundle in the workspace back to the TypeScript line', async () => {
      const ws = path.join(dir, 'ws');
      fs.mkdirSync(path.join(ws, 'src'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'src/app.ts'), ['export function hot(n: number): number {', '  let s = 0;', '  for (let i = 0; i < n; i++) s += i % 7;', '  return s;', '}', 'console.log(hot(5));', ''].join('\n'));
      esbuild.buildSync({ entryPoints: [path.join(ws, 'src/app.ts')], outfile: path.join(ws, 'dist/app.js'), bundle: true, sourcemap: 'linked', logLevel: 'silent' });
      const js = fs.readFileSync(path.join(ws, 'dist/app.js'), 'utf8').split('\n');
      const loopLine = js.findIndex((l) => l.includes('i % 7')) + 1;
      const fnLine = js.findIndex((l) => l.includes('function hot(')) + 1;
      // frames as a profiler on the deploy machine recorded them
      const prof = file(
        'bundle.speedscope.json',
        JSON.stringify({
          $schema: 'https://www.speedscope.app/file-format-schema.json',
          shared: { frames: [{ name: 'hot', file: 'file:///srv/deploy/dist/app.js', line: fnLine, col: js[fnLine - 1].indexOf('function') + 1 }, { name: '(loop)', file: 'file:///srv/deploy/dist/app.js', line: loopLine, col: js[loopLine - 1].indexOf('for') + 1 }] },
          profiles: [{ type: 'sampled', name: 'p', unit: 'none', startValue: 0, endValue: 4, samples: [[0, 1], [0]], weights: [3, 1] }],
        }),
      );
      const { code, out } = await cli('profile', 'lines', prof, '--source', path.join(ws, 'src/app.ts'), '--root', ws, '--json');
      assert.equal(code, 0);
      const json = JSON.parse(out);
      assert.equal(json.source, 'src/app.ts');
      assert.deepEqual(json.profiles[0].lines.map((l: { line: number; self: number; total: number }) => [l.line, l.self, l.total]), [
        [1, 1, 4],
        [3, 3, 3],
      ]);
    });

    it('requires --source', async () => {
      const { code, err } = await cli('profile', 'lines', CPUPROFILE);
      assert.equal(code, 2);
      assert.match(err, /--source PATH is required/);
    });
  });

  describe('diff', () => {
    it('ranks functions by change in share, with exact before/after numbers', async () => {
      const before = file('before.txt', 'main;parse 30\nmain;render 70\n');
      const after = file('after.txt', 'main;parse 120\nmain;render 80\n');
      const { code, out } = await cli('profile', 'diff', before, after, '--json');
      assert.equal(code, 0);
      const json = JSON.parse(out);
      assert.equal(json.by, 'self');
      assert.deepEqual(
        [json.before.totalWeight, json.after.totalWeight, json.before.format, json.after.unit],
        [100, 200, 'collapsed', 'samples'],
      );
      assert.deepEqual(json.functions, [
        {
          name: 'parse',
          file: null,
          line: null,
          self: { before: 30, after: 120, beforePercent: 30, afterPercent: 60, delta: 30, relative: 1 },
          total: { before: 30, after: 120, beforePercent: 30, afterPercent: 60, delta: 30, relative: 1 },
        },
        {
          name: 'render',
          file: null,
          line: null,
          self: { before: 70, after: 80, beforePercent: 70, afterPercent: 40, delta: -30, relative: -0.4286 },
          total: { before: 70, after: 80, beforePercent: 70, afterPercent: 40, delta: -30, relative: -0.4286 },
        },
      ]);
      const human = await cli('profile', 'diff', before, after, '--top', '1');
      assert.match(human.out, /30\.00%\s+60\.00%\s+\+30\.00 pp\s+\+100%\s+\+30\.00 pp\s+parse$/m);
      assert.equal(/render/.test(human.out), false);
    });

    it('reports no change for a profile against itself', async () => {
      const { code, out } = await cli('profile', 'diff', CPUPROFILE, CPUPROFILE, '--json');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(out).functions, []);
    });

    it('refuses profiles in different units with a JSON error', async () => {
      const folded = file('units.txt', 'a;b 1\n');
      const { code, out } = await cli('profile', 'diff', CPUPROFILE, folded, '--json');
      assert.equal(code, 2);
      const { error } = JSON.parse(out);
      assert.match(error.message, /cannot compare a profile in microseconds .* with one in samples/);
      assert.equal(error.file, folded);
      assert.equal(error.format, 'collapsed');
    });
  });

  describe('convert', () => {
    it('writes collapsed stacks to stdout', async () => {
      const { code, out } = await cli('profile', 'convert', CPUPROFILE, '--to', 'collapsed');
      assert.equal(code, 0);
      const set = await importProfileFile(CPUPROFILE);
      assert.equal(out, toCollapsed(set.profiles[set.activeIndex]));
    });

    it('writes speedscope JSON to a file that imports back with the same totals', async () => {
      const out = path.join(dir, 'out.speedscope.json');
      const { code, err } = await cli('profile', 'convert', CPUPROFILE, '--to', 'speedscope', '-o', out);
      assert.equal(code, 0);
      assert.match(err, /wrote speedscope JSON to .*out\.speedscope\.json/);
      const original = await importProfileFile(CPUPROFILE);
      const back = await importProfileFile(out);
      assert.equal(back.format, 'speedscope');
      assert.equal(back.profiles[0].totalWeight, original.profiles[0].totalWeight);
      assert.deepEqual(
        rankHotFunctions(back.profiles[0], { top: 5 }).map((f) => [f.name, f.self]),
        rankHotFunctions(original.profiles[0], { top: 5 }).map((f) => [f.name, f.self]),
      );
    });

    it('requires --to and rejects unknown targets', async () => {
      assert.match((await cli('profile', 'convert', CPUPROFILE)).err, /--to speedscope\|collapsed is required/);
      const bad = await cli('profile', 'convert', CPUPROFILE, '--to', 'svg');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /--to expects speedscope or collapsed, not "svg"/);
    });
  });

  describe('bad input', () => {
    it('reports a missing file as JSON with exit 2', async () => {
      const missing = path.join(dir, 'missing.cpuprofile');
      const { code, out } = await cli('profile', 'summary', missing, '--json');
      assert.equal(code, 2);
      assert.deepEqual(JSON.parse(out), { error: { message: 'file not found', file: missing, format: null } });
    });

    it('reports a directory given as FILE', async () => {
      const { code, out } = await cli('profile', 'summary', dir, '--json');
      assert.equal(code, 2);
      assert.deepEqual(JSON.parse(out), { error: { message: 'is a directory, not a profile file', file: dir, format: null } });
    });

    it('reports empty, unknown and truncated files in one line naming file and format', async () => {
      const empty = file('empty.prof', '');
      const r1 = await cli('profile', 'summary', empty);
      assert.equal(r1.code, 2);
      assert.match(r1.err, /^hotpath: .*empty\.prof: file is empty\n$/);

      const unknown = file('random.bin', Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256));
      const r2 = await cli('profile', 'summary', unknown, '--json');
      assert.equal(r2.code, 2);
      assert.match(JSON.parse(r2.out).error.message, /unknown format/);

      const text = fs.readFileSync(CPUPROFILE, 'utf8');
      const truncated = file('truncated.cpuprofile', text.slice(0, Math.floor(text.length / 2)));
      const r3 = await cli('profile', 'summary', truncated);
      assert.equal(r3.code, 2);
      assert.equal(r3.err.trimEnd().split('\n').length, 1);
      assert.match(r3.err, /truncated\.cpuprofile: cpuprofile: /);
    });

    it('applies --max-size and validates options', async () => {
      // a pprof protobuf is decoded whole, so the limit applies (streamed formats have none)
      const r1 = await cli('profile', 'summary', PPROF, '--max-size', '100', '--json');
      assert.equal(r1.code, 2);
      const { error } = JSON.parse(r1.out);
      assert.match(error.message, /larger than the 100 B limit/);
      assert.equal(error.format, 'pprof');
      assert.equal((await cli('profile', 'summary', PPROF, '--max-size', '1M')).code, 0);
      assert.equal((await cli('profile', 'summary', CPUPROFILE, '--max-size', '512M')).code, 0);
      assert.match((await cli('profile', 'summary', CPUPROFILE, '--max-size', 'lots')).err, /--max-size expects a size such as 512M/);
      assert.match((await cli('profile', 'summary', CPUPROFILE, '--top', '0')).err, /--top expects a positive whole number, not "0"/);
      assert.match((await cli('profile', 'summary', CPUPROFILE, '--by', 'name')).err, /--by expects self or total/);
      assert.match((await cli('profile', 'summary')).err, /missing FILE/);
      assert.match((await cli('profile', 'summary', CPUPROFILE, CPUPROFILE)).err, /unexpected argument/);
      assert.equal((await cli('profile', 'summary', CPUPROFILE, '--nope')).code, 2);
    });
  });
});
