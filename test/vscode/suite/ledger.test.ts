import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createEditProposal } from '../../../src/core/edits/proposal';
import type { LedgerState } from '../../../src/extension/ledger/ledger';
import { until } from './poll';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
const state = () => vscode.commands.executeCommand<LedgerState>('hotpath.ledger.state');

const waitFor = <T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000) => until(what, probe, state, ms);

const fix = (id: string, time: number, skill: string | undefined, cpuShare: number, relativeChange: number) => ({
  kind: 'fix', id, time, ...(skill ? { skill } : {}), function: 'parseRows', file: 'src/csv.js', line: 3, relativeChange, ci: [relativeChange - 0.05, relativeChange + 0.05], verdict: 'faster', cpuShare, proposer: 'engine',
});

describe('Hotpath efficiency ledger in a real VS Code', function () {
  this.timeout(90_000);
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const ledgerFile = () => path.join(root(), '.hotpath', 'ledger.jsonl');
  const taughtFolder = () => path.join(root(), '.hotpath', 'skills', 'js-linear-lookup-in-loop');
  let saved: string | undefined;

  before(async () => {
    await vscode.extensions.getExtension('hotpath.hotpath')!.activate();
    await vscode.workspace.getConfiguration('hotpath.service').update('url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('hotpath.fleet').update('cores', 10, vscode.ConfigurationTarget.Global);
    saved = fs.existsSync(ledgerFile()) ? fs.readFileSync(ledgerFile(), 'utf8') : undefined;
    assert.ok(!fs.existsSync(taughtFolder()), 'the workspace has no taught skill folder yet');
    fs.mkdirSync(path.dirname(ledgerFile()), { recursive: true });
    fs.writeFileSync(
      ledgerFile(),
      [
        JSON.stringify(fix('fix:a', T0, 'js-linear-lookup-in-loop', 0.2, -0.5)),
        '{"kind": "fix", "id": "fix:cut',
        JSON.stringify(fix('fix:b', T0 + HOUR, undefined, 0.1, -0.2)),
        JSON.stringify({ kind: 'regression', id: 'regression:api:1', regressionId: 1, service: 'api', function: 'render', file: 'app.js', detectedAt: T0, acknowledgedAt: T0 + HOUR, fixedAt: T0 + 2 * HOUR, magnitude: 0.03, relativeChange: 0.2 }),
      ].join('\n') + '\n',
    );
  });
  after(async () => {
    await vscode.workspace.getConfiguration('hotpath.fleet').update('cores', undefined, vscode.ConfigurationTarget.Global);
    if (saved === undefined) fs.rmSync(ledgerFile(), { force: true });
    else fs.writeFileSync(ledgerFile(), saved);
    fs.rmSync(taughtFolder(), { recursive: true, force: true });
  });

  it('the Efficiency Report renders the totals of the workspace ledger, skipping the corrupt line', async () => {
    assert.equal((await state()).source, path.join('.hotpath', 'ledger.jsonl'));
    await vscode.commands.executeCommand('hotpath.efficiencyReport');
    const r = await waitFor('the report to render', async () => (await state()).rendered.at(-1));
    assert.equal(r.fixes, 2);
    assert.equal(r.regressionsResolved, 1);
    assert.equal(r.skillShare, 0.5);
    assert.equal(r.medianTimeToMitigateMs, 2 * HOUR);
    // 0.2 × 50% + 0.1 × 20% + the regression's 3% given back
    assert.ok(Math.abs(r.cpuShareSaved - 0.15) < 1e-9, String(r.cpuShareSaved));
    assert.ok(r.coresSaved !== null && Math.abs(r.coresSaved - 1.5) < 1e-9, String(r.coresSaved));
    assert.equal(r.points, 3);
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputWebview && input.viewType.endsWith('hotpath.efficiencyReport'));
  });

  it('a regression marked fixed and a verified fix are recorded, and the open report follows', async () => {
    const before = (await state()).rendered.length;
    const regression = { id: 2, service: 'api', function: { name: 'parse', file: 'p.js', line: 1 }, detectedAt: T0, acknowledgedAt: null, fixedAt: T0 + 4 * HOUR, evidence: { changePoint: { absoluteChange: 0.05, relativeChange: 0.4 } } };
    assert.equal(await vscode.commands.executeCommand('hotpath.ledger.recordResolvedRegression', regression), true);
    assert.equal(await vscode.commands.executeCommand('hotpath.ledger.recordResolvedRegression', regression), false, 'once only');
    const r = await waitFor('the report to refresh', async () => (await state()).rendered.slice(before).find((x) => x.regressionsResolved === 2));
    assert.equal(r.medianTimeToMitigateMs, 3 * HOUR);

    const text = 'function pick(orders, ids) {\n  const out = [];\n  for (const o of orders) {\n    if (ids.includes(o.id)) out.push(o);\n  }\n  return out;\n}\n';
    const proposal = createEditProposal(text, {
      file: 'src/pick.js',
      oldText: '  for (const o of orders) {\n    if (ids.includes(o.id)) out.push(o);',
      newText: '  const idSet = new Set(ids);\n  for (const o of orders) {\n    if (idSet.has(o.id)) out.push(o);',
      rationale: 'index once',
      skill: 'js-linear-lookup-in-loop',
    });
    const report = { verdict: 'faster', relativeChange: -0.3, ci: [-0.35, -0.25], pValue: 0.001, base: 'b'.repeat(40) };
    await vscode.commands.executeCommand('hotpath.ledger.recordVerifiedFix', { proposal, report, before: text, proposer: 'engine' });
    const lines = fs.readFileSync(ledgerFile(), 'utf8').trim().split('\n');
    const last = JSON.parse(lines.at(-1)!);
    assert.deepEqual([last.kind, last.function, last.skill, last.proposer, last.commit], ['fix', 'pick', 'js-linear-lookup-in-loop', 'engine', 'b'.repeat(40)]);

    // Teach this to Hotpath: the example lands beside a copy of the built-in skill, which still loads.
    const taught = await vscode.commands.executeCommand<{ skill: string; draft: boolean; examples: string[] }>('hotpath.ledger.teach', { proposal, report, before: text, proposer: 'engine' });
    assert.deepEqual([taught.skill, taught.draft], ['js-linear-lookup-in-loop', false]);
    assert.ok(taught.examples.every((f) => fs.existsSync(f)));
    assert.ok(fs.existsSync(path.join(taughtFolder(), 'SKILL.md')));
    await vscode.commands.executeCommand('notifications.clearAll');
  });
});
