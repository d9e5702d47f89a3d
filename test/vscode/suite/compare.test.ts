import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FunctionDiff } from '../../../src/core/profile/analysis/index';
import type { HotpathApi } from '../../../src/extension/extension';
import type { ProfileViewReport } from '../../../src/extension/profiles/profileEditor';

const profiles = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'profiles');

describe('Hotpath compare in a real VS Code', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('"Compare Profiles" opens a differential flame graph and ranks the biggest change first', async () => {
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    const before = vscode.Uri.joinPath(profiles(), 'before.folded');
    const after = vscode.Uri.joinPath(profiles(), 'after.folded');
    const rendered = new Promise<ProfileViewReport>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.view === 'diff' && r.event !== 'ready' && (sub.dispose(), resolve(r)));
    });
    const changes = await vscode.commands.executeCommand<FunctionDiff[]>('hotpath.compareProfiles', before, after);
    const report = await rendered;
    assert.ok(report.event === 'rendered' && report.rectangles >= 6, JSON.stringify(report));
    assert.equal(report.uri, after.toString());
    // formatDate went from 18 of 100 to 78 of 160 samples: +30.75 points of self share
    assert.equal(changes[0].name, 'formatDate');
    assert.equal(changes[0].self.delta.toFixed(2), '30.75');
    assert.ok(changes.slice(1).every((c) => c.self.delta < 0), 'every other function lost share');
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputWebview && input.viewType.endsWith('hotpath.diffView'));
  });

  it('refuses to compare profiles with different units, in one line', async () => {
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    const cpu = vscode.Uri.joinPath(profiles(), 'node-cpu-prof.cpuprofile');
    const folded = vscode.Uri.joinPath(profiles(), 'after.folded');
    const failed = new Promise<ProfileViewReport>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.view === 'diff' && r.event === 'failed' && (sub.dispose(), resolve(r)));
    });
    assert.equal(await vscode.commands.executeCommand('hotpath.compareProfiles', cpu, folded), undefined);
    const report = await failed;
    assert.ok(report.event === 'failed');
    assert.match(report.message, /^node-cpu-prof\.cpuprofile vs after\.folded: cannot compare profiles with different units/);
  });
});
