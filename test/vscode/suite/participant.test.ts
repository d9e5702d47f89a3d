import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { importProfileFile } from '../../../src/core/profile/importers/index';
import type { HotpathApi } from '../../../src/extension/extension';
import { ExtensionToolContexts } from '../../../src/extension/lmtools/toolContext';
import { chatHandler } from '../../../src/extension/participant/participant';
import { ActiveProfile } from '../../../src/extension/profiles/activeProfile';
import { WorkspaceSources } from '../../../src/extension/profiles/workspaceSources';

// bundled to out/vscode-suite/: the repository is two folders up
const repo = path.resolve(__dirname, '..', '..');
const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const textOf = (result: vscode.LanguageModelToolResult) => result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');

/** A ChatResponseStream that records what the participant streams. */
function recorder() {
  const parts: { kind: string; value: unknown }[] = [];
  const push = (kind: string) => (value: unknown) => void parts.push({ kind, value });
  const stream = { markdown: push('markdown'), anchor: push('anchor'), button: push('button'), progress: push('progress'), reference: push('reference'), filetree: push('filetree'), push: push('push') };
  const markdown = () => parts.filter((p) => p.kind === 'markdown').map((p) => String(p.value)).join('');
  const of = (kind: string) => parts.filter((p) => p.kind === kind).map((p) => p.value);
  return { stream: stream as unknown as vscode.ChatResponseStream, parts, markdown, of };
}

