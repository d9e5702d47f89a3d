import * as assert from 'node:assert/strict';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { startAction } from '../../../src/extension/chat/cards';
import { CARD_ACTIONS, parseToChatHost } from '../../../webview/chat/protocol';
import { parsePanelToHost } from '../../../webview/investigation/protocol';

describe('"Create pull request" entry points', () => {
  const text = 'const a = [];\n';
  const proposal = createEditProposal(text, { file: 'a.js', oldText: '[]', newText: 'new Set()', rationale: 'r' });

  it('is offered on a verified chat card only, and the message validates', () => {
    for (const [status, actions] of Object.entries(CARD_ACTIONS)) assert.equal(actions.includes('createPullRequest'), status === 'verified', status);
    assert.deepEqual(startAction('verified', 'createPullRequest', proposal, text), { ok: true, status: 'verified' });
    assert.equal(startAction('proposed', 'createPullRequest', proposal, text).ok, false);
    assert.equal(parseToChatHost({ type: 'card', id: 'c1', action: 'createPullRequest' }).ok, true);
  });

  it('the investigation panel may ask for a fix-forward pull request', () => {
    assert.deepEqual(parsePanelToHost({ type: 'proposal/pullRequest' }), { ok: true, message: { type: 'proposal/pullRequest' } });
    assert.equal(parsePanelToHost({ type: 'proposal/pullRequest!' }).ok, false);
  });
});
