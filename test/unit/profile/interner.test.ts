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

  it('matches a guessed token in place: whole bytes, then the end or a separator', () => {
    const interner = new ByteInterner();
    const enc = new TextEncoder();
    // Lengths around the four-byte steps of the compare; reserve() moves the arena midway.
    const words = ['a', 'abc', 'abcd', 'abcde', 'abcdefgh', 'abcdefghi', 'ünïcødé'];
    words.slice(0, 3).forEach((w) => interner.add(enc.encode(w), 0, enc.encode(w).length, 0));
    interner.reserve(1000, 1 << 20);
    words.slice(3).forEach((w) => interner.add(enc.encode(w), 0, enc.encode(w).length, 0));
    const line = Buffer.from('abcdefghi;abcd;abcde;ünïcødé;abcx');
    const view = new DataView(line.buffer, line.byteOffset, line.length);
    const at = (text: string) => line.indexOf(text); // a byte offset
    const id = (w: string) => words.indexOf(w);
    assert.equal(interner.matchAt(id('abcdefghi'), view, 0, line.length, 59), 9);
    assert.equal(interner.matchAt(id('abcdefgh'), view, 0, line.length, 59), -1, 'a prefix of the token there');
    assert.equal(interner.matchAt(id('abcd'), view, at('abcd;'), line.length, 59), at('abcd;') + 4);
    assert.equal(interner.matchAt(id('abcde'), view, at('abcd;'), line.length, 59), -1, 'longer than the token there');
    assert.equal(interner.matchAt(id('ünïcødé'), view, at('ünïcødé'), line.length, 59), at('ünïcødé') + enc.encode('ünïcødé').length);
    assert.equal(interner.matchAt(id('abcd'), view, at('abcx'), line.length, 59), -1, 'differs in its last byte');
    assert.equal(interner.matchAt(id('abc'), view, at('abcx'), at('abcx') + 3, 59), at('abcx') + 3, 'ends where the range ends');
    assert.equal(interner.matchAt(id('abcd'), view, at('abcx'), at('abcx') + 3, 59), -1, 'runs past the range');
  });

  it('decodes tokens as UTF-8 from a reserved table, and forgets them all on clear()', () => {
    const interner = new ByteInterner();
    const enc = new TextEncoder();
    // Reserved for 64 tokens; 3000 make the table and the arena grow past what was reserved.
    interner.reserve(64, 256);
    const words = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `ünïcødé ${i}` : `fn${i};`.repeat(1 + (i % 5))));
    words.forEach((w, i) => assert.equal(interner.add(enc.encode(w), 0, enc.encode(w).length, hashBytes(enc.encode(w), 0, enc.encode(w).length)), i));
    words.forEach((w, i) => {
      assert.equal(interner.text(i), w);
      assert.equal(interner.find(enc.encode(w), 0, enc.encode(w).length, hashBytes(enc.encode(w), 0, enc.encode(w).length)), i);
    });
    // Bytes that are not UTF-8 decode as toString does: one U+FFFD per bad sequence.
    const bad = Uint8Array.from([0x66, 0xff, 0x6e, 0xe2, 0x82, 0x28, 0xc3]);
    const badId = interner.add(bad, 0, bad.length, hashBytes(bad, 0, bad.length));
    assert.equal(interner.text(badId), Buffer.from(bad).toString('utf8'));
    assert.equal(interner.text(badId), 'f\ufffdn\ufffd(\ufffd');
    interner.clear();
    assert.equal(interner.size, 0);
    assert.equal(interner.bytes, 0);
    const again = enc.encode(words[1]);
    assert.equal(interner.find(again, 0, again.length, hashBytes(again, 0, again.length)), -1);
    assert.equal(interner.add(again, 0, again.length, hashBytes(again, 0, again.length)), 0);
    assert.equal(interner.text(0), words[1]);
  });

  it('keeps its table and bytes in a scratch buffer, and moves the bytes out when they outgrow it', () => {
    const enc = new TextEncoder();
    const words = Array.from({ length: 5000 }, (_, i) => `scratch.fn${i}${i % 9 === 0 ? ' ünïcødé' : ''}`);
    const hash = (b: Uint8Array) => hashBytes(b, 0, b.length);
    // Room for the 8192-slot table (64 KiB) and 32 KiB of bytes: the words need about 80 KiB.
    const scratch = new ArrayBuffer(8192 * 8 + 32 * 1024);
    const interner = new ByteInterner();
    interner.reserve(5000, 48 * 1024, scratch);
    const seen = new Uint8Array(scratch);
    words.forEach((w, i) => {
      const b = enc.encode(w);
      assert.equal(interner.add(b, 0, b.length, hash(b)), i);
      if (i === 100) {
        // The table and the first bytes are in the scratch buffer.
        assert.ok(seen.subarray(0, 8192 * 8).some((x) => x !== 0), 'table in scratch');
        assert.ok(Buffer.from(scratch, 8192 * 8).includes(Buffer.from(words[100])), 'bytes in scratch');
      }
    });
    words.forEach((w, i) => {
      const b = enc.encode(w);
      assert.equal(interner.find(b, 0, b.length, hash(b)), i, w);
      assert.equal(interner.text(i), w);
    });
    // The bytes outgrew the scratch buffer and moved: overwriting its part there changes nothing.
    seen.subarray(8192 * 8).fill(0x41);
    words.forEach((w, i) => assert.equal(interner.text(i), w));
    // A scratch buffer too small for the table is not used.
    const small = new ArrayBuffer(1024);
    const other = new ByteInterner();
    other.reserve(5000, 1024, small);
    words.slice(0, 50).forEach((w, i) => other.add(enc.encode(w), 0, enc.encode(w).length, hash(enc.encode(w))) === i || assert.fail(w));
    assert.ok(new Uint8Array(small).every((x) => x === 0), 'small scratch untouched');
  });
});
