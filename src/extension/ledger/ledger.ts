/**
 * The efficiency ledger in the editor: where entries go (the configured service, else the
 * workspace's `.hotpath/ledger.jsonl`), recording verified fixes (from the chat's "Apply and
 * verify") and fixed regressions (from the investigation panel), "Teach this to Hotpath"
 * after a verified fix, and "Hotpath: Efficiency Report". Features reach it through
 * commands, so none of them depends on this module being registered.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { functionRanges, enclosingFunction } from '../../core/code/symbols';
import type { EditProposal } from '../../core/edits/proposal';
import { JsonlLedger, workspaceLedgerFile } from '../../core/ledger/jsonl';
import { resolvedRegressionEntry, verifiedFixEntry, type RegressionTimes } from '../../core/ledger/entries';
import type { LedgerEntry, LedgerStore, Proposer } from '../../core/ledger/schema';
import { teachFix, type TeachResult } from '../../core/ledger/teach';
import { ledgerTotals } from '../../core/ledger/totals';
import { loadDefaultSkills } from '../../core/skills/library';
import type { VerifyReport } from '../../core/verify/verify';
import type { Report } from '../../../webview/report/protocol';
import { workspaceRoot } from '../chat/toolContext';
import { fileHeat } from '../heat/fileHeat';
import type { ActiveProfile } from '../profiles/activeProfile';
import { ServiceClient } from '../service/client';
import { TOKEN_SECRET } from '../service/connection';
import { ReportPanel, type RenderedReport } from './report';
import { ServiceLedger } from './serviceLedger';

export const FLEET_CORES_SETTING = 'hotpath.fleet.cores';

export interface VerifiedFixInput {
  proposal: EditProposal;
  report: VerifyReport;
  /** The whole file the proposal was made against. */
  before: string;
  proposer: Proposer;
}

/** Records a verified fix (and offers to teach it); a no-op where the ledger is not registered. */
export async function recordVerifiedFix(input: VerifiedFixInput): Promise<void> {
  await vscode.commands.executeCommand('hotpath.ledger.recordVerifiedFix', input);
}

/** Records a regression marked fixed, with its detected → acknowledged → fixed times. */
export async function recordResolvedRegression(regression: RegressionTimes): Promise<void> {
  await vscode.commands.executeCommand('hotpath.ledger.recordResolvedRegression', regression);
}

export interface LedgerState {
  source: string | undefined;
  rendered: RenderedReport[];
  taught: TeachResult[];
}

