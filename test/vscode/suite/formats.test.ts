import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';
import type { ProfileViewReport, ShownNumbers } from '../../../src/extension/profiles/profileEditor';

// bundled to out/vscode-suite/: the repository is two folders up
const repo = path.resolve(__dirname, '..', '..');
const workspace = () => vscode.workspace.workspaceFolders![0].uri;

/** One real capture per importer, as `test/fixtures/profiles/<format>/` holds them. */
const FIXTURES = [
  'cpuprofile/chrome-65-simple.cpuprofile',
  'trace-event/chrome-116-trace.json',
  'pprof/datadog-wall.pb.gz',
  'collapsed/alternating.txt',
  'perf/forks.linux-perf.txt',
  'speedscope/evented-0.0.1.speedscope.json',
  'gecko/firefox-153-headless.json.gz',
  'callgrind/callgrind.example.log',
];

interface SummaryProfile {
  name: string;
  unit: string;
  sampleCount: number;
  totalWeight: number;
  functions: { name: string; self: number }[];
}

describe('every profile format in the custom editor shows the numbers `hotpath profile summary` prints', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  for (const fixture of FIXTURES) {
    it(fixture.split('/')[0], async function () {
      this.timeout(60000);
      const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
      const dir = vscode.Uri.joinPath(workspace(), 'formats').fsPath;
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, path.basename(fixture));
      fs.copyFileSync(path.join(repo, 'test', 'fixtures', 'profiles', fixture), file);
      const uri = vscode.Uri.file(file);
      const shown = new Promise<ShownNumbers>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no rendered report for ${fixture}`)), 50000);
        const sub = hotpath.onDidReportProfileView((r: ProfileViewReport) => {
          if (r.uri !== uri.toString() || r.event === 'ready') return;
          clearTimeout(timer);
          sub.dispose();
          if (r.event === 'failed') reject(new Error(r.message));
          else if (r.event === 'rendered' && r.shown) resolve(r.shown);
          else reject(new Error(`rendered without numbers: ${JSON.stringify(r)}`));
        });
      });
      // Names other tools share (.json, .json.gz, .txt, .log) get the editor offered under "Reopen Editor With…" (package.json).
      const shared = /\.(json|json\.gz|txt|log)$/.test(file) && !/\.speedscope\.json$/.test(file);
      await vscode.commands.executeCommand('vscode.openWith', uri, shared ? 'hotpath.profileView.anyFile' : 'hotpath.profileView');
      const view = await shown;
      const summary = JSON.parse(execFileSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'profile', 'summary', file, '--json', '--top', '1'], { encoding: 'utf8' })) as { profiles: SummaryProfile[] };
      const cli = summary.profiles.find((p) => p.name === view.name);
      assert.ok(cli, `the view shows "${view.name}"; the CLI has ${summary.profiles.map((p) => p.name).join(', ')}`);
      assert.equal(view.unit, cli.unit);
      assert.equal(view.sampleCount, cli.sampleCount);
      assert.ok(Math.abs(view.totalWeight - cli.totalWeight) <= 1e-9 * Math.abs(cli.totalWeight), `total ${view.totalWeight} vs ${cli.totalWeight}`);
      assert.equal(view.topBySelf?.name, cli.functions[0]?.name);
      assert.ok(Math.abs(view.topBySelf!.self - cli.functions[0].self) <= 1e-9 * Math.abs(cli.totalWeight), `top self ${view.topBySelf!.self} vs ${cli.functions[0].self}`);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  }
});
