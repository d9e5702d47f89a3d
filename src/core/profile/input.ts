import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { ProfileImportError } from './errors';

/** Default limit for formats that must hold the whole file in memory (bytes, decompressed). */
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const HEAD_BYTES = 64 * 1024;

/**
 * The content of a profile, gzip removed transparently. Importers sniff `head`, then either
 * stream `chunks()` (no size limit) or read everything with `bytes()`/`text()` (limited by
 * `maxBytes`).
 */
export interface ProfileInput {
  /** File name or path used in messages; undefined for anonymous bytes. */
  readonly name: string | undefined;
  /** First bytes of the decompressed content (up to 64 KiB). */
  readonly head: Uint8Array;
  /** True when the content was gzip-compressed. */
  readonly gzipped: boolean;
  /** Size limit for whole-content reads. */
  readonly maxBytes: number;
  /**
   * Size of the content in bytes when known before reading it (an uncompressed file, bytes in
   * memory); undefined for a gzip stream. Lets a parser that needs one string read it in one go.
   */
  readonly knownSize?: number;
  /** The whole decompressed content. Throws ProfileImportError beyond `maxBytes`. */
  bytes(format: string): Promise<Uint8Array>;
  /** The whole content as UTF-8 text. Throws ProfileImportError beyond `maxBytes` or V8's string limit. */
  text(format: string): Promise<string>;
  /** The decompressed content in chunks, for streaming importers. */
  chunks(format: string): AsyncIterable<Uint8Array>;
  /**
   * Like chunks(), but an uncompressed file is read into a ring of buffers used in turn (one
   * more than `buffers`, for the chunk read ahead), so a chunk stays valid only until
   * `buffers - 1` more have been handed out. Fresh memory costs a page
   * fault per 4 KiB on first touch (on our CI machines more than the reading itself: 33 MB in
   * new 1 MiB buffers takes 175 ms, in one reused buffer 14 ms).
   */
  recycledChunks(format: string, buffers: number): AsyncIterable<Uint8Array>;
}

export interface InputOptions {
  maxBytes?: number;
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** V8's maximum string length (2^29 - 24 on 64-bit). */
export const MAX_STRING_LENGTH = (1 << 29) - 24;

abstract class BaseInput implements ProfileInput {
  abstract readonly name: string | undefined;
  abstract readonly head: Uint8Array;
  abstract readonly gzipped: boolean;
  abstract readonly maxBytes: number;
  abstract chunks(format: string): AsyncIterable<Uint8Array>;

  recycledChunks(format: string, _buffers: number): AsyncIterable<Uint8Array> {
    return this.chunks(format);
  }

  async bytes(format: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.chunks(format)) {
      total += chunk.length;
      if (total > this.maxBytes) throw this.tooLarge(format);
      parts.push(chunk);
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  async text(format: string): Promise<string> {
    const bytes = await this.bytes(format);
    this.checkStringLength(bytes.length, format);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  }

  protected checkStringLength(size: number, format: string): void {
    if (size > MAX_STRING_LENGTH) {
      throw new ProfileImportError(`file is ${formatBytes(size)}, more than one JavaScript string can hold`, this.name, format);
    }
  }

  protected tooLarge(format: string): ProfileImportError {
    return new ProfileImportError(
      `file is larger than the ${formatBytes(this.maxBytes)} limit for this format (raise it with the size-limit setting or --max-size)`,
      this.name,
      format,
    );
  }
}

class BytesInput extends BaseInput {
  readonly head: Uint8Array;
  readonly gzipped: boolean;
  private readonly content: Uint8Array;
  constructor(raw: Uint8Array, readonly name: string | undefined, readonly maxBytes: number) {
    super();
    this.gzipped = isGzip(raw);
    if (this.gzipped) {
      try {
        this.content = zlib.gunzipSync(raw, { maxOutputLength: Math.min(maxBytes + 1, 0x7fffffff) });
      } catch (e) {
        throw gzipError(e, name);
      }
    } else {
      this.content = raw;
    }
    this.head = this.content.subarray(0, HEAD_BYTES);
  }
  get knownSize(): number {
    return this.content.length;
  }
  async *chunks(): AsyncIterable<Uint8Array> {
    yield this.content;
  }
}

class FileInput extends BaseInput {
  readonly knownSize: number | undefined;
  constructor(
    readonly name: string,
    readonly head: Uint8Array,
    readonly gzipped: boolean,
    readonly maxBytes: number,
    fileSize: number,
  ) {
    super();
    this.knownSize = gzipped ? undefined : fileSize;
  }

