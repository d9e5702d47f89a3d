import { ProfileImportError } from '../errors';
import { formatBytes, MAX_STRING_LENGTH, type ProfileInput } from '../input';
import { JsonStreamReader, oneLine, type JsonHandler, type JsonReadOptions } from './stream';

/**
 * Above this size the JSON formats that `JSON.parse` serves best (speedscope)
 * switch to the streaming reader: `JSON.parse` needs the whole file as one string, capped by V8
 * at about 512 MiB, and several times the file size in heap.
 */
export const STREAM_THRESHOLD = 256 * 1024 * 1024;

/**
 * Reads the content as JSON: `JSON.parse` below `threshold` bytes (the fastest path), otherwise
 * (or when the file is too large for one string) streams it through the handler that
 * `handler()` returns, created only then. Returns the parsed document, or undefined when it
 * was streamed. The chunks read before the switch are not read twice.
 */
export async function readJsonOrStream(
  input: ProfileInput,
  format: string,
  threshold: number,
  handler: () => JsonHandler,
  options: JsonReadOptions = {},
): Promise<unknown> {
  const source = { file: input.name, format };
  if (threshold <= 0) {
    // Always streamed: the file is read through two recycled buffers.
    await JsonStreamReader.read(input.recycledChunks(format, 2), handler(), source, { ...options, recycled: true });
    return undefined;
  }
  const limit = Math.min(threshold, MAX_STRING_LENGTH);
  // Known to fit: one read into one string, the floor's own path (readFileSync + JSON.parse).
  if (input.knownSize !== undefined && input.knownSize <= limit) return parseJson(await input.text(format), input.name, format, options);
  const parts: Uint8Array[] = [];
  let total = 0;
  let reader: JsonStreamReader | undefined;
  for await (const chunk of input.chunks(format)) {
    if (reader) {
      reader.write(chunk);
      continue;
    }
    parts.push(chunk);
    total += chunk.length;
    if (total > limit) {
      reader = new JsonStreamReader(handler(), source, options);
      for (const p of parts) reader.write(p);
      parts.length = 0;
    }
  }
  if (reader) {
    reader.end();
    return undefined;
  }
  const bytes = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return parseJson(bytes, source.file, format, options);
}

/** `JSON.parse`, with the streaming reader re-run on failure for a precise one-line message. */
export function parseJson(content: Uint8Array | string, file: string | undefined, format: string, options: JsonReadOptions = {}): unknown {
  if (typeof content !== 'string' && content.length > MAX_STRING_LENGTH) {
    throw new ProfileImportError(`file is ${formatBytes(content.length)}, too large to parse as one JSON string`, file, format);
  }
  const text = typeof content === 'string' ? content : Buffer.from(content.buffer, content.byteOffset, content.length).toString('utf8');
  try {
    // Windows tools sometimes write a byte-order mark, which JSON.parse rejects.
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    JsonStreamReader.readBytes(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, {}, { file, format }, options);
    // The reader accepted it: an unclosed root array the options allow; close it and parse.
    if (options.allowUnclosedRootArray) {
      const closed = text.replace(/[\s,]*$/, ']');
      try {
        return JSON.parse(closed.charCodeAt(0) === 0xfeff ? closed.slice(1) : closed);
      } catch {
        // fall through to JSON.parse's own message
      }
    }
    throw new ProfileImportError(oneLine(`invalid JSON: ${(e as Error).message}`), file, format);
  }
}
