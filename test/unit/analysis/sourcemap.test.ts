import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { lineCost } from '../../../src/core/profile/analysis/index';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { WorkspacePathIndex, WorkspaceSourceResolver, diskWorkspace, pathSegments } from '../../../src/core/profile/sourcemap';

describe('source mapping: workspace paths', () => {
  const index = new WorkspacePathIndex(['src/app.ts', 'lib/util.ts', 'test/lib/util.ts', 'index.js', 'src/index.js']);

  it('resolves references from other machines, URLs and relative paths by path suffix', () => {
    const cases: [string, string | undefined][] = [
      ['/home/ci/build/src/app.ts', 'src/app.ts'],
      ['C:\\Users\\dev\\proj\\src\\app.ts', 'src/app.ts'],
      ['file:///C:/Users/dev/proj/src/app.ts', 'src/app.ts'],
      ['file:///home/dev/My%20Proj/src/app.ts', 'src/app.ts'],
      ['webpack://my-app/./src/app.ts', 'src/app.ts'],
      ['webpack:///./src/app.ts', 'src/app.ts'],
      ['webpack-internal:///./src/app.ts?abc', 'src/app.ts'],
      ['http://localhost:8080/src/app.ts#x', 'src/app.ts'],
      ['./src/app.ts', 'src/app.ts'],
      ['src/app.ts', 'src/app.ts'],
      ['node:internal/modules/cjs/loader', undefined],
      ['', undefined],
      // two trailing segments match both; the shorter workspace path wins
      ['/x/lib/util.ts', 'lib/util.ts'],
      ['/x/test/lib/util.ts', 'test/lib/util.ts'],
      // a file name alone is not enough unless it is the whole workspace path
      ['/usr/lib/node/index.js', 'index.js'],
      ['/usr/lib/node/other/app.ts', undefined],
      ['/elsewhere/missing.ts', undefined],
    ];
    for (const [reference, expected] of cases) assert.equal(index.resolve(reference), expected, reference);
  });

  it('splits references into path segments', () => {
    assert.deepEqual(pathSegments('webpack://app/../src/./a.ts'), ['src', 'a.ts']);
    assert.equal(pathSegments('node:fs'), undefined);
  });
});

describe('source mapping: source maps', function () {
  this.timeout(20000);
  let root: string;
  const appTs = ['export function hot(n: number): number {', '  let s = 0;', '  for (let i = 0; i < n; i++) {', '    const markerHot = i % 7;', '    s += markerHot;', '  }', '  return s;', '}', "export const label: string = 'marker-label';", ''].join('\n');

  /** 1-based line and column of `needle` in `text`. */
  function position(text: string, needle: string): { line: number; column: number } {
    const offset = text.indexOf(needle);
    assert.ok(offset >= 0, `${needle} not in output`);
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-sourcemap-'));
    fs.mkdirSync(path.join(root, 'src'));
    fs.writeFileSync(path.join(root, 'src/app.ts'), appTs);
    fs.writeFileSync(path.join(root, 'src/main.ts'), "import { hot, label } from './app';\nconsole.log(hot(10), label);\n");
    // node_modules and .git are never indexed
    fs.mkdirSync(path.join(root, 'node_modules/dep'), { recursive: true });
    fs.writeFileSync(path.join(root, 'node_modules/dep/app.ts'), '');
    fs.mkdirSync(path.join(root, '.git'));
    fs.writeFileSync(path.join(root, '.git/HEAD'), '');
    const common = { entryPoints: [path.join(root, 'src/main.ts')], bundle: true, platform: 'node' as const, logLevel: 'silent' as const };
    esbuild.buildSync({ ...common, outfile: path.join(root, 'dist/external.js'), sourcemap: 'linked' });
    esbuild.buildSync({ ...common, outfile: path.join(root, 'dist/inline.js'), sourcemap: 'inline' });
    // tsc with outDir writes "../src/app.ts" into the map
    const program = ts.createProgram([path.join(root, 'src/app.ts')], {
      outDir: path.join(root, 'out'),
      rootDir: path.join(root, 'src'),
      sourceMap: true,
      noLib: true,
      types: [],
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.CommonJS,
    });
    program.emit();
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('lists the workspace once, skipping node_modules and .git', () => {
    const files = [...diskWorkspace(root).list()].sort();
    assert.ok(files.includes('src/app.ts'));
    assert.ok(files.includes('dist/external.js.map'));
    assert.equal(files.some((f) => f.startsWith('node_modules/') || f.startsWith('.git/')), false);
  });

  for (const [label, generated] of [
    ['esbuild, external map file', 'dist/external.js'],
    ['esbuild, inline data: map', 'dist/inline.js'],
    ['tsc with outDir', 'out/app.js'],
  ]) {
    it(`maps generated JavaScript back to the TypeScript line (${label})`, () => {
      const resolver = new WorkspaceSourceResolver(diskWorkspace(root));
      const js = fs.readFileSync(path.join(root, generated), 'utf8');
      const at = position(js, 'markerHot =');
      const mapped = resolver.resolve(`file:///deploy/${generated}`, at.line, at.column);
      assert.deepEqual({ file: mapped?.file, line: mapped?.line }, { file: 'src/app.ts', line: 4 });
      const label2 = position(js, 'marker-label');
      assert.equal(resolver.resolve(`/other/machine/${generated}`, label2.line)?.line, 9);
    });
  }

  it('leaves files without a source map where they are', () => {
    const resolver = new WorkspaceSourceResolver(diskWorkspace(root));
    assert.deepEqual(resolver.resolve('/ci/src/main.ts', 2, 3), { file: 'src/main.ts', line: 2, column: 3 });
    assert.equal(resolver.resolve('node:internal/main/run_main_module', 1), undefined);
  });

  it('gives per-line cost of the TypeScript file from a profile of the bundle', () => {
    const js = fs.readFileSync(path.join(root, 'dist/external.js'), 'utf8');
    const hotLine = position(js, 'markerHot =').line;
    const fnLine = position(js, 'function hot(').line;
    const b = new ProfileBuilder('cpu', 'samples');
    const main = b.frame({ name: 'main', file: '/srv/app/dist/external.js', line: 1 });
    const hot = b.frame({ name: 'hot', file: '/srv/app/dist/external.js', line: fnLine });
    b.appendSample([main, hot], 9, [1, hotLine]);
    b.appendSample([main, hot], 1, [1, fnLine]);
    const cost = lineCost(b.build(), 'src/app.ts', new WorkspaceSourceResolver(diskWorkspace(root)));
    assert.deepEqual(cost.lines.map((l) => [l.line, l.self, l.total, l.selfPercent]), [
      [1, 1, 1, 10],
      [4, 9, 9, 90],
    ]);
  });
});
