import * as path from 'node:path';
import * as vscode from 'vscode';
import { analyzeProfile, type Analysis } from '../../core/agent/engine';
import { runAgent } from '../../core/agent/loop';
import { ModelError, type ChatMessage } from '../../core/agent/model';
import { renderWhy } from '../../core/agent/why';
import type { EditProposal } from '../../core/edits/proposal';
import type { ToolContext } from '../../core/tools/context';
import { ToolError } from '../../core/tools/tool';
import { invocationMessage } from '../lmtools/invocation';
import type { ExtensionToolContexts } from '../lmtools/toolContext';
import type { RegressionsState } from '../regressions/regressions';
import { VsCodeChatModel } from './lmModel';
import { REVIEW_PROPOSAL_COMMAND } from './proposals';
import { routeChatRequest, splitLinks, type ChatRoute } from './routing';
import { investigateReply, regressionsReply, type Reply } from './service';

export const PARTICIPANT_ID = 'hotpath.hotpath';

/**
 * `@hotpath` in VS Code's chat view. /why and /optimize answer from the active profile: with
 * the user's chat model driving Hotpath's tools when the request carries one, else (or when
 * the model fails) with the offline engine. /regressions and /investigate read the profile
 * service through the Regressions feature. Hosts without the chat API get nothing, silently.
 */
export function registerChatParticipant(context: vscode.ExtensionContext, contexts: ExtensionToolContexts, log: vscode.LogOutputChannel): void {
  const chat = (vscode as Partial<typeof vscode>).chat;
  if (typeof chat?.createChatParticipant !== 'function') return;
  const participant = chat.createChatParticipant(PARTICIPANT_ID, chatHandler(contexts, log));
  participant.iconPath = new vscode.ThemeIcon('flame');
  context.subscriptions.push(participant);
}

/** The participant's request handler (exported for the extension-host tests). */
export function chatHandler(contexts: ExtensionToolContexts, log: vscode.LogOutputChannel): vscode.ChatRequestHandler {
  return async (request, chatContext, stream, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    const route = routeChatRequest(request.command, request.prompt);
    try {
      if (route.kind === 'regressions') await regressions(stream);
      else if (route.kind === 'investigate') await investigate(route, stream);
      else await answer(route, request, chatContext, stream, contexts, abort.signal);
    } catch (e) {
      if (abort.signal.aborted) return {};
      if (e instanceof ToolError) {
        stream.markdown(e.message);
        return {};
      }
      log.error(`@hotpath ${route.kind}: ${e instanceof Error && e.stack ? e.stack : String(e)}`);
      return { errorDetails: { message: `Hotpath failed: ${e instanceof Error ? e.message : String(e)}` } };
    } finally {
      cancel.dispose();
    }
    return {};
  };
}

async function answer(
  route: Extract<ChatRoute, { kind: 'why' | 'optimize' }>,
  request: vscode.ChatRequest,
  chatContext: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  contexts: ExtensionToolContexts,
  signal: AbortSignal,
): Promise<void> {
  const profile = contexts.active.value;
  if (!profile) {
    stream.markdown('No profile is active. Open one (**Hotpath: Open Profile…**) or capture one (**Hotpath: Profile a Command…**), then ask again.\n\n');
    stream.button({ command: 'hotpath.openProfile', title: 'Open Profile…' });
    return;
  }
  const toolContext = await contexts.create({ signal });
  const model = (request as { model?: vscode.LanguageModelChat }).model;
  if (model && typeof model.sendRequest === 'function') {
    try {
      await agentAnswer(route, model, chatContext, stream, toolContext, path.basename(profile.uri.fsPath), signal);
      return;
    } catch (e) {
      if (signal.aborted || (e instanceof ModelError && e.kind === 'cancelled')) return;
      if (!(e instanceof ModelError)) throw e;
      stream.markdown(`\n\n_${e.message}; here is the offline answer instead._\n\n`);
    }
  }
  stream.progress(`Analysing ${path.basename(profile.uri.fsPath)}…`);
  const analysis = await analyzeProfile(toolContext, { ...route.target, top: route.kind === 'optimize' ? 10 : undefined });
  if (route.kind === 'optimize') renderOptimize(analysis, stream, toolContext.root);
  else {
    streamMarkdown(stream, renderWhy(analysis, { question: route.question }), toolContext.root);
    const proposals = analysis.targets.flatMap((t) => t.findings.flatMap((f) => (f.proposal ? [f.proposal] : [])));
    if (proposals.length) stream.markdown('\n\n');
    for (const p of proposals) stream.button({ command: REVIEW_PROPOSAL_COMMAND, title: `Review ${p.skill ?? 'proposed'} fix in ${p.file}:${p.startLine}…`, arguments: [p] });
  }
  for (const file of new Set(analysis.targets.flatMap((t) => (t.file ? [t.file] : [])))) stream.reference(vscode.Uri.file(path.join(toolContext.root, file)));
}

