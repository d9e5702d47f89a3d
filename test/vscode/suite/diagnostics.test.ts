import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';

// bundled to out/vscode-suite/: the repository is two folders up
const repo = path.resolve(__dirname, '..', '..');
const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hotpathDiagnostics(uri: vscode.Uri, until: (d: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const end = Date.now() + 30000;
  for (;;) {
    const ours = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Hotpath');
    if (until(ours) || Date.now() > end) return ours;
    await sleep(200);
  }
}

const quickFixes = async (uri: vscode.Uri, range: vscode.Range) =>
  (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value)) ?? [];

describe('Hotpath quick fixes in a real editor', () => {
  let orders: vscode.Uri;

  before(async function () {
    this.timeout(120000);
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    orders = vscode.Uri.joinPath(workspace(), 'orders');
    fs.cpSync(path.join(repo, 'test', 'fixtures', 'projects', 'orders'), orders.fsPath, { recursive: true });
    // a real profile of the fixture's workload, captured now so its paths are this workspace's
    execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', 'profiles', '--cpu-prof-name', 'orders.cpuprofile', 'run.js'], { cwd: orders.fsPath, stdio: 'ignore' });
    const profileUri = vscode.Uri.joinPath(orders, 'profiles', 'orders.cpuprofile');
    const loaded = new Promise<void>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('vscode.openWith', profileUri, 'hotpath.profileView');
    await loaded;
  });

  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('flags the hot `includes` line as a warning, and "Apply … fix" rewrites it with a Set', async () => {
    const report = vscode.Uri.joinPath(orders, 'src', 'report.js');
    const editor = await vscode.window.showTextDocument(report, { viewColumn: vscode.ViewColumn.Beside });
    const includesLine = editor.document.getText().split('\n').findIndex((l) => l.includes('vipIds.includes('));
    assert.ok(includesLine >= 0);
    const found = await hotpathDiagnostics(report, (d) => d.length > 0);
    const diagnostic = found.find((d) => d.range.start.line === includesLine);
    assert.ok(diagnostic, `Hotpath diagnostics: ${found.map((d) => `${d.range.start.line + 1}: ${d.message}`).join(' | ')}`);
    assert.equal(diagnostic.code, 'js-linear-lookup-in-loop');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning, 'the line carries most of the profile');
    assert.match(diagnostic.message, /\(\d+(\.\d+)?% of the profile\)$/);

    const actions = await quickFixes(report, diagnostic.range);
    const apply = actions.find((a) => a.title === 'Apply js-linear-lookup-in-loop fix');
    assert.ok(apply?.edit, `code actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => a.title.startsWith('Review js-linear-lookup-in-loop fix')));
    assert.ok(await vscode.workspace.applyEdit(apply.edit));
    const text = editor.document.getText();
    assert.match(text, /const vipIdsSet = new Set\(vipIds\);\n\s*for \(const order of orders\) \{\n\s*if \(vipIdsSet\.has\(order\.customerId\)\)/);
    assert.doesNotMatch(text, /vipIds\.includes/);
    await editor.document.save();
    // the fixed program still runs and produces the same report
    const out = execFileSync('node', ['run.js'], { cwd: orders.fsPath, encoding: 'utf8' });
    assert.match(out, /^report bytes: \d+/);
    // the finding is gone once the file is analysed again
    const after = await hotpathDiagnostics(report, (d) => !d.some((x) => x.code === 'js-linear-lookup-in-loop'));
    assert.ok(!after.some((d) => d.code === 'js-linear-lookup-in-loop'), after.map((d) => d.message).join(' | '));
  });

  it('"Scan Workspace" reports cold files too, with "Ask Hotpath" where no edit is mechanical', async () => {
    const extra = vscode.Uri.joinPath(workspace(), 'extra', 'slug.js');
    fs.mkdirSync(path.dirname(extra.fsPath), { recursive: true });
    fs.writeFileSync(
      extra.fsPath,
      [
        "'use strict';",
        'function slugify(title, sep) {',
        "  const re = new RegExp('[^a-z0-9]+', 'g');",
        '  return title.toLowerCase().replace(re, sep);',
        '}',
        'function cloneAll(items) {',
        '  const out = [];',
        '  for (const item of items) out.push(JSON.parse(JSON.stringify(item)));',
        '  return out;',
        '}',
        'module.exports = { slugify, cloneAll };',
        '',
      ].join('\n'),
    );
    await vscode.commands.executeCommand('hotpath.scanWorkspace');
    const found = await hotpathDiagnostics(extra, (d) => d.length >= 2);
    const clone = found.find((d) => d.code === 'js-json-clone');
    const regex = found.find((d) => d.code === 'js-regex-in-hot-path');
    assert.ok(clone && regex, found.map((d) => `${d.code}: ${d.message}`).join(' | '));
    assert.equal(clone.severity, vscode.DiagnosticSeverity.Hint, 'the profile spends nothing in this file');
    assert.equal(clone.range.start.line, 7);

    // code actions are computed on an open document
    const document = await vscode.workspace.openTextDocument(extra);
    const cloneActions = await quickFixes(extra, clone.range);
    const ask = cloneActions.find((a) => a.title === 'Ask Hotpath');
    assert.ok(ask?.command, cloneActions.map((a) => a.title).join(' | '));
    assert.equal(ask.command.command, 'hotpath.askAboutFinding');
    assert.ok(!cloneActions.some((a) => a.title.startsWith('Apply')));

    const regexActions = await quickFixes(extra, regex.range);
    const hoist = regexActions.find((a) => a.title === 'Apply js-regex-in-hot-path fix');
    assert.ok(hoist?.edit, regexActions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(hoist.edit));
    assert.match(document.getText(), /^const SLUGIFY_PATTERN = new RegExp\('\[\^a-z0-9\]\+', 'g'\);$/m);
    assert.match(document.getText(), /const re = SLUGIFY_PATTERN;/);
  });
});
