/**
 * A streaming line reader for the text profile formats (collapsed stacks, perf script).
 *
 * Lines are handed out as byte ranges of a Buffer, never as strings, so an importer decodes
 * only what it keeps (a new frame name) and a multi-gigabyte file never becomes one string.
 * UTF-8 BOMs are skipped and UTF-16 (with a BOM) is transcoded to UTF-8 on the fly; CR before
 * LF is dropped.
 */

/** Called once per line: `buf[start, end)` is the line without its terminator; `lineNo` is 1-based. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNo: number) => void;

const LF = 10;
const CR = 13;

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding announced by a byte order mark (UTF-8 when there is none) and the BOM length. */
export function detectEncoding(head: Uint8Array): { encoding: TextEncoding; bomLength: number } {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Decodes a head for sniffing, honouring a BOM (the generic sniff text assumes UTF-8). */
export function decodeHead(head: Uint8Array): string {
  const { encoding, bomLength } = detectEncoding(head);
  return new TextDecoder(encoding).decode(head.subarray(bomLength));
}

/**
 * Complete lines of a sniffing head: when the head is the 64 KiB prefix of a longer file,
 * its last line may be cut, so it is dropped.
 */
export function headLines(headText: string, headBytes: number, maxLines: number): string[] {
  const lines = headText.split('\n', maxLines + 1);
  if (lines.length <= maxLines && headBytes >= 64 * 1024) lines.pop();
  return lines.slice(0, maxLines).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/**
 * Feeds every line of `chunks` to `onLine`. Lines that straddle chunks are joined into a
 * fresh buffer; other ranges are views of the chunks, valid as long as the chunk is (with
 * `recycledChunks(format, n)`, until n - 1 more chunks have been read). Returns the number of
 * lines.
 */
export async function readLines(chunks: AsyncIterable<Uint8Array>, onLine: LineHandler): Promise<number> {
  let lineNo = 0;
  let carry: Buffer | undefined;
  let transcode: ((chunk: Uint8Array, last: boolean) => Buffer) | undefined;

  const scan = (buf: Buffer): void => {
    let pos = 0;
    const len = buf.length;
    if (carry) {
      const nl = buf.indexOf(LF);
      if (nl < 0) {
        carry = Buffer.concat([carry, buf]);
        return;
      }
      const joined = Buffer.concat([carry, buf.subarray(0, nl)]);
      carry = undefined;
      emit(joined, 0, joined.length);
      pos = nl + 1;
    }
    while (pos < len) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) {
        carry = Buffer.from(buf.subarray(pos));
        return;
      }
      emit(buf, pos, nl);
      pos = nl + 1;
    }
  };

  const emit = (buf: Buffer, start: number, end: number): void => {
    if (end > start && buf[end - 1] === CR) end--;
    onLine(buf, start, end, ++lineNo);
  };

  // The first bytes are held back until there are enough to recognise a byte order mark.
  let start: Buffer | undefined = Buffer.alloc(0);
  const begin = (buf: Buffer): Buffer => {
    const { encoding, bomLength } = detectEncoding(buf);
    if (encoding !== 'utf-8') transcode = utf16Transcoder(encoding);
    return buf.subarray(bomLength);
  };
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (start) {
      buf = start.length > 0 ? Buffer.concat([start, buf]) : buf;
      if (buf.length < 3) {
        start = buf;
        continue;
      }
      start = undefined;
      buf = begin(buf);
    }
    scan(transcode ? transcode(buf, false) : buf);
  }
  if (start && start.length > 0) scan(begin(start));
  if (transcode) scan(transcode(new Uint8Array(0), true));
  if (carry && carry.length > 0) emit(carry, 0, carry.length);
  return lineNo;
}

function utf16Transcoder(encoding: 'utf-16le' | 'utf-16be'): (chunk: Uint8Array, last: boolean) => Buffer {
  const decoder = new TextDecoder(encoding);
  return (chunk, last) => Buffer.from(decoder.decode(chunk, { stream: !last }), 'utf8');
}

/**
 * Parses a non-negative decimal number (digits with an optional fraction) in `buf[start, end)`;
 * NaN when the range is anything else. Byte-level so hot loops allocate nothing.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return NaN;
  let value = 0;
  let i = start;
  for (; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  if (i === start) return NaN;
  if (i === end) return value;
  if (buf[i] !== 46 /* . */ || i + 1 === end) return NaN;
  let scale = 1;
  let fraction = 0;
  for (i++; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return NaN;
    fraction = fraction * 10 + c;
    scale *= 10;
  }
  return value + fraction / scale;
}