/** A LanguageModelChat that answers from a script and records what it was sent. */
function scriptedModel(rounds: ((messages: vscode.LanguageModelChatMessage[]) => (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[])[]) {
  const sent: vscode.LanguageModelChatMessage[][] = [];
  const model = {
    id: 'test-model',
    vendor: 'test',
    family: 'scripted',
    name: 'Scripted',
    version: '1',
    maxInputTokens: 100000,
    countTokens: async () => 1,
    async sendRequest(messages: vscode.LanguageModelChatMessage[]) {
      sent.push(messages);
      const round = rounds[sent.length - 1];
      if (!round) throw new Error('the script has no more rounds');
      const parts = round(messages);
      return {
        stream: (async function* () {
          for (const p of parts) yield p;
        })(),
        text: (async function* () {})(),
      };
    },
  };
  return { model: model as unknown as vscode.LanguageModelChat, sent };
}

describe('Hotpath in VS Code chat: participant and language-model tools', () => {
  let hotpath: HotpathApi;
  let contexts: ExtensionToolContexts;
  let log: vscode.LogOutputChannel;
  const token = new vscode.CancellationTokenSource().token;
  const ask = (handlerRequest: Partial<vscode.ChatRequest>, stream: vscode.ChatResponseStream) =>
    chatHandler(contexts, log)({ prompt: '', command: undefined, references: [], toolReferences: [], ...handlerRequest } as vscode.ChatRequest, { history: [] }, stream, token);

  before(async function () {
    this.timeout(120000);
    hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    // a fresh copy of the fixture project and a profile of it, for the participant's own tool context
    const orders = vscode.Uri.joinPath(workspace(), 'orders-chat');
    fs.cpSync(path.join(repo, 'test', 'fixtures', 'projects', 'orders'), orders.fsPath, { recursive: true });
    execFileSync('node', ['--cpu-prof', '--cpu-prof-dir', 'profiles', '--cpu-prof-name', 'orders.cpuprofile', 'run.js'], { cwd: orders.fsPath, stdio: 'ignore' });
    const profile = path.join(orders.fsPath, 'profiles', 'orders.cpuprofile');
    const active = new ActiveProfile();
    active.set(vscode.Uri.file(profile), await importProfileFile(profile));
    log = vscode.window.createOutputChannel('Hotpath participant test', { log: true });
    contexts = new ExtensionToolContexts(active, new WorkspaceSources(log));
  });

  after(() => {
    contexts.dispose();
    log.dispose();
    return vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates with the @hotpath participant and its four commands contributed', () => {
    const extension = vscode.extensions.getExtension('hotpath.hotpath')!;
    assert.equal(extension.isActive, true, 'activation (which registers the participant when vscode.chat exists) did not throw');
    const [participant] = extension.packageJSON.contributes.chatParticipants;
    assert.equal(participant.id, 'hotpath.hotpath');
    assert.deepEqual(
      participant.commands.map((c: { name: string }) => c.name),
      ['why', 'optimize', 'regressions', 'investigate'],
    );
  });

  it('/why without a model answers offline, with file:line anchors and a button that reviews the fix', async () => {
    const r = recorder();
    const result = await ask({ command: 'why', prompt: 'markVipOrders' }, r.stream);
    assert.equal(result && 'errorDetails' in result ? result.errorDetails : undefined, undefined);
    assert.match(r.markdown(), /## Why is `markVipOrders` hot\?/);
    assert.match(r.markdown(), /skill `js-linear-lookup-in-loop`/);
    const anchors = r.of('anchor') as vscode.Location[];
    const line13 = anchors.find((a) => a.uri.fsPath.endsWith(path.join('orders-chat', 'src', 'report.js')) && a.range.start.line === 12);
    assert.ok(line13, `anchors: ${anchors.map((a) => `${a.uri.fsPath}:${a.range.start.line + 1}`).join(', ')}`);
    const [button] = r.of('button') as vscode.Command[];
    assert.equal(button?.command, 'hotpath.reviewEditProposal');
    assert.equal((button.arguments![0] as { file: string }).file, 'orders-chat/src/report.js');
    assert.ok((r.of('reference') as vscode.Uri[]).some((u) => u.fsPath.endsWith(path.join('orders-chat', 'src', 'report.js'))));
  });

  it('"Review … fix" shows the diff first and writes nothing; stale or malformed proposals are refused', async () => {
    const r = recorder();
    await ask({ command: 'why', prompt: 'markVipOrders' }, r.stream);
    const proposal = (r.of('button') as vscode.Command[])[0].arguments![0] as { file: string; oldText: string; baseHash: string };
    const report = vscode.Uri.joinPath(workspace(), proposal.file);
    const before = fs.readFileSync(report.fsPath, 'utf8');
    const diffTabs = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'hotpath-proposal');

    await vscode.commands.executeCommand('hotpath.reviewEditProposal', { file: 42 });
    await vscode.commands.executeCommand('hotpath.reviewEditProposal', { ...proposal, oldText: 'text that is not in the file', baseHash: 'stale' });
    assert.equal(diffTabs().length, 0, 'a refused proposal opens no diff');

    // the review waits for the user's Apply, which this test never clicks
    void vscode.commands.executeCommand('hotpath.reviewEditProposal', proposal);
    const end = Date.now() + 15000;
    while (diffTabs().length === 0 && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 100));
    const [tab] = diffTabs();
    assert.ok(tab, 'the diff editor opened');
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, report.fsPath);
    const proposed = await vscode.workspace.openTextDocument(input.modified);
    assert.match(proposed.getText(), /if \(vipIdsSet\.has\(order\.customerId\)\)/);
    assert.equal(fs.readFileSync(report.fsPath, 'utf8'), before, 'nothing is written before Apply');
    assert.match((await vscode.workspace.openTextDocument(report)).getText(), /vipIds\.includes\(/);
  });

  it('/optimize lists the mechanical fix with its diff', async () => {
    const r = recorder();
    await ask({ command: 'optimize' }, r.stream);
    assert.match(r.markdown(), /### `js-linear-lookup-in-loop` in `markVipOrders`/);
    assert.match(r.markdown(), /\+\s+const vipIdsSet = new Set\(vipIds\);/);
    assert.equal((r.of('button') as vscode.Command[])[0]?.command, 'hotpath.reviewEditProposal');
  });

  it('with the request’s language model, the model drives Hotpath’s tools (vscode.lm adapter)', async () => {
    const { model, sent } = scriptedModel([
      () => [new vscode.LanguageModelToolCallPart('call-1', 'get_hotspots', { top: 2 })],
      () => [new vscode.LanguageModelTextPart('`markVipOrders` is hot: '), new vscode.LanguageModelTextPart('a linear lookup in a loop.')],
    ]);
    const r = recorder();
    await ask({ command: 'why', prompt: 'why is this slow?', model }, r.stream);
    assert.equal(r.markdown(), '`markVipOrders` is hot: a linear lookup in a loop.');
    assert.deepEqual(r.of('progress'), ['Reading hot functions of orders.cpuprofile…']);
    assert.equal(sent.length, 2);
    const toolResult = sent[1].flatMap((m) => m.content).find((p): p is vscode.LanguageModelToolResultPart => p instanceof vscode.LanguageModelToolResultPart);
    assert.equal(toolResult?.callId, 'call-1');
    const resultText = toolResult!.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('');
    assert.match(resultText, /markVipOrders — self \d/);
  });

  it('falls back to the offline answer when the model fails', async () => {
    const { model } = scriptedModel([
      () => {
        throw vscode.LanguageModelError.Blocked('quota exceeded');
      },
    ]);
    const r = recorder();
    await ask({ command: 'why', prompt: 'markVipOrders', model }, r.stream);
    assert.match(r.markdown(), /refused the request.*quota exceeded.*offline answer instead/s);
    assert.match(r.markdown(), /## Why is `markVipOrders` hot\?/);
  });

  it('/regressions answers from the Regressions feature, with an Investigate button per open regression', async () => {
    const state = await vscode.commands.executeCommand<{ connection: string; open: { id: number }[] }>('hotpath.regressions.state');
    const r = recorder();
    await ask({ command: 'regressions' }, r.stream);
    if (state.connection !== 'ready') assert.match(r.markdown(), /The profile service (is still connecting|could not be reached)/);
    else if (state.open.length === 0) assert.match(r.markdown(), /^No open regressions/);
    else assert.deepEqual((r.of('button') as vscode.Command[]).map((b) => b.arguments![0]), state.open.slice(0, 5).map((o) => o.id));
  });

  it('registers the read-only tools as language-model tools, and hotpath_get_hotspots answers from the active profile', async function () {
    if (typeof vscode.lm?.invokeTool !== 'function') this.skip();
    const names = vscode.lm.tools.map((t) => t.name);
    assert.ok(names.includes('hotpath_get_hotspots'), `lm.tools: ${names.join(', ')}`);
    assert.ok(!names.includes('hotpath_run_benchmark'), 'tools that execute are not offered to agent mode');

    const profileUri = vscode.Uri.joinPath(workspace(), 'profiles', 'node-cpu-prof.cpuprofile');
    const loaded = new Promise<void>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('vscode.openWith', profileUri, 'hotpath.profileView');
    await loaded;

    const result = await vscode.lm.invokeTool('hotpath_get_hotspots', { input: { top: 3 }, toolInvocationToken: undefined }, token);
    assert.match(textOf(result), /buildReport/, textOf(result));
    // input is validated by the tool's zod schema: a bad argument is explained, not thrown
    const bad = await vscode.lm.invokeTool('hotpath_get_hotspots', { input: { top: 'many' }, toolInvocationToken: undefined }, token);
    assert.match(textOf(bad), /Invalid arguments for get_hotspots: top/);
  });
});
