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
 * Streams the content through `handler`, the file read through two recycled buffers: the way
 * the formats whose big arrays go straight into typed arrays (cpuprofile, gecko, trace events)
 * are read, whatever their size.
 */
export async function streamJson(input: ProfileInput, format: string, handler: JsonHandler, options: JsonReadOptions = {}): Promise<void> {
  await JsonStreamReader.read(input.recycledChunks(format, 2), handler, { file: input.name, format }, { ...options, recycled: true });
}

/** The whole content through `JSON.parse` (the path the streamed formats' tests compare with). */
export async function readWholeJson(input: ProfileInput, format: string, options: JsonReadOptions = {}): Promise<unknown> {
  return parseJson(await input.text(format), input.name, format, options);
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