  /**
   * An uncompressed file is read straight into one string: no chunks to concatenate and no
   * second copy to decode (on a 130 MB profile that was a third of the import).
   */
  override async text(format: string): Promise<string> {
    if (this.knownSize === undefined) return super.text(format);
    if (this.knownSize > this.maxBytes) throw this.tooLarge(format);
    this.checkStringLength(this.knownSize, format);
    // readFileSync decodes in one native pass; the promise API decodes chunk by chunk through a
    // StringDecoder, which cost a third as much again. Imports of files run in the CLI or in the
    // extension's import worker, never on a request path (the service imports uploaded bytes).
    return fs.readFileSync(this.name, 'utf8');
  }
  /** An uncompressed file is read into one buffer, not gathered in chunks and copied again (twice the file at once). */
  override async bytes(format: string): Promise<Uint8Array> {
    if (this.knownSize === undefined) return super.bytes(format);
    if (this.knownSize > this.maxBytes) throw this.tooLarge(format);
    const bytes = await fs.promises.readFile(this.name);
    // The file may have grown since it was measured.
    if (bytes.length > this.maxBytes) throw this.tooLarge(format);
    return bytes;
  }
  override async *recycledChunks(format: string, buffers: number): AsyncIterable<Uint8Array> {
    if (this.gzipped) {
      yield* this.chunks();
      return;
    }
    // One buffer more than the caller holds: the next chunk is read (on libuv's thread pool,
    // so on another core) while the caller works on this one. The first is read at once, so
    // the caller starts without waiting for the thread pool (its threads start on first use).
    const ring = Array.from({ length: Math.max(2, buffers) + 1 }, () => Buffer.allocUnsafe(1 << 20));
    const fd = fs.openSync(this.name, 'r');
    let next: Promise<number> | undefined;
    try {
      let bytesRead = fs.readSync(fd, ring[0], 0, ring[0].length, null);
      for (let i = 0; bytesRead > 0; i++) {
        const ahead = ring[(i + 1) % ring.length];
        next = readInto(fd, ahead);
        yield ring[i % ring.length].subarray(0, bytesRead);
        bytesRead = await next;
        next = undefined;
      }
    } finally {
      // The caller may stop early (an error in its handler): the read ahead finishes first.
      await next?.catch(() => undefined);
      fs.closeSync(fd);
    }
  }
  async *chunks(): AsyncIterable<Uint8Array> {
    const raw = fs.createReadStream(this.name, { highWaterMark: 1 << 20 });
    if (!this.gzipped) {
      yield* raw as AsyncIterable<Buffer>;
      return;
    }
    const gunzip = zlib.createGunzip({ chunkSize: 1 << 20 });
    raw.on('error', (e) => gunzip.destroy(e));
    raw.pipe(gunzip);
    try {
      yield* gunzip as AsyncIterable<Buffer>;
    } catch (e) {
      throw gzipError(e, this.name);
    } finally {
      raw.destroy();
    }
  }
}

/** Reads the next bytes of `fd` into `buf` on libuv's thread pool; resolves to how many were read. */
function readInto(fd: number, buf: Buffer): Promise<number> {
  return new Promise((resolve, reject) => fs.read(fd, buf, 0, buf.length, null, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))));
}

function gzipError(e: unknown, name: string | undefined): ProfileImportError {
  const msg = e instanceof Error ? e.message : String(e);
  return new ProfileImportError(`corrupt gzip stream: ${msg}`, name, 'gzip');
}

/** Anonymous or named in-memory content (uploads, tests, the webview host). */
export function inputFromBytes(bytes: Uint8Array, name?: string, options: InputOptions = {}): ProfileInput {
  return new BytesInput(bytes, name, options.maxBytes ?? DEFAULT_MAX_BYTES);
}

/** A file on disk, read lazily; only the head is read now. */
export async function inputFromFile(path: string, options: InputOptions = {}): Promise<ProfileInput> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  // Synchronous calls: the head is at most 64 KiB, and the first promise-based call of a
  // process costs more than reading it (stat, open, read and close: 5.5 ms through
  // fs.promises, 3 ms through callbacks, 0.7 ms like this, in a fresh node on this machine).
  // Files are imported in the CLI, the extension's import worker and tools that read the whole
  // file anyway, never on a request path (the service imports uploaded bytes).
  let fd: number;
  let fileSize = 0;
  try {
    // open() succeeds on a directory on Linux; only the read would fail, less clearly.
    const stat = fs.statSync(path);
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    fileSize = stat.size;
    fd = fs.openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a profile file' : `cannot open (${code ?? e})`;
    throw new ProfileImportError(why, path, undefined);
  }
  let rawHead: Uint8Array;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    rawHead = buf.subarray(0, fs.readSync(fd, buf, 0, HEAD_BYTES, 0));
  } catch (e) {
    throw new ProfileImportError(`cannot read (${(e as NodeJS.ErrnoException).code ?? e})`, path, undefined);
  } finally {
    fs.closeSync(fd);
  }
  const gzipped = isGzip(rawHead);
  const head = gzipped ? await gunzipHead(path) : rawHead;
  return new FileInput(path, head, gzipped, maxBytes, fileSize);
}

async function gunzipHead(path: string): Promise<Uint8Array> {
  const raw = fs.createReadStream(path, { highWaterMark: HEAD_BYTES });
  const gunzip = zlib.createGunzip();
  raw.pipe(gunzip);
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      parts.push(chunk);
      total += chunk.length;
      if (total >= HEAD_BYTES) break;
    }
  } catch (e) {
    if (total === 0) throw gzipError(e, path);
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}
