import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type { z } from 'zod';

/** A request that fails with a status and a JSON body `{"error": {"message", "field"}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.status, { error: { message: error.message, field: error.field } });
}

/**
 * Reads the whole body, refusing more than `maxBytes` (413) before buffering it: the declared
 * Content-Length is checked first, then the bytes actually received.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    throw new HttpError(413, `request body of ${declared} bytes exceeds the ${maxBytes}-byte limit`, 'body');
  }
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      req.resume();
      throw new HttpError(413, `request body exceeds the ${maxBytes}-byte limit`, 'body');
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);

export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/**
 * Removes Content-Encoding (gzip/deflate) and then gzip layers found in the content itself
 * (pprof is gzipped inside; agents may gzip once more), never producing more than `maxBytes`:
 * a gzip bomb stops at the limit with 413 instead of filling memory.
 */
export async function decodeContent(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Promise<Buffer> {
  const limit = { maxOutputLength: maxBytes };
  let content = body;
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') content = await gunzip(content, limit);
    else if (encoding === 'deflate') content = await inflate(content, limit);
    else if (encoding !== 'identity' && encoding !== '') {
      throw new HttpError(415, `unsupported Content-Encoding "${contentEncoding}"; expected gzip, deflate or identity`, 'content-encoding');
    }
    for (let layer = 0; layer < 3 && isGzip(content); layer++) content = await gunzip(content, limit);
  } catch (e) {
    if (e instanceof HttpError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new HttpError(413, `decompressed content exceeds the ${maxBytes}-byte limit`, 'body');
    }
    throw new HttpError(400, `corrupt compressed content: ${(e as Error).message}`, 'body');
  }
  if (content.length > maxBytes) throw new HttpError(413, `content of ${content.length} bytes exceeds the ${maxBytes}-byte limit`, 'body');
  return content;
}

export async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(415, `expected Content-Type application/json, got "${type || 'none'}"`, 'content-type');
  }
  const body = await decodeContent(await readBody(req, maxBytes), req.headers['content-encoding'], maxBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `body is not valid JSON: ${(e as Error).message}`, 'body');
  }
}

/** Validates with zod; the first issue becomes a 400 naming its field path ("points[2].time"). */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? fieldPath(issue.path) : where;
  throw new HttpError(400, `${field}: ${issue.message}`, field);
}

function fieldPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

/** Query parameters as a plain object (the last value wins for repeated keys). */
export function queryOf(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams.entries());
}
