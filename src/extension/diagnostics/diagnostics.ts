import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeProfile } from '../../core/agent/engine';
import { mechanicalFix } from '../../core/agent/fixes';
import { renderWhy } from '../../core/agent/why';
import { enclosingFunction, functionRanges } from '../../core/code/symbols';
import type { EditProposal } from '../../core/edits/proposal';
import { runDetectors, scanCode, type Finding } from '../../core/skills';
import type { ToolContext } from '../../core/tools/context';
import { ToolError } from '../../core/tools/tool';
import { fileHeat, type FileHeat } from '../heat/fileHeat';
import type { ExtensionToolContexts } from '../lmtools/toolContext';
import { REVIEW_PROPOSAL_COMMAND } from '../participant/proposals';
import { costNote, findingCost, levelForCost, type FindingLevel } from './severity';

const SOURCE = 'Hotpath';
const THRESHOLD_SETTING = 'hotpath.heat.threshold';
export const SCAN_COMMAND = 'hotpath.scanWorkspace';
export const ASK_COMMAND = 'hotpath.askAboutFinding';
/** Registered by the chat panel when present; takes `{ file, line }` (absolute path, 1-based line). */
const WHY_COMMAND = 'hotpath.whyIsThisHot';

interface Entry {
  diagnostic: vscode.Diagnostic;
  finding: Finding;
  proposal?: EditProposal;
}

const severities: Record<FindingLevel, vscode.DiagnosticSeverity> = {
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

const threshold = () => vscode.workspace.getConfiguration().get<number>(THRESHOLD_SETTING, 1);

/**
 * Quick fixes: the skills' detectors run on open files the active profile marks hot (and on the
 * whole workspace on demand), publishing diagnostics whose severity follows the profile cost of
 * their lines, with code actions "Apply <skill> fix" where the engine has a mechanical edit and
 * "Ask Hotpath" otherwise.
 */
export function registerQuickFixes(context: vscode.ExtensionContext, contexts: ExtensionToolContexts, log: vscode.LogOutputChannel): void {
  const collection = vscode.languages.createDiagnosticCollection('hotpath');
  const entries = new Map<string, Entry[]>();
  /** Files that have diagnostics from "Scan Workspace": kept up to date even when not hot. */
  const scanned = new Set<string>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Per-file cost from the active profile; the profile describes the file as recorded, so edits keep it. */
  const heats = new Map<string, FileHeat>();

  const publish = (uri: vscode.Uri, list: Entry[]) => {
    entries.set(uri.toString(), list);
    collection.set(uri, list.map((e) => e.diagnostic));
  };
  const forget = (uri: vscode.Uri) => {
    entries.delete(uri.toString());
    collection.delete(uri);
  };

  const profile = () => {
    const value = contexts.active.value;
    return value ? value.set.profiles[value.set.activeIndex] : undefined;
  };

  const refreshDocument = async (document: vscode.TextDocument) => {
    const rel = contexts.relative(document.uri);
    if (!rel) return;
    const key = document.uri.toString();
    const current = profile();
    let heat = heats.get(key);
    if (current && !heat) heats.set(key, (heat = fileHeat(current, document.uri.fsPath, contexts.sources.mappedFor(document.uri.fsPath))));
    const limit = threshold();
    const hot = !!heat && (heat.lines.some((l) => l.totalPercent >= limit) || heat.functions.some((f) => f.totalPercent >= limit));
    if (!hot && !scanned.has(key)) {
      if (entries.has(key)) forget(document.uri);
      return;
    }
    const toolContext = await contexts.create();
    const text = document.getText();
    const { findings } = await runDetectors(toolContext.skills, [{ path: rel, text }]);
    const list = await toEntries(toolContext, text, findings, (f) => (heat ? findingCost(f, heat.lines, heat.functions) : 0), limit);
    // the document may have changed while the detectors ran; its next refresh is already queued
    if (document.getText() === text) publish(document.uri, list);
  };

  const schedule = (document: vscode.TextDocument, delay: number) => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refreshDocument(document).catch((e) => log.warn(`quick fixes for ${document.uri.fsPath}: ${(e as Error).message}`));
      }, delay),
    );
  };
  const refreshOpen = () => vscode.workspace.textDocuments.forEach((d) => schedule(d, 0));
  const profileChanged = () => {
    heats.clear();
    refreshOpen();
  };

  const scan = async () => {
    const toolContext = await contexts.create().catch((e) => {
      if (!(e instanceof ToolError)) throw e;
      void vscode.window.showWarningMessage(`Hotpath: ${e.message}`);
      return undefined;
    });
    if (!toolContext) return;
    const current = profile();
    const limit = threshold();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Hotpath: scanning the workspace with the skills’ detectors…' },
      () => scanCode({ paths: [toolContext.root], library: toolContext.skills, profile: current }),
    );
    const byFile = new Map<string, Finding[]>();
    const weights = new Map<Finding, number>();
    for (const f of result.findings) {
      const rel = path.relative(toolContext.root, f.file).split(path.sep).join('/');
      const finding: Finding = { ...f, file: rel };
      weights.set(finding, 100 * (f.weight ?? 0));
      byFile.set(rel, [...(byFile.get(rel) ?? []), finding]);
    }
    const previous = [...scanned];
    scanned.clear();
    for (const rel of byFile.keys()) scanned.add(vscode.Uri.file(path.join(toolContext.root, rel)).toString());
    for (const key of previous) if (!scanned.has(key)) forget(vscode.Uri.parse(key));
    for (const [rel, findings] of byFile) {
      const uri = vscode.Uri.file(path.join(toolContext.root, rel));
      const text = toolContext.files.read(rel);
      if (text === undefined) continue;
      publish(uri, await toEntries(toolContext, text, findings, (f) => weights.get(f) ?? 0, limit));
    }
    for (const e of result.errors) log.warn(`scan: ${e.file}: ${e.message}`);
    const files = byFile.size;
    vscode.window.showInformationMessage(
      `Hotpath: ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} (${result.filesScanned} scanned)${result.errors.length ? `; ${result.errors.length} file(s) could not be read, see the Hotpath log` : ''}.`,
    );
  };

  const actions: vscode.CodeActionProvider = {
    provideCodeActions(document, _range, codeContext) {
      const list = entries.get(document.uri.toString()) ?? [];
      const out: vscode.CodeAction[] = [];
      for (const diagnostic of codeContext.diagnostics) {
        if (diagnostic.source !== SOURCE) continue;
        const entry = list.find((e) => e.diagnostic.range.isEqual(diagnostic.range) && e.diagnostic.message === diagnostic.message && e.diagnostic.code === diagnostic.code);
        if (!entry) continue;
        const edit = entry.proposal && proposalEdit(document, entry.proposal);
        if (entry.proposal && edit) {
          const apply = new vscode.CodeAction(`Apply ${entry.finding.skill} fix`, vscode.CodeActionKind.QuickFix);
          apply.edit = edit;
          apply.diagnostics = [diagnostic];
          apply.isPreferred = true;
          const review = new vscode.CodeAction(`Review ${entry.finding.skill} fix (diff)…`, vscode.CodeActionKind.QuickFix);
          review.command = { command: REVIEW_PROPOSAL_COMMAND, title: review.title, arguments: [entry.proposal] };
          review.diagnostics = [diagnostic];
          out.push(apply, review);
        } else {
          const ask = new vscode.CodeAction('Ask Hotpath', vscode.CodeActionKind.QuickFix);
          ask.command = { command: ASK_COMMAND, title: 'Ask Hotpath', arguments: [document.uri, diagnostic.range] };
          ask.diagnostics = [diagnostic];
          out.push(ask);
        }
      }
      return out;
    },
  };

  // messages are not awaited: a notification waits for its dismissal, the command need not
  const ask = async (uri: vscode.Uri, range: vscode.Range): Promise<unknown> => {
    if ((await vscode.commands.getCommands(true)).includes(WHY_COMMAND)) return vscode.commands.executeCommand(WHY_COMMAND, { file: uri.fsPath, line: range.start.line + 1 });
    const rel = contexts.relative(uri);
    if (!rel) return void vscode.window.showWarningMessage('Hotpath: this file is not in the workspace folder.');
    try {
      const toolContext = await contexts.create();
      const analysis = await analyzeProfile(toolContext, { at: { file: rel, line: range.start.line + 1 } });
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: renderWhy(analysis, { question: `Why is ${rel}:${range.start.line + 1} hot?` }) });
      await vscode.commands.executeCommand('markdown.showPreview', document.uri).then(undefined, () => vscode.window.showTextDocument(document));
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      void vscode.window.showWarningMessage(`Hotpath: ${e.message}`);
    }
  };

  context.subscriptions.push(
    collection,
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
    vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, actions, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    vscode.commands.registerCommand(SCAN_COMMAND, () => scan().catch((e) => reportError('scan failed', e, log))),
    vscode.commands.registerCommand(ASK_COMMAND, (uri: vscode.Uri, range: vscode.Range) => ask(uri, range).catch((e) => reportError('“Ask Hotpath” failed', e, log))),
    contexts.active.onDidChange(profileChanged),
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && entries.has(e.document.uri.toString()) && schedule(e.document, 400)),
    vscode.workspace.onDidCloseTextDocument((d) => {
      heats.delete(d.uri.toString());
      if (!scanned.has(d.uri.toString())) forget(d.uri);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(THRESHOLD_SETTING) && refreshOpen()),
  );
  refreshOpen();
}

