import * as assert from 'node:assert/strict';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { allowedActions, freshness, startAction } from '../../../src/extension/chat/cards';
import type { CardAction, CardStatus } from '../../../webview/chat/protocol';

const FILE = "function slugify(name) {\n  const re = new RegExp('[^a-z0-9]+', 'g');\n  return name.replace(re, '-');\n}\n";
const proposal = createEditProposal(FILE, {
  file: 'src/slug.js',
  oldText: "  const re = new RegExp('[^a-z0-9]+', 'g');",
  newText: '  const re = SLUG;',
  rationale: 'hoist the regex',
  skill: 'js-regex-in-hot-path',
});

describe('chat diff cards', () => {
  it('applies only a proposal whose file is unchanged', () => {
    assert.deepEqual(startAction('proposed', 'apply', proposal, FILE), { ok: true, status: 'applying' });
    assert.deepEqual(startAction('proposed', 'applyVerify', proposal, FILE), { ok: true, status: 'verifying' });
  });

  it('turns an apply on a changed file into "stale" with the reason, and offers only regenerate/discard', () => {
    const changed = FILE.replace('return', '// edited by the user\n  return');
    const r = startAction('proposed', 'apply', proposal, changed);
    assert.equal(r.ok, false);
    assert.equal(r.status, 'stale');
    assert.match((r as { reason: string }).reason, /src\/slug\.js changed since this edit was proposed/);
    assert.deepEqual([...allowedActions('stale')].sort(), ['discard', 'regenerate']);
    assert.equal(startAction('stale', 'apply', proposal, FILE).ok, false, 'a stale card never applies, even if the text came back');
  });

  it('says so when the file is gone', () => {
    const f = freshness(proposal, undefined);
    assert.equal(f.fresh, false);
    assert.match((f as { reason: string }).reason, /no longer exists/);
  });

  it('never applies twice, nor after discard, nor while verifying', () => {
    const refused: [CardStatus, CardAction][] = [
      ['applying', 'apply'],
      ['applied', 'apply'],
      ['applied', 'applyVerify'],
      ['verifying', 'apply'],
      ['verified', 'apply'],
      ['discarded', 'apply'],
      ['discarded', 'openDiff'],
      ['proposed', 'regenerate'],
    ];
    for (const [status, action] of refused) {
      const r = startAction(status, action, proposal, FILE);
      assert.equal(r.ok, false, `${action} on ${status}`);
      assert.equal(r.status, status, `${action} on ${status} keeps the status`);
    }
  });

  it('discard and open diff need no fresh file', () => {
    assert.deepEqual(startAction('proposed', 'discard', proposal, undefined), { ok: true, status: 'discarded' });
    assert.deepEqual(startAction('proposed', 'openDiff', proposal, FILE), { ok: true, status: 'proposed' });
  });
});
