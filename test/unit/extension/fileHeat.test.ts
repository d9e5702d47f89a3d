import * as assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import { WorkspaceSourceResolver } from '../../../src/core/profile/sourcemap';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { costLabel, fileHeat, heatLevel } from '../../../src/extension/heat/fileHeat';

function profile(file: string) {
  const b = new ProfileBuilder('cpu', 'samples');
  const main = b.frame({ name: 'main', file, line: 20 });
  const slug = b.frame({ name: 'slugify', file, line: 9 });
  const lib = b.frame({ name: 'replace', file: 'node:internal/strings', line: 1 });
  b.appendSample([main, slug, lib], 6, [22, 11, 1]);
  b.appendSample([main, slug], 3, [22, 10]);
  b.appendSample([main], 1, [23]);
  return b.build();
}

describe('editor heat for one file', () => {
  it('matches a file recorded on another machine by its folder and name', () => {
    const heat = fileHeat(profile('file:///build/agent/app/programs/busy.js'), '/home/me/ws/programs/busy.js');
    assert.deepEqual(
      heat.lines.map((l) => `${l.line}:${l.self}/${l.total}`),
      ['10:3/3', '11:0/6', '22:0/9', '23:1/1'],
    );
    assert.deepEqual(heat.functions.map((f) => `${f.name}@${f.line} ${f.selfPercent}/${f.totalPercent}`), ['main@20 10/100', 'slugify@9 30/90']);
  });

  it('ignores files that only share a name', () => {
    const heat = fileHeat(profile('/build/app/lib/busy.js'), '/home/me/ws/programs/busy.js');
    assert.deepEqual(heat, { lines: [], functions: [] });
  });

  it('grades heat by self share against the threshold', () => {
    assert.equal(heatLevel(0, 1), 0);
    assert.equal(heatLevel(0.5, 1), 0);
    assert.equal(heatLevel(1.5, 1), 1);
    assert.equal(heatLevel(4, 1), 2);
    assert.equal(heatLevel(12, 1), 3);
    assert.equal(heatLevel(4, 5), 0);
    assert.equal(heatLevel(0.2, 0), 1);
  });

  it('labels costs like the CodeLens and annotations show them', () => {
    assert.equal(costLabel(12.34, 30.1), '12.3% self · 30.1% total');
    assert.equal(costLabel(0.5, 0), '0.50% self · 0.0% total');
  });
});

describe('editor heat through source maps', () => {
  const appTs = ['export function hot(n: number): number {', '  let s = 0;', '  for (let i = 0; i < n; i++) {', '    const markerHot: number = i % 7;', '    s += markerHot;', '  }', '  return s;', '}', ''].join('\n');
  // The bundle a TypeScript project runs, with its map inline, as `node --cpu-prof` would see it.
  const appJs = esbuild.transformSync(appTs, { loader: 'ts', format: 'cjs', sourcemap: 'inline', sourcefile: 'src/app.ts' }).code;
  const files = new Map([
    ['src/app.ts', appTs],
    ['dist/app.js', appJs],
  ]);
  const resolver = new WorkspaceSourceResolver({ list: () => [...files.keys()], read: (p) => files.get(p) });
  const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

  it('puts the cost of generated lines on the original TypeScript lines, and the CodeLens on its function', () => {
    const b = new ProfileBuilder('cpu', 'samples');
    const hot = b.frame({ name: 'hot', file: 'file:///ci/build/dist/app.js', line: lineOf(appJs, 'function hot') });
    b.appendSample([hot], 4, [lineOf(appJs, 'const markerHot')]);
    b.appendSample([hot], 1, [lineOf(appJs, 's += markerHot')]);
    const heat = fileHeat(b.build(), '/home/me/ws/src/app.ts', { resolver, relative: 'src/app.ts' });
    assert.deepEqual(heat.lines.map((l) => `${l.line}:${l.self}`), ['4:4', '5:1']);
    assert.deepEqual(heat.functions.map((f) => `${f.name}@${f.line}`), ['hot@1']);
    // Without the mapper the TypeScript file gets nothing: the profile only names dist/app.js.
    assert.deepEqual(fileHeat(b.build(), '/home/me/ws/src/app.ts').lines, []);
  });
});
