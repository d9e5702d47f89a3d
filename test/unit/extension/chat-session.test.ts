import * as assert from 'node:assert/strict';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { ChatSession, toolLabel, typedFunction } from '../../../src/extension/chat/session';
import { chatStateSchema } from '../../../webview/chat/protocol';

const proposal = createEditProposal('a\nb\nc\n', { file: 'x.js', oldText: 'b', newText: 'B', rationale: 'why' });

describe('chat session', () => {
  it('records a turn with a streamed answer, tool rows and a card, in a valid state', () => {
    const s = new ChatSession();
    s.addUser('why is this hot?');
    const first = s.startAnswer();
    s.dropIfEmpty(first);
    const tool = s.addTool('call_1', 'get_hotspots', '{"profile":"app.cpuprofile"}', toolLabel('get_hotspots', '{"profile":"app.cpuprofile"}'));
    s.endTool(tool, true, 'buildReport 39.8%');
    const answer = s.startAnswer();
    s.appendAnswer(answer, 'It is ');
    s.appendAnswer(answer, '`buildReport`.');
    s.setAnswer(answer, 'It is `buildReport`.', false);
    const card = s.addCard(proposal);
    s.remember('why is this hot?', 'It is `buildReport`.');
    const state = s.state(false, 'offline', 'Profile: app.cpuprofile');
    assert.ok(chatStateSchema.safeParse(state).success);
    assert.deepEqual(state.entries.map((e) => e.kind), ['user', 'tool', 'assistant', 'card']);
    assert.equal(state.entries[1].kind === 'tool' && state.entries[1].label, 'Reading hot functions of app.cpuprofile…');
    assert.equal(s.card(card)?.proposal, proposal);
    assert.deepEqual(s.history.map((m) => m.role), ['user', 'assistant']);
  });

  it('survives a save/restore (workspaceState), ending actions a reload interrupted', () => {
    const s = new ChatSession();
    s.addUser('q');
    const a = s.startAnswer();
    s.appendAnswer(a, 'partial');
    const t = s.addTool('c', 'read_file', '{"path":"x.js"}', 'Reading x.js…');
    const c1 = s.addCard(proposal);
    const c2 = s.addCard(proposal);
    s.setCard(c1, 'verifying');
    s.remember('q', 'partial');
    const restored = new ChatSession(JSON.parse(JSON.stringify(s.save())));
    const byId = new Map(restored.entries.map((e) => [e.id, e]));
    assert.equal(restored.card(c1)?.status, 'failed');
    assert.equal(restored.card(c2)?.status, 'proposed');
    assert.deepEqual(restored.card(c2)?.proposal, JSON.parse(JSON.stringify(proposal)));
    assert.equal((byId.get(a) as { streaming: boolean }).streaming, false);
    assert.equal((byId.get(t) as { status: string }).status, 'failed');
    assert.equal(restored.history.length, 2);
    // New ids never collide with restored ones.
    assert.ok(!byId.has(restored.addCard(proposal)));
  });

  it('ignores saved data it does not understand', () => {
    assert.equal(new ChatSession({ version: 99, entries: 'x' }).entries.length, 0);
    assert.equal(new ChatSession(undefined).entries.length, 0);
  });

  it('new conversation forgets entries, history and proposals', () => {
    const s = new ChatSession();
    const c = s.addCard(proposal);
    s.remember('q', 'a');
    s.clear();
    assert.deepEqual([s.entries.length, s.history.length, s.card(c)], [0, 0, undefined]);
  });

  it('labels tool steps by what they read, and survives malformed arguments', () => {
    assert.equal(toolLabel('read_file', '{"path":"src/a.ts","startLine":10}'), 'Reading src/a.ts:10…');
    assert.equal(toolLabel('get_call_paths', '{"function":"parseConfig"}'), 'Tracing call paths to parseConfig…');
    assert.equal(toolLabel('get_hotspots', '{not json'), 'Reading hot functions of the profile…');
    assert.equal(toolLabel('mystery_tool', '{}'), 'Calling mystery_tool…');
  });

  it('finds the function a typed question names, not pronouns', () => {
    assert.equal(typedFunction('Why is parseConfig hot?'), 'parseConfig');
    assert.equal(typedFunction('why is `Parser.parse` so slow'), 'Parser.parse');
    assert.equal(typedFunction('why is this hot?'), undefined);
    assert.equal(typedFunction('how do I speed this up?'), undefined);
  });
});