async function toEntries(toolContext: ToolContext, text: string, findings: readonly Finding[], costOf: (f: Finding) => number, limit: number): Promise<Entry[]> {
  const ranges = findings.length ? await functionRanges(findings[0].file, text) : [];
  const out: Entry[] = [];
  for (const finding of findings) {
    const cost = costOf(finding);
    const range = new vscode.Range(finding.line - 1, finding.column - 1, finding.endLine - 1, finding.endColumn - 1);
    const diagnostic = new vscode.Diagnostic(range, `${finding.message}${costNote(cost)}`, severities[levelForCost(cost, limit)]);
    diagnostic.source = SOURCE;
    diagnostic.code = finding.skill;
    const proposal = await mechanicalFix(toolContext, finding, text, enclosingFunction(ranges, finding.line));
    out.push({ diagnostic, finding, proposal });
  }
  return out;
}

/** The proposal as a WorkspaceEdit on the document as it is now; undefined when it no longer applies. */
export function proposalEdit(document: vscode.TextDocument, proposal: EditProposal): vscode.WorkspaceEdit | undefined {
  const text = document.getText();
  const at = text.indexOf(proposal.oldText);
  if (at < 0 || text.indexOf(proposal.oldText, at + 1) >= 0) return undefined;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(at), document.positionAt(at + proposal.oldText.length)), proposal.newText);
  return edit;
}

function reportError(what: string, e: unknown, log: vscode.LogOutputChannel): void {
  const message = e instanceof Error ? e.message : String(e);
  log.error(`${what}: ${e instanceof Error && e.stack ? e.stack : message}`);
  vscode.window.showErrorMessage(`Hotpath: ${what}: ${message}`);
}
