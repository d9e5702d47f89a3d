import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HotpathApi } from '../../../src/extension/extension';
import type { ChatState, Entry } from '../../../webview/chat/protocol';
import { ScriptedOpenAIServer, type ScriptedTurn } from '../../support/scripted-openai';
import * as driver from './driver';
import { until } from './poll';

const workspace = () => vscode.workspace.workspaceFolders![0].uri;
const state = async () => (await vscode.commands.executeCommand<ChatState>('hotpath.chat.state'))!;
const cards = (s: ChatState) => s.entries.filter((e): e is Extract<Entry, { kind: 'card' }> => e.kind === 'card');

const OLD = "  const re = new RegExp('[^a-z0-9]+', 'g');";
const NEW = '  const re = SLUG_PATTERN;';
const ANSWER = '`slugify` rebuilds its regular expression on every call: programs/busy.js:11 carries the cost (skill `js-regex-in-hot-path`). Hoist it to module scope.';

/** The scripted model: hot spots, then the file and a proposed edit, then the answer. */
const SCRIPT: ScriptedTurn[] = [
  { text: 'Let me look at the profile.', toolCalls: [{ name: 'get_hotspots', arguments: '{"by":"self","top":5}' }] },
  {
    toolCalls: [
      { name: 'read_file', arguments: '{"path":"programs/busy.js","startLine":9,"endLine":13}' },
      { name: 'propose_edit', arguments: JSON.stringify({ file: 'programs/busy.js', oldText: OLD, newText: NEW, rationale: 'Build the regex once instead of on every call.', skill: 'js-regex-in-hot-path' }) },
    ],
  },
  { text: ANSWER },
];

async function setModel(kind: string, baseUrl = '', model = ''): Promise<void> {
  const config = vscode.workspace.getConfiguration('hotpath');
  await config.update('model', kind, vscode.ConfigurationTarget.Global);
  await config.update('openai.baseUrl', baseUrl || undefined, vscode.ConfigurationTarget.Global);
  await config.update('openai.model', model || undefined, vscode.ConfigurationTarget.Global);
}

