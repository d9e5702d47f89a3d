/**
 * The conversation the chat panel shows: entries (questions, streamed answers, tool steps,
 * notices, diff cards), the model-facing history, and the proposals behind the cards. Pure
 * data so it can be saved to workspaceState and tested without VS Code.
 */
import type { ChatMessage } from '../../core/agent/model';
import type { EditProposal } from '../../core/edits/proposal';
import type { CardStatus, ChatState, Entry } from '../../../webview/chat/protocol';

export interface SavedConversation {
  version: 1;
  entries: Entry[];
  history: ChatMessage[];
  proposals: Record<string, EditProposal>;
}

/** Answers kept for the model's next turn: enough for follow-ups, bounded for the prompt. */
const HISTORY_MESSAGES = 12;
/** Entries kept in workspaceState. */
const SAVED_ENTRIES = 200;

export class ChatSession {
  entries: Entry[] = [];
  history: ChatMessage[] = [];
  readonly proposals = new Map<string, EditProposal>();
  private next = 0;

  constructor(saved?: unknown) {
    const s = saved as SavedConversation | undefined;
    if (s?.version === 1 && Array.isArray(s.entries) && Array.isArray(s.history)) {
      // A card left mid-action by a reload has no action running any more.
      this.entries = s.entries.map((e) => (e.kind === 'card' && (e.card.status === 'applying' || e.card.status === 'verifying') ? { ...e, card: { ...e.card, status: 'failed', note: 'Interrupted by a reload; check the file.' } } : e));
      this.entries = this.entries.map((e) => (e.kind === 'assistant' && e.streaming ? { ...e, streaming: false } : e.kind === 'tool' && e.status === 'running' ? { ...e, status: 'failed' } : e));
      this.history = s.history;
      for (const [id, p] of Object.entries(s.proposals ?? {})) this.proposals.set(id, p);
      this.next = this.entries.length;
    }
  }

  private id(prefix: string): string {
    return `${prefix}${++this.next}-${Date.now().toString(36)}`;
  }

  addUser(text: string): void {
    this.entries.push({ kind: 'user', id: this.id('u'), text });
  }

  /** Starts a streamed answer; returns its id. */
  startAnswer(): string {
    const id = this.id('a');
    this.entries.push({ kind: 'assistant', id, markdown: '', streaming: true });
    return id;
  }

  appendAnswer(id: string, delta: string): void {
    const e = this.find(id);
    if (e?.kind === 'assistant') e.markdown += delta;
  }

  /** Replaces a streamed answer's text (a model round that ended in tool calls restarts it). */
  setAnswer(id: string, markdown: string, streaming: boolean): void {
    const e = this.find(id);
    if (e?.kind === 'assistant') Object.assign(e, { markdown, streaming });
  }

  /** Drops an answer that ended up empty (a round that only called tools). */
  dropIfEmpty(id: string): void {
    const e = this.find(id);
    if (e?.kind === 'assistant' && e.markdown.trim() === '') this.entries = this.entries.filter((x) => x !== e);
  }

  addTool(callId: string, name: string, args: string, label: string): string {
    const id = `t-${callId}-${this.id('')}`;
    this.entries.push({ kind: 'tool', id, name, label, arguments: args, status: 'running' });
    return id;
  }

  endTool(id: string, ok: boolean, result: string): void {
    const e = this.find(id);
    if (e?.kind === 'tool') Object.assign(e, { status: ok ? 'ok' : 'failed', result });
  }

  notice(level: 'info' | 'error', text: string): void {
    this.entries.push({ kind: 'notice', id: this.id('n'), level, text });
  }

  addCard(proposal: EditProposal, status: CardStatus = 'proposed', note?: string): string {
    const id = this.id('c');
    this.proposals.set(id, proposal);
    this.entries.push({ kind: 'card', id, card: { file: proposal.file, startLine: proposal.startLine, diff: proposal.diff, rationale: proposal.rationale, skill: proposal.skill, status, note } });
    return id;
  }

  card(id: string): { status: CardStatus; proposal: EditProposal } | undefined {
    const e = this.find(id);
    const proposal = this.proposals.get(id);
    return e?.kind === 'card' && proposal ? { status: e.card.status, proposal } : undefined;
  }

