import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';
import type { ProfileViewReport } from '../../../src/extension/profiles/profileEditor';

async function api(): Promise<HotpathApi> {
  const ext = vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath');
  assert.ok(ext, 'the Hotpath extension is installed');
  return ext.activate();
}

describe('Hotpath: Profile a Command… in a real VS Code extension host', () => {
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('profiles a Node program and opens its .cpuprofile in the profile editor', async function () {
    this.timeout(120000);
    const hotpath = await api();
    const reports: ProfileViewReport[] = [];
    const sub = hotpath.onDidReportProfileView((r) => reports.push(r));
    try {
      const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('hotpath.profileCommand', 'BUSY_MS=300 node programs/busy.js');
      assert.ok(uri, 'the command returned the captured profile');
      assert.match(uri.path, /\/hotpath-capture-[^/]+\/CPU\.[^/]+\.cpuprofile$/);
      const deadline = Date.now() + 60000;
      while (!reports.some((r) => r.uri === uri.toString() && r.event !== 'ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const mine = reports.filter((r) => r.uri === uri.toString());
      assert.ok(mine.some((r) => r.event === 'ready'), `view reports: ${JSON.stringify(mine)}`);
      const drawn = mine.find((r) => r.event !== 'ready');
      assert.equal(drawn?.event, 'rendered', JSON.stringify(drawn));
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      assert.ok(input instanceof vscode.TabInputCustom && input.viewType === 'hotpath.profileView');
    } finally {
      sub.dispose();
    }
  });

  it('reports a command that starts no Node process instead of opening anything', async () => {
    await api();
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('hotpath.profileCommand', 'true');
    assert.equal(uri, undefined);
  });
});
