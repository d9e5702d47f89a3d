import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';
import type { SpeedscopeResult } from '../../../src/extension/speedscope/speedscope';

describe('Hotpath: Open in speedscope in a real VS Code extension host', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it("shows a .cpuprofile in speedscope's release under the webview CSP", async function () {
    this.timeout(120000);
    const ext = vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath');
    assert.ok(ext);
    await ext.activate();
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'profiles', 'node-cpu-prof.cpuprofile');
    const result = await vscode.commands.executeCommand<SpeedscopeResult>('hotpath.openInSpeedscope', uri);
    assert.ok(result?.ok, JSON.stringify(result));
    assert.equal(result.title, 'node-cpu-prof.cpuprofile - speedscope');
    assert.ok(result.width > 0 && result.height > 0, `flame chart canvas ${result.width}x${result.height}`);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputWebview && input.viewType.endsWith('hotpath.speedscope'), String(input));
  });
});
