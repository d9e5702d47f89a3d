import * as assert from 'node:assert/strict';
import { parseToChatHost, parseToChatWebview } from '../../../webview/chat/protocol';

describe('chat message protocol', () => {
  it('accepts the messages the webview sends', () => {
    for (const m of [
      { type: 'ready' },
      { type: 'ask', text: 'why is this hot?' },
      { type: 'cancel' },
      { type: 'newConversation' },
      { type: 'openLocation', file: 'programs/busy.js', line: 15 },
      { type: 'openLocation', file: 'README.md' },
      { type: 'openExternal', url: 'https://example.com' },
      { type: 'card', id: 'c1', action: 'applyVerify' },
    ]) {
      const r = parseToChatHost(m);
      assert.ok(r.ok, `${JSON.stringify(m)}: ${!r.ok && r.error}`);
    }
  });

  it('rejects malformed or unknown messages with a one-line reason', () => {
    const cases: [unknown, RegExp][] = [
      [null, /no string "type"/],
      [{ type: 'toString' }, /unknown message type "toString"/],
      [{ type: 'ask', text: '   ' }, /malformed "ask" message: text/],
      [{ type: 'openLocation', file: 'a.js', line: 0 }, /malformed "openLocation" message: line/],
      [{ type: 'openExternal', url: 'javascript:alert(1)' }, /expected an http\(s\) URL/],
      [{ type: 'card', id: 'c1', action: 'rm -rf' }, /malformed "card" message: action/],
    ];
    for (const [m, error] of cases) {
      const r = parseToChatHost(m);
      assert.equal(r.ok, false, JSON.stringify(m));
      assert.match((r as { error: string }).error, error);
    }
  });

  it('validates the state the host sends', () => {
    const ok = parseToChatWebview({
      type: 'state',
      state: {
        busy: false,
        model: 'offline',
        entries: [
          { kind: 'user', id: 'u1', text: 'why?' },
          { kind: 'tool', id: 't1', name: 'get_hotspots', label: 'Reading hot functions of a.cpuprofile…', arguments: '{}', status: 'ok', result: '…' },
          { kind: 'card', id: 'c1', card: { file: 'a.js', startLine: 3, diff: '--- a\n+++ b', rationale: 'r', status: 'stale', note: 'changed' } },
        ],
      },
    });
    assert.ok(ok.ok);
    const bad = parseToChatWebview({ type: 'state', state: { busy: false, model: 'offline', entries: [{ kind: 'card', id: 'c', card: { file: 'a', startLine: 1, diff: '', rationale: '', status: 'exploded' } }] } });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /entries\.0\.card\.status/);
  });
});
