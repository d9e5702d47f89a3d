import * as assert from 'node:assert/strict';
import { allTools } from '../../../src/core/tools/index';
import { invocationMessage } from '../../../src/extension/lmtools/invocation';

describe('language-model tools: invocation messages', () => {
  it('says what each tool reads, with the arguments that matter', () => {
    assert.equal(invocationMessage('get_hotspots', {}, 'app.cpuprofile'), 'Reading hot functions of app.cpuprofile…');
    assert.equal(invocationMessage('get_hotspots', { profile: 'b.pprof' }, 'app.cpuprofile'), 'Reading hot functions of b.pprof…');
    assert.equal(invocationMessage('get_hotspots', {}), 'Reading hot functions…');
    assert.equal(invocationMessage('read_file', { path: 'src/report.js', startLine: 10 }), 'Reading src/report.js:10…');
    assert.equal(invocationMessage('read_file', { path: 'src/report.js' }), 'Reading src/report.js…');
    assert.equal(invocationMessage('get_call_paths', { function: 'markVipOrders' }), 'Finding the call paths to markVipOrders…');
    assert.equal(invocationMessage('git_blame', { path: 'a.js', startLine: 1, endLine: 2 }), 'Reading who changed a.js…');
  });

  it('never fails on malformed input from a model, and clips long values', () => {
    assert.equal(invocationMessage('read_file', null), 'Reading a file…');
    assert.equal(invocationMessage('search_text', { query: 42 }), 'Searching the workspace for “”…');
    const long = invocationMessage('find_symbol', { name: 'x'.repeat(200) });
    assert.ok(long.length < 100, long);
    assert.equal(invocationMessage('some_new_tool', {}), 'Running some new tool…');
  });

  it('has a specific message for every tool (no tool falls back to the generic one)', () => {
    for (const tool of allTools) assert.notEqual(invocationMessage(tool.name, {}), `Running ${tool.name.replace(/_/g, ' ')}…`, tool.name);
  });
});
