import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { parseToHost, parseToWebview } from '../../../webview/protocol';

function profile() {
  const b = new ProfileBuilder('Main thread', 'microseconds', { timeline: true });
  const f = b.frame({ name: 'main', file: 'a.js', line: 1 });
  b.appendSample([f], 10, undefined, 0);
  return b.build();
}

describe('webview message protocol', () => {
  it('accepts a profile with typed arrays', () => {
    const parsed = parseToWebview({ type: 'profile/load', source: 'a.cpuprofile', format: 'cpuprofile', profiles: [profile()], activeIndex: 0 });
    assert.ok(parsed.ok);
    assert.ok(parsed.message.type === 'profile/load' && parsed.message.profiles[0].nodeTotal instanceof Float64Array);
  });

  it('turns plain number arrays (a JSON round trip) back into typed arrays', () => {
    const p = profile();
    const json = JSON.parse(JSON.stringify({ ...p, nodeFrame: [...p.nodeFrame], nodeParent: [...p.nodeParent], nodeSelf: [...p.nodeSelf], nodeTotal: [...p.nodeTotal], timeline: undefined }));
    const parsed = parseToWebview({ type: 'profile/load', source: 's', format: 'f', profiles: [json], activeIndex: 0 });
    assert.ok(parsed.ok && parsed.message.type === 'profile/load');
    assert.ok(parsed.message.profiles[0].nodeFrame instanceof Int32Array);
    assert.deepEqual(Array.from(parsed.message.profiles[0].nodeTotal), [10, 10]);
  });

  it('rejects profiles whose arrays disagree with nodeCount', () => {
    const parsed = parseToWebview({ type: 'profile/load', source: 's', format: 'f', profiles: [{ ...profile(), nodeCount: 5 }], activeIndex: 0 });
    assert.ok(!parsed.ok);
    assert.match(parsed.error, /malformed "profile\/load" message: profiles\.0: node arrays must all have nodeCount entries/);
  });

  it('names unknown and malformed host-bound messages', () => {
    assert.deepEqual(parseToHost({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
    assert.deepEqual(parseToHost({ type: 'toString' }), { ok: false, error: 'unknown message type "toString"' });
    assert.deepEqual(parseToHost('ready'), { ok: false, error: 'message has no string "type"' });
    const bad = parseToHost({ type: 'source/reveal', profile: 0, frame: -1 });
    assert.ok(!bad.ok && /malformed "source\/reveal" message: frame: /.test(bad.error));
    const rendered = parseToHost({ type: 'rendered', profile: 0, rectangles: 12, ms: 3.5 });
    assert.ok(rendered.ok);
    assert.deepEqual(parseToHost({ type: 'frame/why', profile: 0, frame: 3 }), { ok: true, message: { type: 'frame/why', profile: 0, frame: 3 } });
    const why = parseToHost({ type: 'frame/why', profile: 0, frame: 'slugify' });
    assert.ok(!why.ok && /malformed "frame\/why" message: frame: /.test(why.error));
  });
});
