import * as assert from 'node:assert/strict';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { fixForwardContext } from '../../../src/extension/pr/context';
import type { Investigation } from '../../../webview/investigation/protocol';

const investigation: Investigation = {
  id: 7,
  headline: 'parseConfig +3.1% CPU since deploy 42',
  status: 'open',
  service: 'orders',
  type: 'cpu',
  function: { name: 'parseConfig', file: 'config.js', line: 1 },
  points: [],
  changePoint: { index: 0, time: 0, before: 0.01, after: 0.04, ci95: [0.02, 0.04], pValue: 0.0001 },
  markers: [],
  suspects: [
    { sha: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', subject: 'Parse the config line by line', author: 'Ada Lovelace', score: 0.9, evidence: [] },
    { sha: 'f'.repeat(40), subject: 'Docs', score: 0.1, evidence: [] },
  ],
};
const edit = createEditProposal('const re = new RegExp(x);\n', { file: 'config.js', oldText: 'new RegExp(x)', newText: 'cached(x)', rationale: 'Compile the pattern once.', skill: 'js-regexp-in-loop' });

describe('fix-forward pull request context', () => {
  it('carries the regression, the top suspect and the regressed function', () => {
    const c = fixForwardContext(edit, investigation, 'https://hotpath.example.com/');
    assert.deepEqual(c, {
      rationale: 'Compile the pattern once.',
      skill: 'js-regexp-in-loop',
      evidence: [{ function: 'parseConfig', file: 'config.js', line: 1 }],
      regression: {
        summary: 'parseConfig +3.1% CPU since deploy 42',
        url: 'https://hotpath.example.com/api/v1/regressions/7',
        suspect: { hash: 'a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2', subject: 'Parse the config line by line', author: 'Ada Lovelace' },
      },
    });
  });

  it('links no private loopback service and copes with no suspects', () => {
    for (const url of ['http://127.0.0.1:4318', 'http://localhost:4318/', 'http://[::1]:9']) assert.equal(fixForwardContext(edit, investigation, url).regression?.url, undefined, url);
    assert.equal(fixForwardContext(edit, { ...investigation, suspects: [] }, 'http://127.0.0.1:1').regression?.suspect, undefined);
  });
});
