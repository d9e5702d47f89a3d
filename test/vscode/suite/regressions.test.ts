import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ServiceLedger } from '../../../src/extension/ledger/serviceLedger';
import { ServiceClient } from '../../../src/extension/service/client';
import { startLocalService, type LocalService } from '../../../src/extension/service/localService';
import type { RegressionsState } from '../../../src/extension/regressions/regressions';
import * as driver from './driver';
import { until } from './poll';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;

/** Deterministic noise (mulberry32 → Box–Muller) so the step and its change point are reproducible. */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Collapsed stacks (py-spy's "name (file:line)" frames) where parseConfig takes `share` of the samples. */
function folded(share: number): string {
  const others = 2000;
  const hot = Math.round((others * share) / (1 - share));
  const main = 'main (app.js:1);handle (app.js:5)';
  return [`${main};parseConfig (config.js:1) ${hot}`, `${main};render (app.js:20) 600`, `main (app.js:1) ${others - 600}`].join('\n');
}

/** A repository of the profiled service: a release, the commit that slows parseConfig, a docs change. */
function makeRepo(dir: string): string[] {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' };
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env }).trim();
  git('init', '-q', '-b', 'main');
  const commit = (file: string, text: string, subject: string) => {
    fs.writeFileSync(path.join(dir, file), text);
    git('add', '-A');
    git('commit', '-q', '-m', subject);
    return git('rev-parse', 'HEAD');
  };
  return [
    commit('config.js', 'function parseConfig(text) {\n  return JSON.parse(text);\n}\n', 'Release 1'),
    commit('config.js', 'function parseConfig(text) {\n  const out = {};\n  for (const line of text.split(/\\n/)) out[line] = new RegExp(line).source;\n  return out;\n}\n', 'Parse the config line by line'),
    commit('README.md', '# service\n', 'Docs'),
  ];
}

const state = () => vscode.commands.executeCommand<RegressionsState>('hotpath.regressions.state');

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000) => until(what, probe, state, ms);

describe('Hotpath regressions in a real VS Code', function () {
  this.timeout(120_000);
  const ext = () => vscode.extensions.getExtension('hotpath.hotpath')!;
  let service: LocalService;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-svc-'));
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-vscode-repo-'));
  const shas = makeRepo(repo);

  before(async () => {
    await ext().activate();
    service = await startLocalService({ cliPath: path.join(ext().extensionPath, 'dist', 'cli.js'), dataDir: data, repo });
  });
  after(async () => {
    await vscode.workspace.getConfiguration('hotpath.service').update('url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('hotpath.setServiceToken', '');
    await service?.stop();
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(repo, { recursive: true, force: true });
  });

  it('starts its own service when no URL is configured', async () => {
    const s = await waitFor('the local service', async () => {
      const st = await state();
      return st.connection === 'ready' && st.stream === 'connected' ? st : undefined;
    });
    assert.deepEqual(s.open, []);
  });

  it('a regression pushed to the configured service shows a notification, lands in the tree, and Investigate renders the panel', async () => {
    await vscode.commands.executeCommand('hotpath.setServiceToken', service.token);
    await vscode.workspace.getConfiguration('hotpath.service').update('url', service.url, vscode.ConfigurationTarget.Global);
    // Connected to the test's service: a reconnect after the setting change, then the stream.
    await waitFor('the stream of the configured service', async () => {
      const st = await state();
      const health = await new ServiceClient({ url: service.url, token: service.token }).health();
      return st.connection === 'ready' && st.stream === 'connected' && health.streams >= 1 ? st : undefined;
    });

    const client = new ServiceClient({ url: service.url, token: service.token });
    await client.addDeploys([
      { service: 'checkout', commit: shas[0], version: 'r1', time: T0 },
      { service: 'checkout', commit: shas[2], version: 'r2', time: T0 + 24 * MIN },
    ]);
    const noise = gaussian(11);
    const ids: number[] = [];
    for (let w = 0; w < 40; w++) {
      const share = (w >= 24 ? 0.23 : 0.2) + 0.003 * noise();
      ids.push(...(await client.uploadProfile(folded(share), { service: 'checkout', time: T0 + w * MIN, commit: w >= 24 ? shas[2] : shas[0], type: 'cpu' })).regressions);
    }
    assert.equal(ids.length, 1);

    const shown = await waitFor('the notification', async () => (await state()).notified[0]);
    assert.match(shown, /^parseConfig \+[23]\.\d% CPU since deploy r[12] \(commit [0-9a-f]{7} by Ada Lovelace\)$/);
    const r = await client.regression(ids[0]);
    const suspects = (r.evidence.suspects as { sha: string }[]).map((x) => x.sha);
    assert.deepEqual([...suspects].sort(), shas.slice(1).sort(), 'the commits after the last good deploy');
    assert.equal(suspects[0], shas[1], 'the commit that changed parseConfig ranks first');
    assert.ok(shown.includes(shas[1].slice(0, 7)), 'the headline names the top suspect');
    const s = await state();
    assert.deepEqual(s.open.map((o) => o.id), ids);
    assert.equal(s.open[0].headline, shown);

    await vscode.commands.executeCommand('hotpath.investigateRegression', ids[0]);
    const report = await waitFor('the panel to render the timeline and the flame graph', async () => (await state()).rendered.find((r) => r.regression === ids[0] && r.rectangles > 0));
    assert.equal(report.points, 40, 'one point per profile window');
    assert.equal(report.markers, 2, 'two deploy markers');
    assert.ok(report.rectangles >= 4, `rectangles: ${report.rectangles}`);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputWebview && input.viewType.endsWith('hotpath.investigation'));

    // A screenshot of the panel through the driver, once the analysis had time to stream.
    await vscode.commands.executeCommand('notifications.clearAll');
    await new Promise((r) => setTimeout(r, 1500));
    const artifacts = path.join(ext().extensionPath, 'test-artifacts', 'vscode');
    const shot = path.join(artifacts, 'investigation.png');
    if (fs.existsSync(artifacts)) {
      await driver.screenshot(shot);
      if (fs.statSync(shot).size > 0) fs.copyFileSync(shot, path.join(ext().extensionPath, 'media', 'investigation.png'));
    }

    // The panel's buttons, clicked in the webview: each status reaches the service and the panel's badge.
    for (const status of ['acknowledged', 'false_positive', 'fixed'] as const) {
      await driver.click(`.actions button[data-status="${status}"]`);
      await waitFor(`the service to hold ${status}`, async () => ((await client.regression(ids[0])).status === status ? true : undefined));
      const label = status.replace('_', ' ');
      await waitFor(`the badge to say ${label}`, async () => ((await driver.text(`.badge[data-status="${status}"]`)) === label ? true : undefined));
    }
    const resolved = await client.regression(ids[0]);
    assert.ok(resolved.acknowledgedAt! <= resolved.fixedAt!, 'acknowledged, then fixed');
    await waitFor('the tree to drop the fixed regression', async () => ((await state()).open.some((o) => o.id === ids[0]) ? undefined : true));
    // Marked fixed: the configured service's ledger holds it, with its detected → acknowledged → fixed times.
    const ledger = new ServiceLedger(client);
    const entry = await waitFor('the ledger entry', async () => (await ledger.list()).entries.find((e) => e.kind === 'regression' && e.regressionId === ids[0]));
    assert.equal(entry.kind, 'regression');
  });
});
