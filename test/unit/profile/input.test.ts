import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ProfileImportError } from '../../../src/core/profile/errors';
import { inputFromBytes, inputFromFile } from '../../../src/core/profile/input';

describe('ProfileInput', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-input-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const text = 'main;f;g 3\n'.repeat(20000);

  it('removes gzip transparently from files and bytes', async () => {
    const file = path.join(dir, 'x.gz');
    fs.writeFileSync(file, zlib.gzipSync(text));
    const input = await inputFromFile(file);
    assert.equal(input.gzipped, true);
    assert.equal(Buffer.from(input.head).toString('utf8'), text.slice(0, 64 * 1024));
    assert.equal(await input.text('collapsed'), text);
    const fromBytes = inputFromBytes(zlib.gzipSync(text), 'x.gz');
    assert.equal(await fromBytes.text('collapsed'), text);
  });

  it('streams chunks without a size limit but refuses whole reads beyond it', async () => {
    const file = path.join(dir, 'big.txt');
    fs.writeFileSync(file, text);
    const input = await inputFromFile(file, { maxBytes: 1000 });
    let streamed = 0;
    for await (const c of input.chunks('collapsed')) streamed += c.length;
    assert.equal(streamed, text.length);
    await assert.rejects(input.bytes('pprof'), (e: unknown) => e instanceof ProfileImportError && /limit/.test(e.message) && e.format === 'pprof');
  });

  it('hands out recycled chunks in order, each valid while the next ones are read ahead', async () => {
    // 3.5 MiB of numbered lines: four chunks, so the ring of buffers wraps.
    const file = path.join(dir, 'ring.txt');
    const body = Array.from({ length: 200_000 }, (_, i) => `line ${i}`.padEnd(17, '.')).join('\n');
    fs.writeFileSync(file, body);
    const input = await inputFromFile(file);
    const held: { chunk: Uint8Array; copy: Buffer }[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of input.recycledChunks('collapsed', 2)) {
      held.push({ chunk, copy: Buffer.from(chunk) });
      parts.push(Buffer.from(chunk));
      // The chunk before this one (the caller asked for 2) still holds its bytes.
      for (const h of held.slice(-2)) assert.ok(Buffer.from(h.chunk).equals(h.copy), 'a held chunk was overwritten');
    }
    assert.ok(held.length >= 4);
    assert.equal(Buffer.concat(parts).toString('utf8'), body);
    // Stopping early (a handler throwing) waits for the read ahead and closes the file.
    const early = await inputFromFile(file);
    await assert.rejects(
      (async () => {
        for await (const _ of early.recycledChunks('collapsed', 2)) throw new Error('stop');
      })(),
      /stop/,
    );
  });

  it('names a corrupt gzip stream', async () => {
    const gz = zlib.gzipSync(text);
    const bad = Buffer.from(gz);
    for (let i = 20; i < 60; i++) bad[i] ^= 0xff;
    const file = path.join(dir, 'bad.gz');
    fs.writeFileSync(file, bad);
    await assert.rejects(
      (async () => {
        const input = await inputFromFile(file);
        await input.bytes('collapsed');
      })(),
      (e: unknown) => e instanceof ProfileImportError && /gzip/.test(e.message) && e.file === file,
    );
    assert.throws(() => inputFromBytes(bad, 'bad.gz'), (e: unknown) => e instanceof ProfileImportError && /gzip/.test(e.message));
  });

  it('refuses a gzip bomb held in memory beyond the limit', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    assert.throws(() => inputFromBytes(bomb, 'bomb.gz', { maxBytes: 1024 * 1024 }), (e: unknown) => e instanceof ProfileImportError);
  });

  it('reports a directory as such', async () => {
    await assert.rejects(inputFromFile(dir), (e: unknown) => e instanceof ProfileImportError && /is a directory/.test(e.message));
  });

  it('reports a missing file as such', async () => {
    await assert.rejects(inputFromFile(path.join(dir, 'nope')), (e: unknown) => e instanceof ProfileImportError && e.message === 'file not found');
  });
});
