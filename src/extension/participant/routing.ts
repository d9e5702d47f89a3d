/**
 * What an `@hotpath` request asks for, and how its markdown splits into text and file:line
 * anchors. Pure, so routing is unit-tested without VS Code.
 */

export type ChatCommand = 'why' | 'optimize' | 'regressions' | 'investigate';

/** What the question is about: a function by name, or a 1-based place in a workspace file. */
export interface ChatTarget {
  function?: string;
  at?: { file: string; line: number };
}

export type ChatRoute =
  | { kind: 'why' | 'optimize'; question: string; target: ChatTarget }
  | { kind: 'regressions' }
  | { kind: 'investigate'; regression?: number; question: string };

const FILE_LINE = /(?:^|[\s(`'"])((?:[\w@.-]+\/)*[\w@.-]+\.[A-Za-z]\w*):(\d+)\b/;
const BACKTICKED = /`([^`\s]+)`/;
/** "why is parseConfig hot", "optimize parseConfig", "parseConfig": a bare identifier. */
const NAMED = /^(?:why\s+is\s+|why\s+|optimi[sz]e\s+)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?:\(\))?(?:\s+(?:so\s+)?(?:hot|slow))?\s*\??$/i;
const WORDS_NOT_NAMES = new Set(['why', 'this', 'it', 'that', 'hot', 'slow', 'optimize', 'optimise', 'what', 'here', 'profile']);

/** The function or place a free-text question names, if any. */
export function parseTarget(prompt: string): ChatTarget {
  const text = prompt.trim();
  const place = FILE_LINE.exec(text);
  if (place && Number(place[2]) >= 1) return { at: { file: place[1].replace(/^\.\//, ''), line: Number(place[2]) } };
  const quoted = BACKTICKED.exec(text);
  if (quoted) return { function: quoted[1].replace(/\(\)$/, '') };
  const named = NAMED.exec(text);
  if (named && !WORDS_NOT_NAMES.has(named[1].toLowerCase())) return { function: named[1] };
  return {};
}

/** Slash command → route; a request without a command is a "why" question. */
export function routeChatRequest(command: string | undefined, prompt: string): ChatRoute {
  const question = prompt.trim();
  switch (command) {
    case 'regressions':
      return { kind: 'regressions' };
    case 'investigate': {
      const id = /#?(\d+)/.exec(question);
      return { kind: 'investigate', regression: id ? Number(id[1]) : undefined, question };
    }
    case 'optimize':
      return { kind: 'optimize', question: question || 'How do I make the hottest code faster?', target: parseTarget(question) };
    default:
      return { kind: 'why', question: question || 'Why is this profile hot?', target: parseTarget(question) };
  }
}

export type MarkdownSegment = { kind: 'text'; text: string } | { kind: 'anchor'; label: string; file: string; line: number };

/**
 * Splits the engine's markdown at its `[file:line](file#Lline)` links, so each becomes a chat
 * anchor (clickable in VS Code) instead of a relative link the chat view cannot open.
 */
export function splitLinks(markdown: string): MarkdownSegment[] {
  const out: MarkdownSegment[] = [];
  const link = /\[([^\]\n]+)\]\(([^)#\s]+)#L(\d+)\)/g;
  let last = 0;
  for (let m = link.exec(markdown); m; m = link.exec(markdown)) {
    if (m.index > last) out.push({ kind: 'text', text: markdown.slice(last, m.index) });
    out.push({ kind: 'anchor', label: m[1], file: m[2], line: Number(m[3]) });
    last = m.index + m[0].length;
  }
  if (last < markdown.length) out.push({ kind: 'text', text: markdown.slice(last) });
  return out;
}
