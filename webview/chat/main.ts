/**
 * The chat webview: renders the conversation the host sends (`state`) and posts back what the
 * user types or clicks. Everything is built with DOM nodes and textContent, never innerHTML,
 * so nothing in a model's answer can become markup or script.
 */
import './chat.css';
import { parseMarkdown, type Block, type Inline } from './markdown';
import { CARD_ACTIONS, parseToChatWebview, type CardAction, type CardView, type ChatState, type Entry, type ToChatHost } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const post = (message: ToChatHost) => vscode.postMessage(message);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

const log = el('div', { id: 'log' });
log.setAttribute('role', 'log');
log.setAttribute('aria-live', 'polite');
const contextLine = el('div', { id: 'context' });
const input = el('textarea', { id: 'question', rows: 3, placeholder: 'Ask Hotpath — e.g. "why is this hot?" (Enter sends, Shift+Enter adds a line)' });
const send = el('button', { id: 'send', textContent: 'Ask' });
const cancel = el('button', { id: 'cancel', textContent: 'Cancel', className: 'secondary' });
const fresh = el('button', { id: 'new', textContent: 'New conversation', className: 'secondary' });
const model = el('span', { id: 'model' });
document.body.append(log, el('form', { id: 'composer' }, contextLine, input, el('div', { className: 'row' }, send, cancel, fresh, model)));

const ask = () => {
  const text = input.value.trim();
  if (!text || send.disabled) return;
  post({ type: 'ask', text });
  input.value = '';
};
document.getElementById('composer')!.addEventListener('submit', (e) => {
  e.preventDefault();
  ask();
});
input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey) {
    e.preventDefault();
    ask();
  }
});
cancel.addEventListener('click', (e) => {
  e.preventDefault();
  post({ type: 'cancel' });
});
fresh.addEventListener('click', (e) => {
  e.preventDefault();
  post({ type: 'newConversation' });
});

function inlines(nodes: Inline[]): Node[] {
  return nodes.map((n): Node => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.text);
      case 'code':
        return el('code', { textContent: n.text });
      case 'strong':
        return el('strong', {}, ...inlines(n.children));
      case 'em':
        return el('em', {}, ...inlines(n.children));
      case 'link': {
        const a = el('a', { href: '#' }, ...inlines(n.children));
        const target = n.target;
        a.title = target.kind === 'file' ? `Open ${target.file}${target.line ? `:${target.line}` : ''}` : target.url;
        a.addEventListener('click', (e) => {
          e.preventDefault();
          post(target.kind === 'file' ? { type: 'openLocation', file: target.file, line: target.line } : { type: 'openExternal', url: target.url });
        });
        return a;
      }
    }
  });
}

function blocks(list: Block[]): Node[] {
  return list.map((b): Node => {
    switch (b.t) {
      case 'heading':
        return el(`h${Math.min(6, b.level + 2)}` as 'h3', {}, ...inlines(b.inlines));
      case 'paragraph':
        return el('p', {}, ...inlines(b.inlines));
      case 'code':
        return codeBlock(b.text, b.lang);
      case 'list':
        return el(b.ordered ? 'ol' : 'ul', {}, ...b.items.map((item) => el('li', {}, ...inlines(item))));
      case 'hr':
        return el('hr');
    }
  });
}

function codeBlock(text: string, lang: string): HTMLElement {
  const pre = el('pre', { className: lang ? `lang-${lang}` : '' });
  if (lang === 'diff') {
    for (const line of text.split('\n')) {
      const kind = line.startsWith('+++') || line.startsWith('---') || line.startsWith('diff ') ? 'meta' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : 'ctx';
      pre.append(el('span', { className: `diff-${kind}`, textContent: line + '\n' }));
    }
  } else {
    pre.append(el('code', { textContent: text }));
  }
  return pre;
}

