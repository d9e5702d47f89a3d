import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
// bundled to out/vscode-suite/: the repository is two folders up
const repo = path.resolve(__dirname, '..', '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hotpathLenses(uri: vscode.Uri, until: (lenses: vscode.CodeLens[]) => boolean): Promise<vscode.CodeLens[]> {
  const end = Date.now() + 20000;
  for (;;) {
    const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const ours = all.filter((l) => l.command?.command === 'hotpath.showFunction');
    if (until(ours) || Date.now() > end) return ours;
    await sleep(250);
  }
}

describe('Hotpath heat and CodeLens in a real editor', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('puts a CodeLens with self/total share above the hot function, and focuses the flame graph from it', async () => {
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    const profileUri = vscode.Uri.joinPath(workspace(), 'profiles', 'node-cpu-prof.cpuprofile');
    const loaded = new Promise<void>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('vscode.openWith', profileUri, 'hotpath.profileView');
    await loaded;

    const source = vscode.Uri.joinPath(workspace(), 'programs', 'busy.js');
    const editor = await vscode.window.showTextDocument(source, { viewColumn: vscode.ViewColumn.Beside });
    const lenses = await hotpathLenses(source, (l) => l.length > 0);
    const build = lenses.find((l) => l.command!.arguments![1] === 'buildReport');
    assert.ok(build, `CodeLens titles: ${lenses.map((l) => l.command!.title).join(' | ')}`);
    assert.equal(build.range.start.line, 14, 'buildReport starts on line 15 (1-based)');
    assert.match(editor.document.lineAt(14).text, /function buildReport/);
    assert.match(build.command!.title, /^Hotpath: \d+(\.\d+)?% self · \d+(\.\d+)?% total$/);
    assert.equal(build.command!.arguments![0], profileUri.toString());

    const focused = new Promise<number>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve(r.rectangles)));
    });
    await vscode.commands.executeCommand(build.command!.command, ...build.command!.arguments!);
    assert.ok((await focused) > 0, 'the flame graph redrew focused on buildReport');
  });

  it('"Clear Heat" removes the CodeLens', async () => {
    const source = vscode.Uri.joinPath(workspace(), 'programs', 'busy.js');
    assert.ok((await hotpathLenses(source, (l) => l.length > 0)).length > 0);
    await vscode.commands.executeCommand('hotpath.clearHeat');
    assert.equal((await hotpathLenses(source, (l) => l.length === 0)).length, 0);
  });

  it('shows the heat of a bundled TypeScript program on its .ts source, through the source map', async () => {
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    const dir = vscode.Uri.joinPath(workspace(), 'ts-app').fsPath;
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    const ts = [
      'interface Row { id: number; tags: string[] }',
      '',
      'export function countTagged(rows: Row[], wanted: string[]): number {',
      '  let n = 0;',
      '  for (const row of rows) {',
      '    for (const tag of row.tags) if (wanted.includes(tag)) n++;',
      '  }',
      '  return n;',
      '}',
      '',
      'const rows: Row[] = Array.from({ length: 20000 }, (_, id) => ({ id, tags: [`t${id % 500}`, `u${id % 37}`] }));',
      'const wanted = Array.from({ length: 400 }, (_, i) => `t${i}`);',
      'let total = 0;',
      'const end = Date.now() + 600;',
      'while (Date.now() < end) total += countTagged(rows, wanted);',
      'console.log(total);',
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'src', 'main.ts'), ts);
    // A real capture of the bundle: V8 records dist/main.js positions; only the map leads back to main.ts.
    execFileSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), ['src/main.ts', '--bundle', '--platform=node', '--sourcemap', '--outfile=dist/main.js', '--log-level=warning'], { cwd: dir });
    execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', 'profiles', '--cpu-prof-name', 'main.cpuprofile', 'dist/main.js'], { cwd: dir, stdio: 'ignore' });
    const profileUri = vscode.Uri.file(path.join(dir, 'profiles', 'main.cpuprofile'));
    const loaded = new Promise<void>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('vscode.openWith', profileUri, 'hotpath.profileView');
    await loaded;

    const source = vscode.Uri.file(path.join(dir, 'src', 'main.ts'));
    await vscode.window.showTextDocument(source, { viewColumn: vscode.ViewColumn.Beside });
    const lenses = await hotpathLenses(source, (l) => l.some((x) => x.command!.arguments![1] === 'countTagged'));
    const lens = lenses.find((l) => l.command!.arguments![1] === 'countTagged');
    assert.ok(lens, `CodeLens titles on main.ts: ${lenses.map((l) => l.command!.title).join(' | ') || 'none'}`);
    assert.equal(lens.range.start.line, 2, 'countTagged starts on line 3 of main.ts (1-based)');
    assert.match(lens.command!.title, /^Hotpath: \d+(\.\d+)?% self · \d+(\.\d+)?% total$/);
  });
});