async function agentAnswer(
  route: Extract<ChatRoute, { kind: 'why' | 'optimize' }>,
  model: vscode.LanguageModelChat,
  chatContext: vscode.ChatContext,
  stream: vscode.ChatResponseStream,
  toolContext: ToolContext,
  profileName: string,
  signal: AbortSignal,
): Promise<void> {
  const target = route.target.function ? `the function ${route.target.function}` : route.target.at ? `${route.target.at.file}:${route.target.at.line}` : undefined;
  const focus = `the active profile is "${toolContext.profiles.ids()[0]}" (${profileName})${target ? `; the question is about ${target}` : ''}${route.kind === 'optimize' ? '; the user wants concrete edits (propose_edit)' : ''}.`;
  const proposals: EditProposal[] = [];
  await runAgent(route.question, {
    model: new VsCodeChatModel(model),
    context: toolContext,
    history: historyOf(chatContext),
    focus,
    signal,
    onEvent: (event) => {
      if (event.type === 'text') stream.markdown(event.delta);
      else if (event.type === 'tool-start') stream.progress(invocationMessage(event.name, safeJson(event.arguments), profileName));
      else if (event.type === 'edit') proposals.push(event.proposal);
      else if (event.type === 'notice') stream.markdown(`\n\n_${event.message}_\n\n`);
    },
  });
  if (proposals.length) stream.markdown('\n\n');
  for (const p of proposals) stream.button({ command: REVIEW_PROPOSAL_COMMAND, title: `Review ${p.skill ?? 'proposed'} edit to ${p.file}:${p.startLine}…`, arguments: [p] });
}

/** Only mechanical fixes, hottest first, each with its diff and a review button. */
function renderOptimize(analysis: Analysis, stream: vscode.ChatResponseStream, root: string): void {
  const fixes = analysis.targets.flatMap((t) => t.findings.filter((f) => f.proposal).map((f) => ({ t, f, proposal: f.proposal! })));
  if (fixes.length === 0) {
    streamMarkdown(stream, `No mechanical fix applies to the hottest code of this profile; here is why it is hot.\n\n${renderWhy(analysis)}`, root);
    return;
  }
  for (const { t, f, proposal } of fixes) {
    const share = f.totalPercent > 0 ? ` — a line carrying ${f.totalPercent.toFixed(f.totalPercent >= 10 ? 1 : 2)}% of the profile` : '';
    streamMarkdown(
      stream,
      [
        `### \`${f.skill}\` in \`${t.fn.name}\``,
        `[${f.file}:${f.line}](${f.file}#L${f.line})${share}: ${f.message}`,
        '',
        `${proposal.rationale}${proposal.expectedImpact ? ` Expected: ${proposal.expectedImpact}.` : ''}`,
        '',
        '```diff',
        proposal.diff.trimEnd(),
        '```',
        '',
      ].join('\n'),
      root,
    );
    stream.button({ command: REVIEW_PROPOSAL_COMMAND, title: `Review and apply ${f.skill} fix…`, arguments: [proposal] });
  }
}

/** Markdown with the engine's file:line links turned into anchors the chat view can open. */
function streamMarkdown(stream: vscode.ChatResponseStream, markdown: string, root: string): void {
  for (const part of splitLinks(markdown)) {
    if (part.kind === 'text') stream.markdown(part.text);
    else stream.anchor(new vscode.Location(vscode.Uri.file(path.join(root, part.file)), new vscode.Position(part.line - 1, 0)), part.label);
  }
}

const STATE_COMMAND = 'hotpath.regressions.state';

/** The Regressions feature's state, or undefined where it is not registered. */
async function regressionsState(): Promise<RegressionsState | undefined> {
  if (!(await vscode.commands.getCommands(true)).includes(STATE_COMMAND)) return undefined;
  return vscode.commands.executeCommand<RegressionsState>(STATE_COMMAND);
}

async function regressions(stream: vscode.ChatResponseStream): Promise<void> {
  stream.progress('Reading open regressions…');
  sendReply(stream, regressionsReply(await regressionsState()));
}

async function investigate(route: Extract<ChatRoute, { kind: 'investigate' }>, stream: vscode.ChatResponseStream): Promise<void> {
  const reply = investigateReply(await regressionsState(), route.regression);
  sendReply(stream, reply);
  // the user asked for this investigation: open its panel (it only reads)
  if (reply.investigate !== undefined) await vscode.commands.executeCommand('hotpath.investigateRegression', reply.investigate);
}

function sendReply(stream: vscode.ChatResponseStream, reply: Reply): void {
  stream.markdown(reply.markdown);
  for (const button of reply.buttons) stream.button(button);
}

/** Earlier turns with @hotpath, as plain user/assistant messages for the agent. */
function historyOf(chatContext: vscode.ChatContext): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const turn of chatContext.history) {
    if (turn instanceof vscode.ChatRequestTurn) out.push({ role: 'user', content: turn.prompt });
    else if (turn instanceof vscode.ChatResponseTurn) {
      const text = turn.response.map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : '')).join('');
      if (text) out.push({ role: 'assistant', content: text });
    }
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
