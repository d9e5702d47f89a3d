import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
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
});
