/**
 * The markdown subset the chat renders, parsed into plain data (no HTML strings), so the
 * webview builds DOM nodes with textContent only: raw HTML from a model is shown as text,
 * never interpreted. Links survive only as workspace locations or http(s) URLs; any other
 * scheme (javascript:, data:, command:, file:) keeps its text and loses the link.
 * Works on a partial (still streaming) text: an unclosed fence is a code block to the end.
 */

export type LinkTarget = { kind: 'file'; file: string; line?: number } | { kind: 'external'; url: string };

export type Inline =
  | { t: 'text'; text: string }
  | { t: 'code'; text: string }
  | { t: 'strong'; children: Inline[] }
  | { t: 'em'; children: Inline[] }
  | { t: 'link'; target: LinkTarget; children: Inline[] };

export type Block =
  | { t: 'heading'; level: number; inlines: Inline[] }
  | { t: 'paragraph'; inlines: Inline[] }
  | { t: 'code'; lang: string; text: string }
  | { t: 'list'; ordered: boolean; items: Inline[][] }
  | { t: 'hr' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^ {0,3}(?:[-*+]|(\d{1,9})[.)])\s+(.*)$/;
const HR = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ t: 'paragraph', inlines: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const closer = new RegExp(`^ {0,3}${fence[1][0] === '`' ? '`' : '~'}{${fence[1].length},}\\s*$`);
      const body: string[] = [];
      for (i++; i < lines.length && !closer.test(lines[i]); i++) body.push(lines[i]);
      blocks.push({ t: 'code', lang: fence[2], text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ t: 'heading', level: heading[1].length, inlines: parseInline(heading[2]) });
      continue;
    }
    if (HR.test(line)) {
      flush();
      blocks.push({ t: 'hr' });
      continue;
    }
    const item = BULLET.exec(line);
    if (item) {
      flush();
      const ordered = item[1] !== undefined;
      const last = blocks[blocks.length - 1];
      const list = last?.t === 'list' && last.ordered === ordered ? last : undefined;
      // Continuation lines (indented, not a new item) belong to the item.
      let text = item[2];
      while (i + 1 < lines.length && /^\s{2,}\S/.test(lines[i + 1]) && !BULLET.exec(lines[i + 1])) text += '\n' + lines[++i].trim();
      if (list) list.items.push(parseInline(text));
      else blocks.push({ t: 'list', ordered, items: [parseInline(text)] });
      continue;
    }
    paragraph.push(line.replace(/^ {0,3}> ?/, ''));
  }
  flush();
  return blocks;
}

/** A link destination the chat may follow, or undefined (the link is shown as plain text). */
export function linkTarget(destination: string): LinkTarget | undefined {
  const d = destination.trim();
  if (/^https?:\/\//i.test(d)) return { kind: 'external', url: d };
  // Anything else with a scheme ("javascript:", "command:", "file:", "C:" is not a scheme we take).
  if (/^[a-z][a-z0-9+.-]*:/i.test(d) && !/^[a-z]:[\\/]/i.test(d)) return undefined;
  const m = /^([^#?]+?)(?:#L(\d+)(?:-L?\d+)?|:(\d+)(?::\d+)?)?$/.exec(d);
  if (!m || m[1].startsWith('//')) return undefined;
  const line = Number(m[2] ?? m[3]);
  return line >= 1 ? { kind: 'file', file: decodeURIComponentSafe(m[1]), line } : { kind: 'file', file: decodeURIComponentSafe(m[1]) };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A bare "path/file.ext:123" in text (the agent cites code this way). */
const BARE_LOCATION = /(^|[\s(\[,;"'])((?:[\w@.-]+\/)*[\w@-][\w@.-]*\.[A-Za-z][A-Za-z0-9]*):(\d+)\b/g;

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const pushText = () => {
    if (plain) out.push(...linkifyLocations(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!<>]/.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      if (close > 0 && text[close + run.length] !== '`') {
        pushText();
        let code = text.slice(i + run.length, close);
        if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
        out.push({ t: 'code', text: code });
        i = close + run.length;
        continue;
      }
      plain += run;
      i += run.length;
      continue;
    }
    if ((c === '*' || c === '_') && text[i + 1] === c) {
      const close = text.indexOf(c + c, i + 2);
      if (close > i + 2) {
        pushText();
        out.push({ t: 'strong', children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    }
    if ((c === '*' || c === '_') && text[i + 1] && !/\s/.test(text[i + 1]) && (c === '*' || !/\w/.test(text[i - 1] ?? ''))) {
      const close = findEmphasisClose(text, i + 2, c);
      if (close > 0) {
        pushText();
        out.push({ t: 'em', children: parseInline(text.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    if (c === '[') {
      const link = readLink(text, i);
      if (link) {
        pushText();
        const children = parseInline(link.label);
        const target = linkTarget(link.destination);
        if (target) out.push({ t: 'link', target, children });
        else out.push(...children);
        i = link.end;
        continue;
      }
    }
    plain += c;
    i++;
  }
  pushText();
  return out;
}

function findEmphasisClose(text: string, from: number, marker: string): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] === '`') return -1;
    if (text[j] === marker && text[j + 1] !== marker && !/\s/.test(text[j - 1]) && (marker === '*' || !/\w/.test(text[j + 1] ?? ''))) return j;
  }
  return -1;
}

function readLink(text: string, start: number): { label: string; destination: string; end: number } | undefined {
  let depth = 0;
  let j = start;
  for (; j < text.length; j++) {
    if (text[j] === '[') depth++;
    else if (text[j] === ']' && --depth === 0) break;
  }
  if (depth !== 0 || text[j + 1] !== '(') return undefined;
  // Balanced parentheses inside the destination, as CommonMark allows.
  let close = -1;
  for (let k = j + 2, open = 0; k < text.length; k++) {
    if (text[k] === '(') open++;
    else if (text[k] === ')' && open-- === 0) {
      close = k;
      break;
    }
  }
  if (close < 0) return undefined;
  const destination = text.slice(j + 2, close).replace(/\s+"[^"]*"$/, '');
  if (/\s/.test(destination.trim())) return undefined;
  return { label: text.slice(start + 1, j), destination, end: close + 1 };
}

function linkifyLocations(text: string): Inline[] {
  const out: Inline[] = [];
  let last = 0;
  for (const m of text.matchAll(BARE_LOCATION)) {
    const at = m.index! + m[1].length;
    if (at > last) out.push({ t: 'text', text: text.slice(last, at) });
    const shown = `${m[2]}:${m[3]}`;
    out.push({ t: 'link', target: { kind: 'file', file: m[2], line: Number(m[3]) }, children: [{ t: 'text', text: shown }] });
    last = at + shown.length;
  }
  if (last < text.length) out.push({ t: 'text', text: text.slice(last) });
  return out;
}
