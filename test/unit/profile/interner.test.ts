import * as assert from 'node:assert/strict';
import { ByteInterner, hashBytes } from '../../../src/core/profile/text/interner';

describe('ByteInterner', () => {
  it('finds every token it was given, by bytes, across rehashes and hash collisions', () => {
    const interner = new ByteInterner();
    const enc = new TextEncoder();
    const tokens = Array.from({ length: 20_000 }, (_, i) => enc.encode(`frame${(i * 7919) % 20_000};${'x'.repeat(i % 40)}`));
    // Every fourth token is given the same hash as the one before it, so lookups must compare bytes.
    const hashOf = (i: number) => hashBytes(tokens[i - (i % 4 === 3 ? 1 : 0)], 0, tokens[i - (i % 4 === 3 ? 1 : 0)].length);
    tokens.forEach((t, i) => {
      assert.equal(interner.find(t, 0, t.length, hashOf(i)), -1, `token ${i} before it is added`);
      assert.equal(interner.add(t, 0, t.length, hashOf(i)), i);
    });
    assert.equal(interner.size, tokens.length);
    tokens.forEach((t, i) => assert.equal(interner.find(t, 0, t.length, hashOf(i)), i, `token ${i}`));
    // A token inside a larger buffer, and one that differs from a stored token only in its last byte.
    const inside = Uint8Array.from([1, 2, ...tokens[5], 3]);
    assert.equal(interner.find(inside, 2, 2 + tokens[5].length, hashOf(5)), 5);
    const near = Uint8Array.from(tokens[8]);
    near[near.length - 1] ^= 1;
    assert.equal(interner.find(near, 0, near.length, hashOf(8)), -1);
    assert.equal(interner.bytes, tokens.reduce((n, t) => n + t.length, 0));
  });
});
