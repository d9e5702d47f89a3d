import * as assert from 'node:assert/strict';
import { parseTarget, routeChatRequest, splitLinks } from '../../../src/extension/participant/routing';
import type { RegressionsState } from '../../../src/extension/regressions/regressions';
import { investigateReply, NOT_CONFIGURED, regressionsReply } from '../../../src/extension/participant/service';

describe('@hotpath participant: command routing', () => {
  it('routes each slash command, and a request without one to "why"', () => {
    assert.deepEqual(routeChatRequest('why', 'markVipOrders'), { kind: 'why', question: 'markVipOrders', target: { function: 'markVipOrders' } });
    assert.deepEqual(routeChatRequest(undefined, ''), { kind: 'why', question: 'Why is this profile hot?', target: {} });
    assert.deepEqual(routeChatRequest('optimize', ''), { kind: 'optimize', question: 'How do I make the hottest code faster?', target: {} });
    assert.deepEqual(routeChatRequest('regressions', 'anything'), { kind: 'regressions' });
    assert.deepEqual(routeChatRequest('investigate', '#42 please'), { kind: 'investigate', regression: 42, question: '#42 please' });
    assert.deepEqual(routeChatRequest('investigate', ''), { kind: 'investigate', regression: undefined, question: '' });
    assert.equal(routeChatRequest('unknown-command', 'x').kind, 'why');
  });

  it('finds the function or the 1-based file:line a question names', () => {
    assert.deepEqual(parseTarget('why is src/report.js:13 hot?'), { at: { file: 'src/report.js', line: 13 } });
    assert.deepEqual(parseTarget('look at ./lib/a.ts:7'), { at: { file: 'lib/a.ts', line: 7 } });
    assert.deepEqual(parseTarget('is `Parser.parse()` the problem here'), { function: 'Parser.parse' });
    assert.deepEqual(parseTarget('why is buildReport so slow?'), { function: 'buildReport' });
    assert.deepEqual(parseTarget('optimize markVipOrders'), { function: 'markVipOrders' });
    assert.deepEqual(parseTarget('why is this hot?'), {});
    assert.deepEqual(parseTarget('what takes the most time in the nightly export'), {});
    assert.deepEqual(parseTarget('file.js:0'), {}, 'line 0 is not a 1-based line');
  });
});

describe('@hotpath participant: markdown anchors', () => {
  it('splits the engine’s file:line links into anchors and keeps the text between them', () => {
    const parts = splitLinks('At [src/a.js:3](src/a.js#L3), see [b.py:10](b.py#L10).\n```diff\n-x\n```');
    assert.deepEqual(parts, [
      { kind: 'text', text: 'At ' },
      { kind: 'anchor', label: 'src/a.js:3', file: 'src/a.js', line: 3 },
      { kind: 'text', text: ', see ' },
      { kind: 'anchor', label: 'b.py:10', file: 'b.py', line: 10 },
      { kind: 'text', text: '.\n```diff\n-x\n```' },
    ]);
    assert.deepEqual(splitLinks('no links [here](https://example.com)'), [{ kind: 'text', text: 'no links [here](https://example.com)' }]);
  });
});

describe('@hotpath participant: regressions from the Regressions feature', () => {
  const state = (over: Partial<RegressionsState> = {}): RegressionsState => ({ connection: 'ready', stream: 'connected', open: [], notified: [], rendered: [], ...over });
  const open = [
    { id: 3, headline: 'parseConfig +3.1% CPU since deploy 42 (commit a1b2c3 by Ann)' },
    { id: 5, headline: 'render +12.0% CPU since deploy 43' },
  ];

  it('says nothing is configured where the feature is missing, and why when the service is not ready', () => {
    assert.equal(regressionsReply(undefined), NOT_CONFIGURED);
    assert.equal(investigateReply(undefined, 3), NOT_CONFIGURED);
    assert.match(regressionsReply(state({ connection: 'connecting' })).markdown, /still connecting/);
    const failed = investigateReply(state({ connection: 'failed' }), 3);
    assert.match(failed.markdown, /could not be reached/);
    assert.equal(failed.investigate, undefined);
    assert.deepEqual(failed.buttons.map((b) => b.command), ['hotpath.configureService']);
  });

  it('/regressions lists the open ones with an Investigate button each', () => {
    assert.match(regressionsReply(state()).markdown, /^No open regressions/);
    const reply = regressionsReply(state({ open }));
    assert.match(reply.markdown, /^2 open regressions:\n\n- \*\*#3\*\* parseConfig \+3\.1% CPU since deploy 42 \(commit a1b2c3 by Ann\)\n- \*\*#5\*\* render/);
    assert.deepEqual(reply.buttons, [
      { command: 'hotpath.investigateRegression', title: 'Investigate #3', arguments: [3] },
      { command: 'hotpath.investigateRegression', title: 'Investigate #5', arguments: [5] },
    ]);
  });

  it('/investigate opens the named regression, the only open one, or asks which', () => {
    assert.equal(investigateReply(state({ open }), 5).investigate, 5);
    assert.match(investigateReply(state({ open }), 5).markdown, /#5\*\* render/);
    assert.equal(investigateReply(state({ open: [open[0]] }), undefined).investigate, 3);
    const which = investigateReply(state({ open }), undefined);
    assert.equal(which.investigate, undefined);
    assert.match(which.markdown, /^Which one\?/);
    assert.equal(investigateReply(state(), undefined).investigate, undefined);
    // an id that is no longer open still opens (the panel shows any regression), and says so
    const closed = investigateReply(state({ open }), 9);
    assert.equal(closed.investigate, 9);
    assert.match(closed.markdown, /not among the open regressions/);
  });
});
