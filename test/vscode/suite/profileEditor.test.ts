import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import type { HotpathApi } from '../../../src/extension/extension';
import type { ProfileViewReport } from '../../../src/extension/profiles/profileEditor';
import { revealFrameSource } from '../../../src/extension/profiles/revealSource';
import { WorkspaceSources } from '../../../src/extension/profiles/workspaceSources';

// bundled to out/vscode-suite/: the repository is two folders up
const repo = path.resolve(__dirname, '..', '..');

const workspace = () => vscode.workspace.workspaceFolders![0].uri;

async function api(): Promise<HotpathApi> {
  const ext = vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath');
  assert.ok(ext, 'the Hotpath extension is installed');
  return ext.activate();
}

/** Resolves with the first report for `uri` that `accept` takes, or rejects after `ms`. */
function nextReport(hotpath: HotpathApi, uri: vscode.Uri, accept: (r: ProfileViewReport) => boolean, ms = 30000): Promise<ProfileViewReport> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no matching profile view report for ${uri.path} within ${ms} ms`));
    }, ms);
    const sub = hotpath.onDidReportProfileView((r) => {
      if (r.uri === uri.toString() && accept(r)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(r);
      }
    });
  });
}

function activeTabViewType(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.viewType : undefined;
}

describe('Hotpath in a real VS Code extension host', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('activates and registers its command', async () => {
    const hotpath = await api();
    assert.equal(typeof hotpath.onDidReportProfileView, 'function');
    assert.ok(vscode.extensions.getExtension('hotpath.hotpath')!.isActive);
    assert.ok((await vscode.commands.getCommands(true)).includes('hotpath.openProfile'));
  });

  // run.sh associates *.cpuprofile with Hotpath: VS Code's built-in JS profile table claims it too
  it('opens a .cpuprofile in the custom editor; the webview reports ready and draws frames', async () => {
    const hotpath = await api();
    const uri = vscode.Uri.joinPath(workspace(), 'profiles', 'node-cpu-prof.cpuprofile');
    const ready = nextReport(hotpath, uri, (r) => r.event === 'ready');
    const rendered = nextReport(hotpath, uri, (r) => r.event !== 'ready');
    await vscode.commands.executeCommand('vscode.open', uri);
    const [, report] = await Promise.all([ready, rendered]);
    assert.equal(report.event, 'rendered', report.event === 'failed' ? report.message : '');
    assert.ok(report.event === 'rendered' && report.rectangles > 10, `drew ${JSON.stringify(report)}`);
    assert.equal(activeTabViewType(), 'hotpath.profileView');
  });

  it('"Open Profile…" sniffs the format by content, whatever the file name', async () => {
    const hotpath = await api();
    const uri = vscode.Uri.joinPath(workspace(), 'profiles', 'capture.data');
    const rendered = nextReport(hotpath, uri, (r) => r.event !== 'ready');
    await vscode.commands.executeCommand('hotpath.openProfile', uri);
    const report = await rendered;
    assert.equal(report.event, 'rendered', report.event === 'failed' ? report.message : '');
    assert.equal(activeTabViewType(), 'hotpath.profileView');
  });

  it('reports a file that is not a profile in one line naming the file', async () => {
    const hotpath = await api();
    const uri = vscode.Uri.joinPath(workspace(), 'README.md');
    const failed = nextReport(hotpath, uri, (r) => r.event === 'failed');
    await vscode.commands.executeCommand('hotpath.openProfile', uri);
    const report = await failed;
    assert.ok(report.event === 'failed');
    assert.match(report.message, /README\.md: .*unknown format/);
    assert.doesNotMatch(report.message, /\n|\bat .*:\d+:\d+/);
  });

  it('reveals a frame at its 1-based line in the workspace copy of a file recorded elsewhere', async () => {
    const b = new ProfileBuilder('cpu', 'samples');
    const slugify = b.frame({ name: 'slugify', file: 'file:///build/agent/app/programs/busy.js', line: 9, column: 18 });
    const runtime = b.frame({ name: 'readFileSync', file: 'node:fs', line: 400 });
    const missing = b.frame({ name: 'gone', file: '/nowhere/at/all/missing-file.js', line: 3 });
    b.appendSample([slugify, runtime, missing], 1);
    const frames = b.build().frames;

    const shown = await revealFrameSource(frames[slugify]);
    assert.ok(shown.ok);
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, vscode.Uri.joinPath(workspace(), 'programs', 'busy.js').fsPath);
    assert.equal(editor.selection.active.line, 8);
    assert.equal(editor.selection.active.character, 17);
    assert.match(editor.document.lineAt(8).text, /function slugify/);

    const inRuntime = await revealFrameSource(frames[runtime]);
    assert.ok(!inRuntime.ok && /node:fs is part of the runtime/.test(inRuntime.reason));
    const notHere = await revealFrameSource(frames[missing]);
    assert.ok(!notHere.ok && /not in the workspace/.test(notHere.reason));
  });

  it('follows a source map from a bundled frame (webpack:// or another machine) to the TypeScript line', async () => {
    const dir = vscode.Uri.joinPath(workspace(), 'mapped').fsPath;
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    const ts = ['export function hot(n: number): number {', '  let s = 0;', '  for (let i = 0; i < n; i++) {', '    const markerHot: number = i % 7;', '    s += markerHot;', '  }', '  return s;', '}', ''].join('\n');
    fs.writeFileSync(path.join(dir, 'src', 'hot.ts'), ts);
    execFileSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), ['src/hot.ts', '--sourcemap', '--format=cjs', '--outfile=dist/hot.js', '--log-level=warning'], { cwd: dir });
    const js = fs.readFileSync(path.join(dir, 'dist', 'hot.js'), 'utf8');
    const generatedLine = js.slice(0, js.indexOf('const markerHot')).split('\n').length;
    const log = vscode.window.createOutputChannel('Hotpath source map test', { log: true });
    const sources = new WorkspaceSources(log);
    try {
      for (const file of ['webpack://app/./mapped/dist/hot.js', 'file:///ci/build/mapped/dist/hot.js']) {
        const b = new ProfileBuilder('cpu', 'samples');
        const hot = b.frame({ name: 'hot', file, line: 1 });
        b.appendSample([hot], 3, [generatedLine]);
        const profile = b.build();
        const shown = await revealFrameSource(profile.frames[hot], profile.lineSelf.get(hot), sources);
        assert.ok(shown.ok, shown.ok ? '' : shown.reason);
        const editor = vscode.window.activeTextEditor!;
        assert.equal(editor.document.uri.fsPath, path.join(dir, 'src', 'hot.ts'), file);
        assert.match(editor.document.lineAt(editor.selection.active.line).text, /const markerHot/, file);
      }
    } finally {
      sources.dispose();
      log.dispose();
    }
  });
});