describe('Hotpath chat in a real VS Code', () => {
  const source = () => vscode.Uri.joinPath(workspace(), 'programs', 'busy.js');
  let original: string;
  let server: ScriptedOpenAIServer | undefined;

  before(async () => {
    original = fs.readFileSync(source().fsPath, 'utf8');
    const hotpath = await vscode.extensions.getExtension<HotpathApi>('hotpath.hotpath')!.activate();
    const profileUri = vscode.Uri.joinPath(workspace(), 'profiles', 'node-cpu-prof.cpuprofile');
    const loaded = new Promise<void>((resolve) => {
      const sub = hotpath.onDidReportProfileView((r) => r.uri === profileUri.toString() && r.event === 'rendered' && (sub.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('vscode.openWith', profileUri, 'hotpath.profileView');
    await loaded;
  });

  /** Puts busy.js back as the other suites expect it, in the editor and on disk. */
  async function restoreSource(): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(source());
    if (doc.getText() !== original) {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(source(), new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original);
      await vscode.workspace.applyEdit(edit);
    }
    await doc.save();
    fs.writeFileSync(source().fsPath, original);
  }

  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await restoreSource();
  });

  after(async () => {
    await setModel('offline');
    await vscode.commands.executeCommand('hotpath.newConversation');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('asks an OpenAI-compatible model "why is this hot?", streams the answer with tool steps and a diff card, and Apply changes the file', async () => {
    server = new ScriptedOpenAIServer(SCRIPT);
    await setModel('openai', await server.start(), 'scripted-model');
    await vscode.commands.executeCommand('hotpath.newConversation');

    await vscode.commands.executeCommand('hotpath.whyIsThisHot', { file: source().fsPath, line: 9, function: 'slugify' });
    const s = await state();
    assert.equal(s.busy, false);
    assert.equal(s.model, 'openai:scripted-model');
    assert.match(s.context ?? '', /node-cpu-prof\.cpuprofile/);

    assert.equal(server.requests.length, 3, 'three model rounds');
    assert.ok(server.requests.every((r) => r.body.stream === true), 'the answer is streamed');
    const system = server.requests[0].body.messages[0].content ?? '';
    assert.match(system, /the function slugify in programs\/busy\.js:9/, 'the question carries its context');
    assert.match(system, /the active profile is node-cpu-prof\.cpuprofile/);
    const hotspots = server.requests[1].body.messages.find((m) => m.role === 'tool')?.content ?? '';
    assert.match(hotspots, /buildReport/, 'get_hotspots ran on the opened profile');

    const kinds = s.entries.map((e) => e.kind);
    assert.deepEqual(kinds, ['user', 'assistant', 'tool', 'tool', 'tool', 'card', 'assistant'], JSON.stringify(kinds));
    const tools = s.entries.filter((e) => e.kind === 'tool') as Extract<Entry, { kind: 'tool' }>[];
    assert.deepEqual(tools.map((t) => [t.label, t.status]), [
      ['Reading hot functions of the profile…', 'ok'],
      ['Reading programs/busy.js:9…', 'ok'],
      ['Proposing an edit to programs/busy.js…', 'ok'],
    ]);
    const answer = s.entries[s.entries.length - 1];
    assert.equal(answer.kind === 'assistant' && answer.markdown, ANSWER);
    assert.equal(answer.kind === 'assistant' && answer.streaming, false);

    const [card] = cards(s);
    assert.equal(card.card.status, 'proposed');
    assert.equal(card.card.file, 'programs/busy.js');
    assert.equal(card.card.startLine, 11);
    assert.match(card.card.diff, /^-  const re = new RegExp/m);
    assert.equal(fs.readFileSync(source().fsPath, 'utf8'), original, 'nothing is written before the click');

    await vscode.commands.executeCommand('hotpath.chat.dispatch', { type: 'card', id: card.id, action: 'apply' });
    const after = fs.readFileSync(source().fsPath, 'utf8');
    assert.ok(after.includes(NEW) && !after.includes(OLD), 'the file on disk has the edit');
    assert.equal(cards(await state())[0].card.status, 'applied');

    // A second click cannot apply twice.
    await vscode.commands.executeCommand('hotpath.chat.dispatch', { type: 'card', id: card.id, action: 'apply' });
    assert.equal(fs.readFileSync(source().fsPath, 'utf8'), after);

    // Undoable: the edit is one step in the document's undo stack.
    const editor = await vscode.window.showTextDocument(source());
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('explains a model failure (429) and falls back to the offline answer; a card whose file changed turns stale and is not applied', async () => {
    server = new ScriptedOpenAIServer(() => ({ status: 429, body: { error: { message: 'slow down' } } }));
    await setModel('openai', await server.start(), 'scripted-model');
    await vscode.commands.executeCommand('hotpath.newConversation');

    await vscode.commands.executeCommand('hotpath.whyIsThisHot', { file: source().fsPath, line: 11 });
    const s = await state();
    const notice = s.entries.find((e) => e.kind === 'notice');
    assert.ok(notice && notice.kind === 'notice' && notice.level === 'error', JSON.stringify(s.entries.map((e) => e.kind)));
    assert.match(notice.text, /rate-limiting requests \(429\).*Answering offline instead/);
    const answer = s.entries.find((e) => e.kind === 'assistant');
    assert.ok(answer && answer.kind === 'assistant');
    assert.match(answer.markdown, /## Why is `slugify` hot\?/);
    assert.match(answer.markdown, /skill `js-regex-in-hot-path`/);
    assert.match(answer.markdown, /The diff is in the card below/);
    assert.doesNotMatch(answer.markdown, /```diff/, 'the diff shows once, in its card');
    const [card] = cards(s);
    assert.ok(card, 'the engine’s mechanical edit is a card');
    assert.equal(card.card.status, 'proposed');

    const edit = new vscode.WorkspaceEdit();
    edit.insert(source(), new vscode.Position(0, 0), '// changed by the user\n');
    await vscode.workspace.applyEdit(edit);
    const end = Date.now() + 5000;
    while (cards(await state())[0].card.status !== 'stale' && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const stale = cards(await state())[0];
    assert.equal(stale.card.status, 'stale');
    assert.match(stale.card.note ?? '', /changed since this edit was proposed/);

    const before = (await vscode.workspace.openTextDocument(source())).getText();
    await vscode.commands.executeCommand('hotpath.chat.dispatch', { type: 'card', id: card.id, action: 'apply' });
    assert.equal((await vscode.workspace.openTextDocument(source())).getText(), before, 'a stale edit is never applied');

    // Then the card's buttons, clicked in the chat webview. Regenerate: a new proposal against the changed file.
    await setModel('offline');
    await vscode.commands.executeCommand('hotpath.openChat');
    await driver.click(`section.card[data-card="${card.id}"] button[data-action="regenerate"]`);
    const fresh = await until('a regenerated card', async () => cards(await state()).find((c) => c.id !== card.id && c.card.status === 'proposed'), state);
    assert.equal(cards(await state()).find((c) => c.id === card.id)?.card.status, 'discarded');
    assert.equal(fresh.card.startLine, card.card.startLine + 1, 'proposed against the file with the line the user added');
    // Open diff: VS Code's diff editor, the file as it is on the left, as it would be on the right.
    await driver.click(`section.card[data-card="${fresh.id}"] button[data-action="openDiff"]`);
    const diffTab = await until('the diff editor', async () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff), state);
    const input = diffTab.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), before);
    assert.match((await vscode.workspace.openTextDocument(input.modified)).getText(), /const SLUGIFY_PATTERN = /);
    await vscode.window.tabGroups.close(diffTab);
    // Discard: the card says so and the file is as it was.
    await vscode.commands.executeCommand('hotpath.openChat');
    await driver.click(`section.card[data-card="${fresh.id}"] button[data-action="discard"]`);
    await until('the card to be discarded', async () => (cards(await state()).find((c) => c.id === fresh.id)?.card.status === 'discarded' ? true : undefined), state);
    assert.equal(await driver.text(`section.card[data-card="${fresh.id}"] .status`), 'Discarded');
    assert.equal((await vscode.workspace.openTextDocument(source())).getText(), before, 'Discard writes nothing');
  });

  it('with hotpath.model = vscode and no language model in this host (no Copilot), says so and answers offline', async () => {
    await setModel('vscode');
    await vscode.commands.executeCommand('hotpath.newConversation');
    await vscode.commands.executeCommand('hotpath.whyIsThisHot', { file: source().fsPath, line: 11 });
    const s = await state();
    const notice = s.entries.find((e) => e.kind === 'notice');
    assert.ok(notice && notice.kind === 'notice' && notice.level === 'error', JSON.stringify(s.entries.map((e) => e.kind)));
    assert.match(notice.text, /The configured model cannot be used: no VS Code language model is available \(is GitHub Copilot installed and signed in\?\)\. Answering offline instead\./);
    const answer = s.entries.find((e) => e.kind === 'assistant');
    assert.ok(answer && answer.kind === 'assistant');
    assert.match(answer.markdown, /## Why is `slugify` hot\?/);
    assert.equal(cards(s)[0]?.card.status, 'proposed');
    await setModel('offline');
  });

  it('"Apply and verify" applies the edit, benchmarks before/after in git worktrees and posts the verdict with its interval', async function () {
    // The benchmark only parses the program (fast), enough to exercise worktrees, patch and statistics.
    this.timeout(120000);
    const root = workspace().fsPath;
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Hotpath Test', '-c', 'user.email=test@hotpath.invalid', ...args], { cwd: root, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
    try {
      await setModel('offline');
      await vscode.workspace.getConfiguration('hotpath').update('benchmark.command', 'node --check programs/busy.js', vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('hotpath.newConversation');
      await vscode.commands.executeCommand('hotpath.whyIsThisHot', { file: source().fsPath, line: 11 });
      const [card] = cards(await state());
      assert.equal(card?.card.status, 'proposed');

      await vscode.commands.executeCommand('hotpath.chat.dispatch', { type: 'card', id: card.id, action: 'applyVerify' });
      const s = await state();
      const done = cards(s)[0];
      assert.equal(done.card.status, 'verified', done.card.note);
      assert.match(done.card.note ?? '', /\*\*Verdict: (faster|slower|no significant change)\*\*/);
      assert.match(done.card.note ?? '', /95% CI [+-]\d+\.\d% … [+-]\d+\.\d%/);
      const notice = s.entries.filter((e) => e.kind === 'notice').pop();
      assert.match(notice?.kind === 'notice' ? notice.text : '', /^Verified programs\/busy\.js: (faster|slower|no significant change) — median/);
      assert.ok(fs.readFileSync(source().fsPath, 'utf8').includes('const re = SLUGIFY_PATTERN;'), 'the edit is saved after the measurement');
      assert.equal(execFileSync('git', ['worktree', 'list'], { cwd: root }).toString().trim().split('\n').length, 1, 'the worktrees are gone');
    } finally {
      await vscode.workspace.getConfiguration('hotpath').update('benchmark.command', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    }
  });
});
