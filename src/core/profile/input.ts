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
  /** The whole decompressed content. Throws ProfileImportError beyond `maxBytes`. */
  bytes(format: string): Promise<Uint8Array>;
  /** The whole content as UTF-8 text. Throws ProfileImportError beyond `maxBytes` or V8's string limit. */
  text(format: string): Promise<string>;
  /** The decompressed content in chunks, for streaming importers. */
  chunks(format: string): AsyncIterable<Uint8Array>;
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

  async bytes(format: string): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.chunks(format)) {
      total += chunk.length;
      if (total > this.maxBytes) {
        throw new ProfileImportError(
          `file is larger than the ${formatBytes(this.maxBytes)} limit for this format (raise it with the size-limit setting or --max-size)`,
          this.name,
          format,
        );
      }
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
    if (bytes.length > MAX_STRING_LENGTH) {
      throw new ProfileImportError(
        `file is ${formatBytes(bytes.length)}, more than one JavaScript string can hold`,
        this.name,
        format,
      );
    }
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
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
  async *chunks(): AsyncIterable<Uint8Array> {
    yield this.content;
  }
}

class FileInput extends BaseInput {
  constructor(
    readonly name: string,
    readonly head: Uint8Array,
    readonly gzipped: boolean,
    readonly maxBytes: number,
  ) {
    super();
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
  let fd: fs.promises.FileHandle;
  try {
    // open() succeeds on a directory on Linux; only the read would fail, less clearly.
    if ((await fs.promises.stat(path)).isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    fd = await fs.promises.open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a profile file' : `cannot open (${code ?? e})`;
    throw new ProfileImportError(why, path, undefined);
  }
  let rawHead: Uint8Array;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fd.read(buf, 0, HEAD_BYTES, 0);
    rawHead = buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
  const gzipped = isGzip(rawHead);
  const head = gzipped ? await gunzipHead(path) : rawHead;
  return new FileInput(path, head, gzipped, maxBytes);
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
