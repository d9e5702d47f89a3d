import * as assert from 'node:assert/strict';
import { formatShare, formatWeight } from '../../../webview/flamegraph/format';

describe('weight formatting', () => {
  it('scales time units', () => {
    assert.equal(formatWeight(1500, 'microseconds'), '1.50 ms');
    assert.equal(formatWeight(2.5e9, 'nanoseconds'), '2.50 s');
    assert.equal(formatWeight(125, 'milliseconds'), '125 ms');
    assert.equal(formatWeight(12, 'nanoseconds'), '12.0 ns');
    assert.equal(formatWeight(0, 'microseconds'), '0 ms');
  });

  it('scales bytes and prints counts', () => {
    assert.equal(formatWeight(512, 'bytes'), '512 B');
    assert.equal(formatWeight(3 * 1024 * 1024, 'bytes'), '3.00 MiB');
    assert.equal(formatWeight(12345, 'samples'), '12,345 samples');
    assert.equal(formatWeight(7, 'count'), '7');
  });

  it('prints shares', () => {
    assert.equal(formatShare(1, 8), '12.5%');
    assert.equal(formatShare(1, 300), '0.33%');
    assert.equal(formatShare(0, 10), '0.0%');
    assert.equal(formatShare(5, 0), '0%');
  });
});
