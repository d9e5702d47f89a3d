/**
 * The Hotpath chat panel: questions go to the configured model (the agent loop with the
 * workspace tools) or, by default and whenever a model fails, to the deterministic engine.
 * Answers stream into the webview as markdown, tool steps as collapsible rows, edit proposals
 * as diff cards that write only when the user clicks Apply. The conversation is kept per
 * workspace (workspaceState).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeProfile, type AnalyzeOptions } from '../../core/agent/engine';
import { runAgent } from '../../core/agent/loop';
import { ModelError } from '../../core/agent/model';
import { renderWhy } from '../../core/agent/why';
import { applyEditProposal, type EditProposal } from '../../core/edits/proposal';
import type { ToolContext } from '../../core/tools/context';
import { ToolError } from '../../core/tools/tool';
import { BenchmarkError, verifyPatch, type VerifyReport } from '../../core/verify/verify';
import { parseToChatHost, type CardAction, type ChatState, type ToChatHost, type ToChatWebview } from '../../../webview/chat/protocol';
import { fileHeat } from '../heat/fileHeat';
import type { ExtensionToolContexts } from '../lmtools/toolContext';
import type { ActiveProfile } from '../profiles/activeProfile';
import { profileViewHtml } from '../profiles/webviewHtml';
import { configuredModel, configuredModelLabel, MODEL_SETTING } from '../models/models';
import { canGoStale, freshness, startAction } from './cards';
import { ChatSession, toolLabel, typedFunction } from './session';
import { buildToolContext, OpenedProfiles, relativeTo, workspaceRoot } from './toolContext';
import { recordVerifiedFix } from '../ledger/ledger';
import type { WorkspaceSources } from '../profiles/workspaceSources';

const HISTORY_KEY = 'hotpath.chat.conversation';
const BENCH_SETTING = 'benchmark.command';
const PROPOSED_SCHEME = 'hotpath-proposed';

/** What a question is about: a target from the editor, or a focus and engine options. */
type Question = { target: WhyTarget; focus?: undefined; analyze?: undefined } | { target?: undefined; focus?: string; analyze?: AnalyzeOptions };

/** What "Why is this hot?" is about; `line` is 1-based. */
export interface WhyTarget {
  file?: string;
  line?: number;
  function?: string;
  selection?: string;
}

export function registerChat(context: vscode.ExtensionContext, active: ActiveProfile, tools: ExtensionToolContexts, log: vscode.LogOutputChannel): void {
  const chat = new ChatController(context, active, tools, log);
  context.subscriptions.push(
    chat,
    vscode.commands.registerCommand('hotpath.openChat', () => chat.show()),
    vscode.commands.registerCommand('hotpath.newConversation', () => chat.handle({ type: 'newConversation' })),
    vscode.commands.registerCommand('hotpath.whyIsThisHot', (arg?: unknown) => chat.whyIsThisHot(whyTarget(arg))),
    // For tests and other extensions: the panel's state, and the same entry point its webview uses.
    vscode.commands.registerCommand('hotpath.chat.state', () => chat.snapshot()),
    vscode.commands.registerCommand('hotpath.chat.dispatch', (message: unknown) => chat.handle(message)),
    vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, chat.proposed),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, new WhyLenses(active, tools.sources)),
  );
}

/** The target from a CodeLens ({file, line, function}), the editor context menu (a Uri) or none. */
function whyTarget(arg: unknown): WhyTarget {
  const editor = vscode.window.activeTextEditor;
  if (arg && typeof arg === 'object' && !(arg instanceof vscode.Uri)) {
    const a = arg as Record<string, unknown>;
    return {
      file: typeof a.file === 'string' ? a.file : undefined,
      line: typeof a.line === 'number' && a.line >= 1 ? a.line : undefined,
      function: typeof a.function === 'string' ? a.function : undefined,
    };
  }
  const uri = arg instanceof vscode.Uri ? arg : editor?.document.uri;
  if (!uri || uri.scheme !== 'file') return {};
  const sameEditor = editor && editor.document.uri.toString() === uri.toString() ? editor : undefined;
  const selection = sameEditor && !sameEditor.selection.isEmpty ? sameEditor.document.getText(sameEditor.selection) : undefined;
  return { file: uri.fsPath, line: sameEditor ? sameEditor.selection.active.line + 1 : undefined, selection };
}

class WhyLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly active: ActiveProfile,
    private readonly sources: WorkspaceSources,
  ) {
    this.subs = [active.onDidChange(() => this.changed.fire()), sources.onDidChange(() => this.changed.fire())];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const value = this.active.value;
    const profile = value?.set.profiles[value.set.activeIndex];
    if (!profile || document.isDirty) return [];
    const threshold = vscode.workspace.getConfiguration().get<number>('hotpath.heat.threshold', 1);
    return fileHeat(profile, document.uri.fsPath, this.sources.mappedFor(document.uri.fsPath))
      .functions.filter((f) => f.totalPercent >= threshold && f.line! <= document.lineCount)
      .map((f) => new vscode.CodeLens(document.lineAt(f.line! - 1).range, {
        title: 'Why is this hot?',
        tooltip: `Ask Hotpath why ${f.name} is hot`,
        command: 'hotpath.whyIsThisHot',
        arguments: [{ file: document.uri.fsPath, line: f.line, function: f.name }],
      }));
  }

  dispose(): void {
    this.subs.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}

/** The proposed version of a file, for VS Code's diff editor. */
class ProposedContent implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

class ChatController implements vscode.Disposable {
  readonly proposed = new ProposedContent();
  private readonly session: ChatSession;
  /** Proposals a model made (the rest came from the engine), for the efficiency ledger; not kept across reloads. */
  private readonly modelProposals = new WeakSet<EditProposal>();
  /** Benchmark reports of verified cards, for "Create pull request" (not kept across reloads). */
  private readonly reports = new Map<string, VerifyReport>();
  private readonly profiles = new OpenedProfiles();
  private panel: vscode.WebviewPanel | undefined;
  private running: AbortController | undefined;
  private turn: Promise<void> = Promise.resolve();
  private postTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly active: ActiveProfile,
    private readonly tools: ExtensionToolContexts,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.session = new ChatSession(context.workspaceState.get(HISTORY_KEY));
    const track = () => active.value && this.profiles.remember(active.value.uri, active.value.set);
    track();
    this.subs.push(
      active.onDidChange(() => (track(), this.changed())),
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.checkStale(e.document.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(MODEL_SETTING) && this.changed()),
    );
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('hotpath.chat', 'Hotpath Chat', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [dist, vscode.Uri.joinPath(this.context.extensionUri, 'media')],
    });
    panel.webview.html = profileViewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'chat.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'chat.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((m) => this.handle(m));
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
  }

  snapshot(): ChatState {
    return this.session.state(this.running !== undefined, configuredModelLabel(), this.contextLine());
  }

  async handle(raw: unknown): Promise<void> {
    const parsed = parseToChatHost(raw);
    if (!parsed.ok) {
      this.log.warn(`chat: ignored a webview message: ${parsed.error}`);
      return;
    }
    const message: ToChatHost = parsed.message;
    switch (message.type) {
      case 'ready':
        await this.refreshStaleness();
        return this.post();
      case 'ask': {
        const fn = typedFunction(message.text);
        return this.ask(message.text, fn ? { focus: `the function ${fn}`, analyze: { function: fn } } : {});
      }
      case 'cancel':
        this.running?.abort();
        return;
      case 'newConversation':
        this.running?.abort();
        await this.turn;
        this.session.clear();
        return this.changed();
      case 'openLocation':
        return this.openLocation(message.file, message.line);
      case 'openExternal':
        await vscode.env.openExternal(vscode.Uri.parse(message.url));
        return;
      case 'card':
        return this.cardAction(message.id, message.action);
    }
  }

  whyIsThisHot(target: WhyTarget): Promise<void> {
    const root = workspaceRoot();
    const shown = target.file ? (root && relativeTo(root, target.file)) || path.basename(target.file) : undefined;
    const subject = target.function ? `\`${target.function}\`` : target.selection ? 'this code' : shown ? `${shown}${target.line ? `:${target.line}` : ''}` : 'this profile';
    return this.ask(`Why is ${subject} hot?`, { target });
  }

  /**
   * The engine options and the model's focus for a target. A file outside the workspace (the
   * path a profile recorded, opened from the flame graph) is mapped to its workspace copy the
   * same way profile frames are.
   */
  private describeTarget(target: WhyTarget, context: ToolContext): { focus?: string; analyze: AnalyzeOptions } {
    let file: string | undefined;
    let line = target.line;
    if (target.file) {
      const inside = relativeTo(context.root, target.file);
      const mapped = inside ? undefined : context.resolver.resolve(target.file, line ?? 1);
      file = inside ?? mapped?.file ?? target.file;
      if (mapped && line !== undefined) line = mapped.line;
    }
    const analyze: AnalyzeOptions = target.function ? { function: target.function } : file && line ? { at: { file, line } } : {};
    const focus = [
      target.function ? `the function ${target.function}` : '',
      file ? `in ${file}${line ? `:${line}` : ''}` : '',
      target.selection ? `the selected code:\n${target.selection.slice(0, 2000)}` : '',
    ].filter(Boolean).join(' ');
    return { focus: focus || undefined, analyze };
  }

  private ask(question: string, about: Question): Promise<void> {
    this.show();
    const run = async () => {
      const abort = new AbortController();
      this.running = abort;
      this.session.addUser(question);
      this.changed();
      try {
        await this.answer(question, about, abort.signal);
      } catch (e) {
        this.session.notice('error', e instanceof Error ? e.message : String(e));
        this.log.error(`chat: ${e instanceof Error ? e.stack ?? e.message : e}`);
      } finally {
        this.running = undefined;
        this.changed();
      }
    };
    // One turn at a time: a question asked while one runs waits for it.
    this.turn = this.turn.then(run);
    return this.turn;
  }

  private async answer(question: string, asked: Question, signal: AbortSignal): Promise<void> {
    const { context, activeProfileId } = await buildToolContext(this.tools, this.profiles, signal);
    const about = asked.target ? this.describeTarget(asked.target, context) : asked;
    const focus = [activeProfileId ? `the active profile is ${activeProfileId}` : 'no profile is open', about.focus].filter(Boolean).join('; ');
    const choice = await configuredModel(this.context.secrets).catch((e: unknown): { kind: 'unavailable'; reason: string } => ({ kind: 'unavailable', reason: e instanceof Error ? e.message : String(e) }));
    if (choice.kind === 'model') {
      let answerId: string | undefined;
      try {
        const result = await runAgent(question, {
          model: choice.model,
          context,
          history: this.session.history,
          focus,
          signal,
          onEvent: (event) => {
            switch (event.type) {
              case 'text':
                answerId ??= this.session.startAnswer();
                this.session.appendAnswer(answerId, event.delta);
                break;
              case 'tool-start':
                if (answerId) this.endAnswer(answerId);
                answerId = undefined;
                this.session.addTool(event.id, event.name, event.arguments, toolLabel(event.name, event.arguments));
                break;
              case 'tool-end': {
                const row = [...this.session.entries].reverse().find((e) => e.kind === 'tool' && e.id.startsWith(`t-${event.id}-`));
                if (row) this.session.endTool(row.id, event.ok, event.text);
                break;
              }
              case 'edit':
                this.modelProposals.add(event.proposal);
                this.session.addCard(event.proposal);
                break;
              case 'notice':
                this.session.notice('info', event.message);
                break;
            }
            this.changed(false);
          },
        });
        if (answerId) this.endAnswer(answerId);
        if (result.stop === 'cancelled') this.session.notice('info', 'Cancelled.');
        else this.session.remember(question, result.answer);
        return;
      } catch (e) {
        if (answerId) this.endAnswer(answerId);
        if (signal.aborted) {
          this.session.notice('info', 'Cancelled.');
          return;
        }
        const why = e instanceof ModelError ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
        this.log.warn(`chat: ${choice.model.id} failed: ${why}`);
        this.session.notice('error', `The model (${choice.model.id}) failed: ${why}. Answering offline instead.`);
      }
    } else if (choice.kind === 'unavailable') {
      this.session.notice('error', `The configured model cannot be used: ${choice.reason}. Answering offline instead.`);
    }
    await this.answerOffline(question, context, about.analyze ?? {}, activeProfileId);
  }

  private async answerOffline(question: string, context: ToolContext, options: AnalyzeOptions, profile?: string): Promise<void> {
    if (context.profiles.ids().length === 0) {
      this.session.notice('error', 'No profile is open. Open one (Hotpath: Open Profile…) and ask again.');
      return;
    }
    let markdown: string;
    let proposals: EditProposal[] = [];
    try {
      const analysis = await analyzeProfile(context, { ...options, profile });
      markdown = renderWhy(analysis, { question });
      proposals = analysis.targets.slice(0, 3).flatMap((t) => t.findings.flatMap((f) => (f.proposal ? [f.proposal] : [])));
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      markdown = e.message;
    }
    // Each diff is shown once, in its card, where it can be applied.
    for (const p of proposals) markdown = markdown.replace(`\n\n\`\`\`diff\n${p.diff.trimEnd()}\n\`\`\``, ' The diff is in the card below.');
    const id = this.session.startAnswer();
    this.session.setAnswer(id, markdown, false);
    for (const p of proposals) this.session.addCard(p);
    this.session.remember(question, markdown);
  }

  private endAnswer(id: string): void {
    const e = this.session.entries.find((x) => x.id === id);
    if (e?.kind === 'assistant') this.session.setAnswer(id, e.markdown, false);
    this.session.dropIfEmpty(id);
  }

  private contextLine(): string | undefined {
    const v = this.active.value;
    if (!v) return undefined;
    const root = workspaceRoot();
    return `Profile: ${(root && relativeTo(root, v.uri.fsPath)) ?? path.basename(v.uri.fsPath)}`;
  }

  // ---- cards ----

  private fileUri(file: string): vscode.Uri | undefined {
    const root = workspaceRoot();
    if (!root) return undefined;
    const abs = path.resolve(root, file);
    return relativeTo(root, abs) !== undefined ? vscode.Uri.file(abs) : undefined;
  }

  /** The file as the user has it: the open document, else the disk; undefined when missing. */
  private async currentText(file: string): Promise<string | undefined> {
    const uri = this.fileUri(file);
    if (!uri) return undefined;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  }

  private async cardAction(id: string, action: CardAction): Promise<void> {
    const card = this.session.card(id);
    if (!card) {
      this.log.warn(`chat: no card ${id}`);
      return;
    }
    const { proposal } = card;
    const text = await this.currentText(proposal.file);
    const start = startAction(card.status, action, proposal, text);
    if (!start.ok) {
      this.session.setCard(id, start.status, start.status === 'stale' ? start.reason : undefined);
      if (start.status !== 'stale') this.log.warn(`chat: ${start.reason}`);
      return this.changed();
    }
    switch (action) {
      case 'openDiff':
        return this.openDiff(proposal, text);
      case 'discard':
        this.session.setCard(id, 'discarded');
        return this.changed();
      case 'createPullRequest': {
        const report = this.reports.get(id);
        if (!report) {
          this.session.notice('error', 'The benchmark report of this edit was lost with a reload; run `hotpath pr` or verify the edit again to create a pull request.');
          return this.changed();
        }
        await vscode.commands.executeCommand('hotpath.createPullRequest', { patch: proposal.diff, report, context: { rationale: proposal.rationale, skill: proposal.skill } });
        return;
      }
      case 'regenerate':
        this.session.setCard(id, 'discarded', 'Regenerated below against the current file.');
        return this.ask(`Regenerate the edit for ${proposal.file}:${proposal.startLine}`, {
          focus: `the code at ${proposal.file}:${proposal.startLine}, which changed since the last proposal`,
          analyze: { at: { file: proposal.file, line: proposal.startLine } },
        });
      case 'apply':
      case 'applyVerify': {
        let bench: string | undefined;
        if (action === 'applyVerify') {
          bench = await this.benchmarkCommand();
          if (!bench) return;
        }
        this.session.setCard(id, start.status);
        this.changed();
        try {
          const doc = await this.applyEdit(proposal);
          if (action === 'apply') {
            await doc.save();
            this.session.setCard(id, 'applied', 'Applied; undo with Ctrl+Z in the editor.');
            return this.changed();
          }
          // Measured before saving: the disk still has the baseline, the patch makes the candidate.
          const report = await this.verify(proposal, bench!);
          await doc.save();
          this.reports.set(id, report);
          this.session.setCard(id, 'verified', verdictMarkdown(report));
          this.session.notice('info', `Verified ${proposal.file}: ${verdictLine(report)}`);
          void recordVerifiedFix({ proposal, report, before: text!, proposer: this.modelProposals.has(proposal) ? 'model' : 'engine' });
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          this.session.setCard(id, 'failed', action === 'applyVerify' ? `Verification failed: ${message}. The edit stays applied in the editor (unsaved); undo it with Ctrl+Z.` : `Could not apply: ${message}`);
        }
        return this.changed();
      }
    }
  }

  private async applyEdit(proposal: EditProposal): Promise<vscode.TextDocument> {
    const uri = this.fileUri(proposal.file)!;
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    // Throws when the proposal no longer applies; the card turns "failed" with the reason.
    applyEditProposal(text, proposal);
    const at = text.indexOf(proposal.oldText);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + proposal.oldText.length)), proposal.newText);
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit to ${proposal.file}`);
    return doc;
  }

  private async benchmarkCommand(): Promise<string | undefined> {
    const config = vscode.workspace.getConfiguration('hotpath');
    const set = config.get<string>(BENCH_SETTING, '').trim();
    if (set) return set;
    const typed = await vscode.window.showInputBox({
      title: 'Hotpath: benchmark command',
      prompt: 'A shell command run in the workspace whose wall time measures the change (saved as hotpath.benchmark.command).',
      placeHolder: 'node bench.js',
      ignoreFocusOut: true,
    });
    if (!typed?.trim()) return undefined;
    await config.update(BENCH_SETTING, typed.trim(), vscode.ConfigurationTarget.Workspace);
    return typed.trim();
  }

  private async verify(proposal: EditProposal, bench: string): Promise<VerifyReport> {
    const root = workspaceRoot()!;
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Hotpath: verifying the edit to ${proposal.file}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        progress.report({ message: `running "${bench}" before and after…` });
        try {
          return await verifyPatch({
            repoDir: root,
            bench,
            patch: proposal.diff,
            signal: abort.signal,
            onProgress: (p) => progress.report({ message: `${p.runs} runs each: before ${p.baseline.toFixed(0)} ms, after ${p.candidate.toFixed(0)} ms` }),
          });
        } catch (e) {
          if (e instanceof BenchmarkError) throw e;
          throw new Error(abort.signal.aborted ? 'cancelled' : e instanceof Error ? e.message : String(e));
        }
      },
    );
  }

  private async openDiff(proposal: EditProposal, text: string | undefined): Promise<void> {
    const uri = this.fileUri(proposal.file);
    if (!uri || text === undefined) {
      void vscode.window.showWarningMessage(`Hotpath: ${proposal.file} is not in the workspace.`);
      return;
    }
    let after: string;
    try {
      after = applyEditProposal(text, proposal);
    } catch (e) {
      void vscode.window.showWarningMessage(`Hotpath: ${e instanceof Error ? e.message : e}`);
      return;
    }
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${proposal.file}`, query: proposal.baseHash.slice(0, 16) });
    this.proposed.set(proposedUri, after);
    await vscode.commands.executeCommand('vscode.diff', uri, proposedUri, `${path.basename(proposal.file)} ↔ Hotpath proposal`, { preview: true });
  }

  private async checkStale(uri: vscode.Uri): Promise<void> {
    const root = workspaceRoot();
    const rel = root && uri.scheme === 'file' ? relativeTo(root, uri.fsPath) : undefined;
    if (!rel || !this.session.cards().some((c) => c.proposal.file === rel && canGoStale(c.status))) return;
    await this.refreshStaleness(rel);
  }

  private async refreshStaleness(onlyFile?: string): Promise<void> {
    let any = false;
    for (const c of this.session.cards()) {
      if (!canGoStale(c.status) || (onlyFile && c.proposal.file !== onlyFile)) continue;
      const fresh = freshness(c.proposal, await this.currentText(c.proposal.file));
      if (!fresh.fresh) {
        this.session.setCard(c.id, 'stale', fresh.reason);
        any = true;
      }
    }
    if (any) this.changed();
  }

  private async openLocation(file: string, line?: number): Promise<void> {
    const root = workspaceRoot();
    const uri = this.fileUri(file) ?? (path.isAbsolute(file) && root && relativeTo(root, file) !== undefined ? vscode.Uri.file(file) : undefined);
    if (!uri) {
      void vscode.window.showWarningMessage(`Hotpath: ${file} is not a file in this workspace.`);
      return;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const at = new vscode.Position(Math.min(Math.max(0, (line ?? 1) - 1), doc.lineCount - 1), 0);
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(at, at) });
    } catch {
      void vscode.window.showWarningMessage(`Hotpath: cannot open ${file}.`);
    }
  }

  // ---- state ----

  /** Saves (unless streaming) and posts the state to the webview, at most every 50 ms. */
  private changed(save = true): void {
    if (save) void this.context.workspaceState.update(HISTORY_KEY, this.session.save());
    if (this.postTimer) return;
    this.postTimer = setTimeout(() => {
      this.postTimer = undefined;
      void this.post();
    }, 50);
  }

  private async post(): Promise<void> {
    const message: ToChatWebview = { type: 'state', state: this.snapshot() };
    await this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.running?.abort();
    if (this.postTimer) clearTimeout(this.postTimer);
    this.subs.forEach((s) => s.dispose());
    this.panel?.dispose();
  }
}

function percent(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
}

export function verdictLine(r: VerifyReport): string {
  return `${r.verdict} — median ${r.baselineMedian.toFixed(1)} ms → ${r.candidateMedian.toFixed(1)} ms (${percent(r.relativeChange)}, 95% CI ${percent(r.ci[0])} … ${percent(r.ci[1])}, p = ${r.pValue.toPrecision(2)}, ${r.baseline.length} runs each)`;
}

function verdictMarkdown(r: VerifyReport): string {
  return [
    `**Verdict: ${r.verdict}** (${r.stopReason})`,
    '',
    `- Benchmark: \`${r.bench}\` at ${r.base.slice(0, 12)}`,
    `- Before: median ${r.baselineMedian.toFixed(1)} ms, after: median ${r.candidateMedian.toFixed(1)} ms (${r.baseline.length} runs each)`,
    `- Change ${percent(r.relativeChange)}, 95% CI ${percent(r.ci[0])} … ${percent(r.ci[1])}, p = ${r.pValue.toPrecision(2)}`,
  ].join('\n');
}