  setCard(id: string, status: CardStatus, note?: string): void {
    const e = this.find(id);
    if (e?.kind === 'card') e.card = { ...e.card, status, note };
  }

  cards(): { id: string; status: CardStatus; proposal: EditProposal }[] {
    return this.entries.flatMap((e) => (e.kind === 'card' && this.proposals.has(e.id) ? [{ id: e.id, status: e.card.status, proposal: this.proposals.get(e.id)! }] : []));
  }

  /** Records a finished turn for the model's next one. */
  remember(question: string, answer: string): void {
    this.history.push({ role: 'user', content: question }, { role: 'assistant', content: answer });
    this.history = this.history.slice(-HISTORY_MESSAGES);
  }

  clear(): void {
    this.entries = [];
    this.history = [];
    this.proposals.clear();
  }

  state(busy: boolean, model: string, context?: string): ChatState {
    return { entries: this.entries, busy, model, context };
  }

  save(): SavedConversation {
    const entries = this.entries.slice(-SAVED_ENTRIES);
    const kept = new Set(entries.map((e) => e.id));
    return { version: 1, entries, history: this.history, proposals: Object.fromEntries([...this.proposals].filter(([id]) => kept.has(id))) };
  }

  private find(id: string): Entry | undefined {
    return this.entries.find((e) => e.id === id);
  }
}

/** What a tool step row says while it runs: "Reading hot functions of app.cpuprofile…". */
export function toolLabel(name: string, rawArguments: string): string {
  let a: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(rawArguments || '{}');
    if (parsed && typeof parsed === 'object') a = parsed;
  } catch {
    // malformed arguments: the label goes without them; the tool result says what was wrong
  }
  const s = (k: string) => (typeof a[k] === 'string' || typeof a[k] === 'number' ? String(a[k]) : undefined);
  const of = (k: string, fallback = 'the profile') => s(k) ?? fallback;
  switch (name) {
    case 'list_profiles': return 'Listing the open profiles…';
    case 'load_profile': return `Loading ${of('path', 'a profile')}…`;
    case 'get_hotspots': return `Reading hot functions of ${of('profile')}…`;
    case 'get_hot_lines': return `Reading hot lines of ${of('file', of('function', 'a file'))}…`;
    case 'get_call_paths': return `Tracing call paths to ${of('function', 'a function')}…`;
    case 'get_callers_callees': return `Reading callers and callees of ${of('function', 'a function')}…`;
    case 'compare_profiles': return 'Comparing profiles…';
    case 'read_file': return `Reading ${of('path', of('file', 'a file'))}${s('startLine') ? `:${s('startLine')}` : ''}…`;
    case 'search_text': return `Searching the workspace for ${JSON.stringify(s('query') ?? s('text') ?? s('regex') ?? '')}…`;
    case 'find_symbol': return `Finding ${of('name', 'a symbol')}…`;
    case 'find_references': return `Finding references to ${of('name', 'a symbol')}…`;
    case 'git_log': return `Reading git history${s('path') ? ` of ${s('path')}` : ''}…`;
    case 'git_blame': return `Reading git blame of ${of('file', of('path', 'a file'))}…`;
    case 'git_diff': return 'Reading a git diff…';
    case 'git_show_commit': return `Reading commit ${of('id', of('commit', ''))}…`;
    case 'list_skills': return 'Listing skills…';
    case 'read_skill': return `Reading skill ${of('name', of('skill', ''))}…`;
    case 'run_skill_detectors': return `Running skill detectors${s('file') ? ` on ${s('file')}` : ''}…`;
    case 'propose_edit': return `Proposing an edit to ${of('file', 'a file')}…`;
    case 'run_benchmark': return 'Running the benchmark…';
    default: return `Calling ${name}…`;
  }
}

/** A typed question may name its function ("why is parseConfig hot?"); else the engine takes the top ones. */
export function typedFunction(text: string): string | undefined {
  const m = /why is\s+`?([A-Za-z_$][\w$.#:<>]*)`?\s+(?:so\s+)?(?:hot|slow)/i.exec(text);
  return m && !/^(this|it|that|my|the)$/i.test(m[1]) ? m[1] : undefined;
}
