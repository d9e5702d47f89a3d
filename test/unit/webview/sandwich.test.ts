import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { sandwichModel, type SandwichRow } from '../../../webview/flamegraph/sandwich';
import { parseToWebview, type WireProfile } from '../../../webview/protocol';

/** The profile as the webview receives it: through the protocol, without the line maps. */
function wire(b: ProfileBuilder): WireProfile {
  const p = b.build();
  const parsed = parseToWebview({
    type: 'profile/load',
    source: 's',
    format: 'f',
    profiles: [{ ...p, lineSelf: undefined, lineTotal: undefined }],
    activeIndex: 0,
  });
  assert.ok(parsed.ok && parsed.message.type === 'profile/load');
  return parsed.message.profiles[0];
}

const names = (rows: SandwichRow[]) => rows.map((r) => `${r.name} ${r.weight} ${(r.ofFunction * 100).toFixed(1)}% ${(r.ofProfile * 100).toFixed(1)}%`);

describe('sandwich (callers/callees) view model', () => {
  const b = new ProfileBuilder('cpu', 'samples');
  const main = b.frame({ name: 'main', file: 'app.js', line: 1 });
  const render = b.frame({ name: 'render', file: 'app.js', line: 10 });
  const load = b.frame({ name: 'load', file: 'app.js', line: 20 });
  const parse = b.frame({ name: 'parse', file: 'parse.js', line: 3 });
  // a second frame of parse (another line of the same function, as pprof reports)
  const parseLine = b.frame({ name: 'parse', file: 'parse.js', line: 9 });
  const lex = b.frame({ name: 'lex', file: 'parse.js', line: 40 });
  b.appendSample([main, render, parse, lex], 3);
  b.appendSample([main, load, parseLine], 5);
  b.appendSample([main, load, parse, parse, lex], 2); // recursion: counted once per stack
  b.appendSample([parse], 1); // called from the root
  b.appendSample([main], 9);
  const p = wire(b);

  it('lists callers and callees of the selected function with their weights and shares', () => {
    const m = sandwichModel(p, parse);
    assert.equal(m.name, 'parse');
    assert.equal(m.total, 11);
    assert.equal(m.self, 6);
    // the recursive call shows parse as its own caller and callee, its stack counted once
    assert.deepEqual(names(m.callers), ['load 7 63.6% 35.0%', 'render 3 27.3% 15.0%', 'parse 2 18.2% 10.0%', '(root) 1 9.1% 5.0%']);
    assert.deepEqual(names(m.callees), ['lex 5 45.5% 25.0%', 'parse 2 18.2% 10.0%']);
  });

  it('treats every frame of a function as the function, whichever frame was clicked', () => {
    assert.deepEqual(sandwichModel(p, parseLine).callers, sandwichModel(p, parse).callers);
  });

  it('gives each neighbour a frame to navigate to, and none for the root', () => {
    const m = sandwichModel(p, parse);
    assert.deepEqual(m.callers.map((r) => r.frame), [load, render, parse, -1]);
    const leaf = sandwichModel(p, lex);
    assert.deepEqual(leaf.callees, []);
    assert.deepEqual(names(leaf.callers), ['parse 5 100.0% 25.0%']);
    const root = sandwichModel(p, main);
    assert.deepEqual(names(root.callers), ['(root) 19 100.0% 95.0%']);
    assert.deepEqual(names(root.callees), ['load 7 36.8% 35.0%', 'render 3 15.8% 15.0%']);
  });
});