const CARD_LABELS: Record<CardAction, string> = { openDiff: 'Open diff', apply: 'Apply', applyVerify: 'Apply and verify', discard: 'Discard', regenerate: 'Regenerate', createPullRequest: 'Create pull request' };
const STATUS_TEXT: Record<CardView['status'], string> = {
  proposed: 'Proposed — not applied',
  stale: 'The file changed since this edit was proposed',
  applying: 'Applying…',
  applied: 'Applied',
  verifying: 'Applied — verifying with the benchmark…',
  verified: 'Applied and verified',
  discarded: 'Discarded',
  failed: 'Failed',
};

function card(id: string, c: CardView): HTMLElement {
  const title = el('div', { className: 'card-title' },
    el('a', { href: '#', textContent: `${c.file}:${c.startLine}`, onclick: (e: Event) => (e.preventDefault(), post({ type: 'openLocation', file: c.file, line: c.startLine })) } as Partial<HTMLAnchorElement>),
    c.skill ? el('span', { className: 'skill', textContent: c.skill }) : '');
  const buttons = el('div', { className: 'row' }, ...CARD_ACTIONS[c.status].map((action) => {
    const b = el('button', { textContent: CARD_LABELS[action], className: action === 'apply' || action === 'regenerate' ? '' : 'secondary' });
    b.dataset.action = action;
    b.addEventListener('click', () => post({ type: 'card', id, action }));
    return b;
  }));
  const box = el('section', { className: `card status-${c.status}` }, title,
    el('div', { className: 'rationale' }, ...blocks(parseMarkdown(c.rationale))), codeBlock(c.diff.trimEnd(), 'diff'),
    el('div', { className: 'status', textContent: STATUS_TEXT[c.status] }));
  if (c.note) box.append(el('div', { className: 'note' }, ...blocks(parseMarkdown(c.note))));
  box.append(buttons);
  box.dataset.card = id;
  box.dataset.status = c.status;
  return box;
}

/** Open/closed state of tool rows survives re-renders. */
const openTools = new Set<string>();

function entry(e: Entry): HTMLElement {
  switch (e.kind) {
    case 'user':
      return el('div', { className: 'msg user' }, el('p', { textContent: e.text }));
    case 'assistant':
      return el('div', { className: `msg assistant${e.streaming ? ' streaming' : ''}` }, ...blocks(parseMarkdown(e.markdown)));
    case 'notice':
      return el('div', { className: `notice ${e.level}`, textContent: e.text });
    case 'card':
      return card(e.id, e.card);
    case 'tool': {
      const details = el('details', { className: `tool ${e.status}`, open: openTools.has(e.id) },
        el('summary', { textContent: `${e.status === 'running' ? '⋯' : e.status === 'ok' ? '✓' : '✗'} ${e.label}` }),
        el('div', { className: 'tool-args' }, el('code', { textContent: `${e.name}(${e.arguments})` })));
      if (e.result !== undefined) details.append(el('pre', {}, el('code', { textContent: e.result })));
      details.addEventListener('toggle', () => (details.open ? openTools.add(e.id) : openTools.delete(e.id)));
      return details;
    }
  }
}

function render(state: ChatState): void {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.replaceChildren(...state.entries.map(entry));
  if (state.entries.length === 0) log.append(el('p', { className: 'empty', textContent: 'Ask why code is hot, or use "Why is this hot?" from the editor or a CodeLens.' }));
  contextLine.textContent = state.context ?? 'No profile open — open one to ask about it.';
  model.textContent = `Model: ${state.model}`;
  send.disabled = state.busy;
  cancel.disabled = !state.busy;
  document.body.dataset.busy = String(state.busy);
  document.body.dataset.entries = String(state.entries.length);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseToChatWebview(event.data);
  if (!parsed.ok) {
    console.warn(`hotpath chat: ignored a message: ${parsed.error}`);
    return;
  }
  render(parsed.message.state);
});

post({ type: 'ready' });