export function registerLedger(context: vscode.ExtensionContext, active: ActiveProfile, log: vscode.LogOutputChannel): void {
  const taught: TeachResult[] = [];
  const panel = new ReportPanel(context, log, () => loadReport());
  context.subscriptions.push(panel);

  /** The configured service's ledger, else the workspace's file; undefined without either. */
  const source = async (): Promise<{ store: LedgerStore; where: string; service?: ServiceLedger } | undefined> => {
    const url = (vscode.workspace.getConfiguration('hotpath.service').get<string>('url') ?? '').trim();
    if (url) {
      const service = new ServiceLedger(new ServiceClient({ url, token: await context.secrets.get(TOKEN_SECRET) }));
      return { store: service, where: service.where, service };
    }
    const root = workspaceRoot();
    if (!root) return undefined;
    const file = workspaceLedgerFile(root);
    return { store: new JsonlLedger(file), where: path.relative(root, file) };
  };

  const append = async (entry: LedgerEntry): Promise<boolean> => {
    const s = await source();
    if (!s) {
      log.warn(`ledger: no workspace folder and no service; ${entry.id} not recorded`);
      return false;
    }
    const added = await s.store.append(entry);
    log.info(`ledger: ${added ? 'recorded' : 'already had'} ${entry.id} in ${s.where}`);
    return added;
  };

  async function loadReport(): Promise<Report> {
    const s = await source();
    if (!s) throw new Error('Open a workspace folder (the ledger is its .hotpath/ledger.jsonl) or set hotpath.service.url.');
    const { entries, problems, fleet } = s.service ? await s.service.listWithFleet() : { ...(await s.store.list()), fleet: {} };
    const setting = vscode.workspace.getConfiguration().get<number>(FLEET_CORES_SETTING, 0);
    const defaultCores = setting > 0 ? setting : undefined;
    const fleetLabel = [Object.keys(fleet).length ? `service fleet config (${Object.keys(fleet).join(', ')})` : '', defaultCores ? `${FLEET_CORES_SETTING} = ${defaultCores}` : ''].filter(Boolean).join('; ');
    for (const p of problems) log.warn(`ledger: ${p}`);
    return { totals: ledgerTotals(entries, { byService: fleet, defaultCores }), source: s.where, fleet: fleetLabel || undefined, problems };
  }

  const teach = async (input: VerifiedFixInput & { function: string }): Promise<TeachResult | undefined> => {
    const root = workspaceRoot();
    if (!root) return undefined;
    const result = await teachFix({ workspace: root, proposal: input.proposal, before: input.before, function: input.function, verdict: verdictSummary(input.report), library: await loadDefaultSkills(root) });
    taught.push(result);
    const where = path.relative(root, result.folder);
    const message = result.draft
      ? `Hotpath: saved a draft skill ${result.skill} in ${where}${result.detector ? ' with a detector generated from the before/after' : ' (no detector: only its profile signal finds the function; see its SKILL.md)'}.`
      : `Hotpath: added the before/after as an example of ${result.skill} in ${where}.`;
    // Not awaited: the result is ready now, the notification may sit unanswered.
    void vscode.window.showInformationMessage(message, result.draft ? 'Open Draft' : 'Open Example').then(async (open) => {
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(result.draft ? path.join(result.folder, 'SKILL.md') : result.examples[0]), { preview: true });
    });
    return result;
  };

  const recordFix = async (input: VerifiedFixInput): Promise<void> => {
    // Only a measured improvement is a fix; a "no significant change" stays out of the totals.
    if (input.report.verdict !== 'faster') return;
    const root = workspaceRoot();
    const fn = await functionAt(input.proposal, input.before);
    const entry = verifiedFixEntry(input.proposal, input.report, { function: fn, proposer: input.proposer, time: Date.now(), cpuShare: root ? shareOf(active, path.join(root, input.proposal.file), fn) : undefined });
    try {
      await append(entry);
    } catch (e) {
      void vscode.window.showWarningMessage(`Hotpath: the verified fix was not recorded in the efficiency ledger: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    panel.refreshIfOpen();
    // Not awaited: recording is done; the offer may sit unanswered.
    void vscode.window
      .showInformationMessage(`Hotpath: recorded the fix of ${fn} (${verdictSummary(input.report)}) in the efficiency ledger.`, 'Teach this to Hotpath', 'Efficiency Report')
      .then(async (choice) => {
        if (choice === 'Teach this to Hotpath') await teach({ ...input, function: fn });
        else if (choice === 'Efficiency Report') await panel.show();
      })
      .then(undefined, (e: unknown) => log.error(`ledger: teaching failed: ${e instanceof Error ? e.message : String(e)}`));
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.efficiencyReport', () => panel.show()),
    vscode.commands.registerCommand('hotpath.ledger.recordVerifiedFix', (input: VerifiedFixInput) =>
      recordFix(input).catch((e: unknown) => log.error(`ledger: ${e instanceof Error ? e.message : String(e)}`)),
    ),
    vscode.commands.registerCommand('hotpath.ledger.recordResolvedRegression', async (r: RegressionTimes) => {
      const entry = resolvedRegressionEntry(r);
      if (!entry) return false;
      try {
        const added = await append(entry);
        if (added) panel.refreshIfOpen();
        return added;
      } catch (e) {
        log.error(`ledger: regression ${r.id} not recorded: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }),
    // For tests and scripts: teach a fix without the notification flow, and what the panel drew.
    vscode.commands.registerCommand('hotpath.ledger.teach', async (input: VerifiedFixInput) => teach({ ...input, function: await functionAt(input.proposal, input.before) })),
    vscode.commands.registerCommand('hotpath.ledger.state', async (): Promise<LedgerState> => ({ source: (await source())?.where, rendered: panel.rendered(), taught: [...taught] })),
  );
}

async function functionAt(proposal: EditProposal, before: string): Promise<string> {
  const fn = enclosingFunction(await functionRanges(proposal.file, before), proposal.startLine);
  return fn?.name ?? path.basename(proposal.file);
}

/** The function's inclusive share in the active profile, when one is open and has it. */
function shareOf(active: ActiveProfile, file: string, fn: string): number | undefined {
  const value = active.value;
  const profile = value?.set.profiles[value.set.activeIndex];
  if (!profile) return undefined;
  const hot = fileHeat(profile, file).functions.find((f) => f.name === fn);
  return hot ? Math.min(1, hot.totalPercent / 100) : undefined;
}

function verdictSummary(r: Pick<VerifyReport, 'verdict' | 'relativeChange' | 'ci'>): string {
  const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
  return `${r.verdict}, ${pct(r.relativeChange)}, 95% CI ${pct(r.ci[0])} … ${pct(r.ci[1])}`;
}
