/**
 * The profile webview: a canvas flame graph (icicle or flame, left-heavy or time-ordered) with
 * zoom/pan, search, tooltip, thread picker, a top-functions table, a callers/callees (sandwich)
 * view and a frame context menu. It asks for data with `ready`, validates every message, and
 * never receives data through the HTML.
 */
import './flamegraph.css';
import { diffFill, frameFill, labelColor, mix, parseColor, PALETTE_VARIABLES, toCss, type Rgba } from './flamegraph/colors';
import { formatShare, formatWeight } from './flamegraph/format';
import { hitTest, leftHeavyLayout, timeOrderedLayout, type FlameLayout, type LayoutMode } from './flamegraph/layout';
import { sandwichModel, type SandwichRow } from './flamegraph/sandwich';
import { matchedShare, matchFrames } from './flamegraph/search';
import { sortRows, topFunctions, type FunctionRow, type SortKey } from './flamegraph/table';
import { clampView, focusOn, fullView, panBy, zoomAt, type Viewport } from './flamegraph/viewport';
import { parseToWebview, type ToHost, type ToWebview, type WireProfile } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const post = (message: ToHost) => vscode.postMessage(message);

const ROW = 18;
const TABLE_ROWS = 200;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

const threadPicker = el('select', { id: 'thread', title: 'Thread / profile' });
const modePicker = el('select', { id: 'mode', title: 'Layout' });
modePicker.append(el('option', { value: 'left-heavy', textContent: 'Left heavy' }), el('option', { value: 'time-ordered', textContent: 'Time order' }));
const orientationButton = el('button', { id: 'orientation', title: 'Icicle (root on top) or flame (root at the bottom)', textContent: 'Icicle' });
const resetButton = el('button', { id: 'reset', title: 'Show everything (0)', textContent: 'Reset zoom' });
const searchBox = el('input', { id: 'search', type: 'search', placeholder: 'Search functions (/)', spellcheck: false });
const matchInfo = el('span', { id: 'match', className: 'muted' });
const unitInfo = el('span', { id: 'unit', className: 'muted' });
const toolbar = el('div', { id: 'toolbar' }, threadPicker, modePicker, orientationButton, resetButton, searchBox, matchInfo, unitInfo);
const canvas = el('canvas', { id: 'flame', tabIndex: 0 });
canvas.setAttribute('role', 'img');
canvas.setAttribute('aria-label', 'Flame graph; arrows pan, + and - zoom, 0 resets, Enter opens the selected frame');
const tooltip = el('div', { id: 'tooltip', hidden: true });
const flameBox = el('div', { id: 'flame-box' }, canvas, tooltip);
const tableBody = el('tbody');
const selfHeader = el('th', { className: 'num sortable', textContent: 'Self', title: 'Sort by self weight' });
const totalHeader = el('th', { className: 'num sortable', textContent: 'Total', title: 'Sort by total weight' });
const table = el(
  'table',
  { id: 'top' },
  el('thead', {}, el('tr', {}, selfHeader, el('th', { className: 'num', textContent: '%' }), totalHeader, el('th', { className: 'num', textContent: '%' }), el('th', { textContent: 'Function' }), el('th', { textContent: 'Source' }))),
  tableBody,
);
const changesBody = el('tbody');
const changesTable = el(
  'table',
  { id: 'changes', hidden: true },
  el('thead', {}, el('tr', {}, ...['Before', 'After', 'Change'].map((t) => el('th', { className: 'num', textContent: t })), el('th', { textContent: 'Function' }), el('th', { textContent: 'Source' }))),
  changesBody,
);
const sandwichTitle = el('span', { className: 'name' });
const sandwichWeights = el('span', { className: 'muted' });
const sandwichSource = el('button', { id: 'sandwich-source', textContent: 'Open source', title: 'Open the source of this function' });
const sandwichClose = el('button', { id: 'sandwich-close', textContent: 'Close', title: 'Back to the top functions (Escape)' });
const neighbourTable = (id: string, caption: string) =>
  el(
    'table',
    { id },
    el('caption', { textContent: caption }),
    el('thead', {}, el('tr', {}, ...['Weight', '% of function', '% of total'].map((t) => el('th', { className: 'num', textContent: t })), el('th', { textContent: 'Function' }))),
    el('tbody'),
  );
const callersTable = neighbourTable('callers', 'Callers');
const calleesTable = neighbourTable('callees', 'Callees');
const sandwichBox = el(
  'section',
  { id: 'sandwich', hidden: true },
  el('div', { className: 'head' }, el('span', { className: 'muted', textContent: 'Callers and callees of' }), sandwichTitle, sandwichWeights, sandwichSource, sandwichClose),
  callersTable,
  calleesTable,
);
sandwichBox.setAttribute('aria-label', 'Callers and callees');
const menuItems = [
  ['why', 'Why is this hot?'],
  ['focus', 'Focus on this function'],
  ['sandwich', 'Show callers/callees'],
] as const;
type MenuAction = (typeof menuItems)[number][0];
const menu = el('div', { id: 'menu', hidden: true }, ...menuItems.map(([action, label]) => {
  const item = el('button', { textContent: label, tabIndex: -1 });
  item.dataset.action = action;
  item.setAttribute('role', 'menuitem');
  return item;
}));
menu.setAttribute('role', 'menu');
flameBox.append(menu);
const status = el('div', { id: 'status', className: 'muted', textContent: 'Waiting for the profile…' });
document.body.append(toolbar, flameBox, el('div', { id: 'table-box' }, table, changesTable, sandwichBox), status);

interface State {
  profiles: WireProfile[];
  index: number;
  mode: LayoutMode;
  orientation: 'icicle' | 'flame';
  layout: FlameLayout | undefined;
  view: Viewport;
  matched: Uint8Array | undefined;
  selected: number;
  hover: number;
  rows: FunctionRow[];
  /** The table's heaviest row by self weight, whatever the sort order. */
  topBySelf: FunctionRow | undefined;
  sortKey: SortKey;
  diff: DiffState | undefined;
  /** Frame whose callers/callees are shown, or -1. */
  sandwich: number;
  /** Layout rectangle the context menu is open for, or -1. */
  menuFor: number;
}

type DiffMessage = Extract<ToWebview, { type: 'diff/load' }>;
interface DiffState {
  beforeTotal: Float64Array;
  beforeTotalWeight: number;
  changes: DiffMessage['changes'];
  /** Change (percentage points) at which colours saturate. */
  scale: number;
}

const state: State = {
  profiles: [],
  index: 0,
  mode: 'left-heavy',
  orientation: 'icicle',
  layout: undefined,
  view: fullView(1),
  matched: undefined,
  selected: -1,
  hover: -1,
  rows: [],
  topBySelf: undefined,
  sortKey: 'self',
  diff: undefined,
  sandwich: -1,
  menuFor: -1,
};
let renders = 0;

const profile = () => state.profiles[state.index];

// ---------------------------------------------------------------- theme colours
let palette: Rgba[] = [];
let background: Rgba = [30, 30, 30, 1];
let focusColor = '#007fd4';
let fillCache = new Map<number, { fill: string; dim: string; label: string; dimLabel: string }>();
let neutralColor: Rgba = [128, 128, 128, 1];
let gainColor: Rgba = [241, 76, 76, 1];
let lossColor: Rgba = [55, 148, 255, 1];

function readTheme(): void {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: Rgba): Rgba => parseColor(style.getPropertyValue(name)) ?? fallback;
  background = read('--vscode-editor-background', [30, 30, 30, 1]);
  palette = PALETTE_VARIABLES.map((v, i) => read(v, [[209, 134, 22, 1], [204, 167, 0, 1], [241, 76, 76, 1], [179, 128, 255, 1], [55, 148, 255, 1], [137, 209, 133, 1]][i] as Rgba));
  focusColor = style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
  neutralColor = mix(read('--vscode-descriptionForeground', [128, 128, 128, 1]), background, 0.55);
  gainColor = read('--vscode-charts-red', [241, 76, 76, 1]);
  lossColor = read('--vscode-charts-blue', [55, 148, 255, 1]);
  fillCache = new Map();
}

/** Change of a node's share of the total between the profiles, in percentage points. */
function nodeDelta(diff: DiffState, node: number): number {
  const p = profile();
  const after = p.nodeTotal[0] > 0 ? p.nodeTotal[node] / p.nodeTotal[0] : 0;
  const before = diff.beforeTotalWeight > 0 ? diff.beforeTotal[node] / diff.beforeTotalWeight : 0;
  return (after - before) * 100;
}

/** Colours keyed by frame (normal view) or by node (diff view: every node has its own change). */
function colorsFor(frame: number, node: number) {
  const key = state.diff ? node : frame;
  let c = fillCache.get(key);
  if (!c) {
    const fill = state.diff
      ? diffFill(nodeDelta(state.diff, node), state.diff.scale, gainColor, lossColor, neutralColor) : frameFill(profile().frames[frame].name, palette, background);
    const dim = mix(fill, background, 0.75);
    c = { fill: toCss(fill), dim: toCss(dim), label: labelColor(fill), dimLabel: labelColor(dim) };
    fillCache.set(key, c);
  }
  return c;
}

// ---------------------------------------------------------------- drawing
let cssWidth = 0;
let cssHeight = 0;
let charWidth = 7;
const ctx = canvas.getContext('2d', { alpha: false })!;

function resize(): void {
  const rect = flameBox.getBoundingClientRect();
  cssWidth = Math.max(1, Math.floor(rect.width));
  cssHeight = Math.max(1, Math.floor(rect.height));
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.floor(cssWidth * dpr);
  canvas.height = Math.floor(cssHeight * dpr);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = `12px ${getComputedStyle(document.body).fontFamily}`;
  charWidth = ctx.measureText('abcdefghijklmnopqrstuvwxyz').width / 26 || 7;
  scheduleDraw();
}

function rowTop(depth: number): number {
  return state.orientation === 'icicle' ? depth * ROW - state.view.scrollY : cssHeight - (depth + 1) * ROW + state.view.scrollY;
}

function maxScroll(): number {
  return Math.max(0, (state.layout?.rows ?? 0) * ROW - cssHeight + ROW);
}

/** Per-frame buffers of draw(): visible rectangle indices, their colour ids, and the same sorted by colour. */
function drawScratch(size: number) {
  return { visible: new Int32Array(size), colour: new Int32Array(size), order: new Int32Array(size), fills: [] as string[] };
}
let scratch = drawScratch(0);

let drawPending = false;
function scheduleDraw(): void {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function draw(): void {
  const t0 = performance.now();
  ctx.fillStyle = toCss(background);
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const layout = state.layout;
  if (!layout) return;
  const { start, end } = state.view;
  const scale = cssWidth / (end - start);
  const matched = state.matched;
  const frames = profile().nodeFrame;
  ctx.textBaseline = 'middle';
  // Rectangles are batched by colour, one path and one fill per colour: setting fillStyle
  // parses the colour string, which per rectangle cost more than the rectangles themselves.
  // The buffers live across frames, so a zoom or pan frame allocates nothing to collect.
  if (scratch.visible.length < layout.count) scratch = drawScratch(layout.count);
  const { visible, colour, order } = scratch;
  const fills = scratch.fills;
  fills.length = 0;
  const fillIds = new Map<string, number>();
  let count = 0;
  // Callees sit inside their caller's span, one row deeper: a rectangle that is thinner than the
  // cut-off, beside the screen, or past its deep edge takes its whole subtree with it.
  const icicle = state.orientation === 'icicle';
  const skip = layout.end;
  for (let i = 0; i < layout.count; ) {
    const w = layout.width[i] * scale;
    const x = (layout.x[i] - start) * scale;
    if (w < 0.3 || x + w < 0 || x > cssWidth) {
      i = skip[i];
      continue;
    }
    const y = rowTop(layout.depth[i]);
    if (icicle ? y > cssHeight : y + ROW < 0) {
      i = skip[i];
      continue;
    }
    if (y + ROW < 0 || y > cssHeight) {
      i++;
      continue;
    }
    const frame = frames[layout.node[i]];
    const c = colorsFor(frame, layout.node[i]);
    const fill = matched && !matched[frame] ? c.dim : c.fill;
    let id = fillIds.get(fill);
    if (id === undefined) {
      fillIds.set(fill, (id = fills.length));
      fills.push(fill);
    }
    visible[count] = i;
    colour[count++] = id;
    i++;
  }
  // Counting sort of the visible rectangles by colour.
  const starts = new Int32Array(fills.length + 1);
  for (let k = 0; k < count; k++) starts[colour[k] + 1]++;
  for (let f = 1; f <= fills.length; f++) starts[f] += starts[f - 1];
  const next = starts.slice(0, fills.length);
  for (let k = 0; k < count; k++) order[next[colour[k]]++] = visible[k];
  for (let f = 0; f < fills.length; f++) {
    ctx.fillStyle = fills[f];
    ctx.beginPath();
    for (let k = starts[f]; k < starts[f + 1]; k++) {
      const i = order[k];
      const w = layout.width[i] * scale;
      ctx.rect((layout.x[i] - start) * scale, rowTop(layout.depth[i]), Math.max(w - 1, 0.3), ROW - 1);
    }
    ctx.fill();
  }
  const drawn = count;
  for (let k = 0; k < count; k++) {
    const i = visible[k];
    const w = layout.width[i] * scale;
    if (w <= 3 * charWidth) continue;
    const x = (layout.x[i] - start) * scale;
    const left = Math.max(x, 0);
    const fit = Math.floor((Math.min(x + w, cssWidth) - left - 6) / charWidth);
    if (fit < 2) continue;
    const frame = frames[layout.node[i]];
    const c = colorsFor(frame, layout.node[i]);
    const label = matched && !matched[frame] ? c.dimLabel : c.label;
    if (ctx.fillStyle !== label) ctx.fillStyle = label;
    const name = profile().frames[frame].name || '(anonymous)';
    ctx.fillText(name.length > fit ? `${name.slice(0, fit - 1)}…` : name, left + 3, rowTop(layout.depth[i]) + ROW / 2);
  }
  if (state.selected >= 0) {
    const i = state.selected;
    ctx.strokeStyle = focusColor;
    ctx.lineWidth = 2;
    ctx.strokeRect((layout.x[i] - start) * scale + 1, rowTop(layout.depth[i]) + 1, Math.max(layout.width[i] * scale - 3, 1), ROW - 3);
  }
  renders++;
  document.body.dataset.rendered = String(drawn);
  document.body.dataset.renders = String(renders);
  const p = profile();
  const top = state.topBySelf;
  const shown = { name: p.name, totalWeight: p.totalWeight, sampleCount: p.sampleCount, unit: p.unit, topBySelf: top ? { name: p.frames[top.frame].name, self: top.self, total: top.total } : null };
  post({ type: 'rendered', profile: state.index, rectangles: drawn, ms: performance.now() - t0, shown });
}

// ---------------------------------------------------------------- model changes
function relayout(): void {
  const p = profile();
  const hasTimeline = !!p.timeline && p.timeline.node.length > 0;
  (modePicker.querySelector('option[value="time-ordered"]') as HTMLOptionElement).disabled = !hasTimeline;
  if (state.mode === 'time-ordered' && !hasTimeline) state.mode = 'left-heavy';
  modePicker.value = state.mode;
  // only the shown layout is computed: the time-ordered one walks every sample
  state.layout = state.mode === 'time-ordered' ? timeOrderedLayout(p) : leftHeavyLayout(p);
  state.view = fullView(state.layout?.extent || 1);
  state.selected = -1;
  updateSearch();
  scheduleDraw();
}

function selectProfile(index: number): void {
  state.index = index;
  threadPicker.value = String(index);
  fillCache = new Map();
  const p = profile();
  unitInfo.textContent = `${formatWeight(p.totalWeight, p.unit)} · ${p.sampleCount.toLocaleString('en-US')} samples`;
  const rows = topFunctions(p);
  state.topBySelf = rows[0];
  state.rows = sortRows(rows, state.sortKey);
  state.sandwich = -1;
  renderTable();
  relayout();
}

function updateSearch(): void {
  const p = profile();
  if (!p) return;
  const query = searchBox.value.trim();
  state.matched = query ? matchFrames(p.frames, query) : undefined;
  matchInfo.textContent = state.matched ? `matched ${formatShare(matchedShare(p, state.matched), 1)} of total` : '';
  document.body.dataset.matchedShare = state.matched ? String(matchedShare(p, state.matched)) : '';
  scheduleDraw();
}

function location(frame: number): string {
  const f = profile().frames[frame];
  if (!f.file) return f.module ?? '';
  const short = f.file.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
  return f.line ? `${short}:${f.line}` : short;
}

function renderChanges(diff: DiffState): void {
  const rows = diff.changes.map((c) => {
    const tr = el(
      'tr',
      {},
      el('td', { className: 'num', textContent: `${c.beforePercent.toFixed(2)}%` }),
      el('td', { className: 'num', textContent: `${c.afterPercent.toFixed(2)}%` }),
      el('td', { className: `num ${c.delta > 0 ? 'gain' : 'loss'}`, textContent: `${c.delta > 0 ? '+' : ''}${c.delta.toFixed(2)} pts` }),
      el('td', { textContent: c.name || '(anonymous)' }),
      el('td', { className: 'muted', textContent: c.file ? `${c.file.replace(/^file:\/\//, '').split('/').slice(-2).join('/')}${c.line ? `:${c.line}` : ''}` : '' }),
    );
    return tr;
  });
  changesBody.replaceChildren(...rows);
}

function renderNeighbours(target: HTMLTableElement, rows: SandwichRow[], unit: WireProfile['unit']): void {
  const body = target.tBodies[0];
  if (!rows.length) {
    body.replaceChildren(el('tr', {}, el('td', { colSpan: 4, className: 'muted', textContent: 'none' })));
    return;
  }
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = el(
        'tr',
        r.frame >= 0 ? { tabIndex: 0, title: 'Show the callers and callees of this function' } : {},
        el('td', { className: 'num', textContent: formatWeight(r.weight, unit) }),
        el('td', { className: 'num', textContent: formatShare(r.ofFunction, 1) }),
        el('td', { className: 'num', textContent: formatShare(r.ofProfile, 1) }),
        el('td', { textContent: r.name, className: r.frame >= 0 ? '' : 'muted' }),
      );
      if (r.frame >= 0) tr.dataset.frame = String(r.frame);
      return tr;
    }),
  );
}

function renderSandwich(frame: number): void {
  const p = profile();
  const model = sandwichModel(p, frame);
  const total = p.nodeTotal[0];
  sandwichTitle.textContent = model.name;
  sandwichWeights.textContent = `self ${formatWeight(model.self, p.unit)} (${formatShare(model.self, total)}) · total ${formatWeight(model.total, p.unit)} (${formatShare(model.total, total)})`;
  renderNeighbours(callersTable, model.callers, p.unit);
  renderNeighbours(calleesTable, model.callees, p.unit);
  document.body.dataset.sandwich = model.name;
}

function renderTable(): void {
  sandwichBox.hidden = state.sandwich < 0;
  if (state.sandwich >= 0) {
    table.hidden = changesTable.hidden = true;
    return renderSandwich(state.sandwich);
  }
  delete document.body.dataset.sandwich;
  table.hidden = !!state.diff;
  changesTable.hidden = !state.diff;
  if (state.diff) return renderChanges(state.diff);
  const p = profile();
  const total = p.nodeTotal[0];
  selfHeader.setAttribute('aria-sort', state.sortKey === 'self' ? 'descending' : 'none');
  totalHeader.setAttribute('aria-sort', state.sortKey === 'total' ? 'descending' : 'none');
  const rows = state.rows.slice(0, TABLE_ROWS).map((r) => {
    const tr = el(
      'tr',
      { tabIndex: 0, title: 'Open the source of this function' },
      el('td', { className: 'num', textContent: formatWeight(r.self, p.unit) }),
      el('td', { className: 'num', textContent: formatShare(r.self, total) }),
      el('td', { className: 'num', textContent: formatWeight(r.total, p.unit) }),
      el('td', { className: 'num', textContent: formatShare(r.total, total) }),
      el('td', { textContent: p.frames[r.frame].name || '(anonymous)' }),
      el('td', { className: 'muted', textContent: location(r.frame) }),
    );
    tr.dataset.frame = String(r.frame);
    return tr;
  });
  tableBody.replaceChildren(...rows);
}

// ---------------------------------------------------------------- interaction
function rectAt(clientX: number, clientY: number): number {
  const layout = state.layout;
  if (!layout) return -1;
  const box = canvas.getBoundingClientRect();
  const px = clientX - box.left;
  const py = clientY - box.top;
  const x = state.view.start + (px / cssWidth) * (state.view.end - state.view.start);
  const row = state.orientation === 'icicle' ? Math.floor((py + state.view.scrollY) / ROW) : Math.floor((cssHeight + state.view.scrollY - py) / ROW) - 1;
  return hitTest(layout, x, row);
}

function showTooltip(i: number, clientX: number, clientY: number): void {
  const layout = state.layout;
  if (!layout || i < 0) {
    tooltip.hidden = true;
    return;
  }
  const p = profile();
  const node = layout.node[i];
  const frame = p.frames[p.nodeFrame[node]];
  const total = p.nodeTotal[0];
  const where = frame.file ? `${frame.file}${frame.line ? `:${frame.line}` : ''}` : 'no source location';
  tooltip.replaceChildren(
    el('div', { className: 'name', textContent: frame.name || '(anonymous)' }),
    el('div', { className: 'muted', textContent: where }),
    el('div', { textContent: `total ${formatWeight(p.nodeTotal[node], p.unit)} (${formatShare(p.nodeTotal[node], total)})` }),
    el('div', { textContent: `self ${formatWeight(p.nodeSelf[node], p.unit)} (${formatShare(p.nodeSelf[node], total)})` }),
  );
  if (state.diff) {
    const d = nodeDelta(state.diff, node);
    const before = formatShare(state.diff.beforeTotal[node], state.diff.beforeTotalWeight);
    tooltip.append(el('div', { textContent: `before ${before} → after ${formatShare(p.nodeTotal[node], total)} (${d >= 0 ? '+' : ''}${d.toFixed(2)} pts)` }));
  }
  tooltip.hidden = false;
  const box = flameBox.getBoundingClientRect();
  const left = Math.min(clientX - box.left + 12, box.width - tooltip.offsetWidth - 4);
  const top = clientY - box.top + 16 + tooltip.offsetHeight > box.height ? clientY - box.top - tooltip.offsetHeight - 8 : clientY - box.top + 16;
  tooltip.style.left = `${Math.max(0, left)}px`;
  tooltip.style.top = `${Math.max(0, top)}px`;
}

/** Highlights every frame of the function `name` and zooms to its widest rectangle. */
function focusFunction(name: string): void {
  const layout = state.layout;
  if (!layout) return;
  searchBox.value = name;
  updateSearch();
  const frames = profile().frames;
  const nodeFrame = profile().nodeFrame;
  let best = -1;
  for (let i = 0; i < layout.count; i++) {
    if (frames[nodeFrame[layout.node[i]]].name === name && (best < 0 || layout.width[i] > layout.width[best])) best = i;
  }
  if (best < 0) return;
  state.selected = best;
  setView(focusOn(state.view, layout.extent, layout.x[best], layout.width[best]));
}

function reveal(frame: number): void {
  post({ type: 'source/reveal', profile: state.index, frame });
}

function showSandwich(frame: number): void {
  state.sandwich = frame;
  renderTable();
  sandwichBox.scrollIntoView?.({ block: 'nearest' });
}

function closeSandwich(): void {
  state.sandwich = -1;
  renderTable();
}

// ---------------------------------------------------------------- context menu
function openMenu(i: number, clientX: number, clientY: number): void {
  state.menuFor = i;
  state.selected = i;
  // the diff view's host has no chat to ask
  (menu.querySelector('[data-action="why"]') as HTMLElement).hidden = !!state.diff;
  scheduleDraw();
  tooltip.hidden = true;
  menu.hidden = false;
  const box = flameBox.getBoundingClientRect();
  menu.style.left = `${Math.max(0, Math.min(clientX - box.left, box.width - menu.offsetWidth - 2))}px`;
  menu.style.top = `${Math.max(0, Math.min(clientY - box.top, box.height - menu.offsetHeight - 2))}px`;
  (menu.querySelector('button:not([hidden])') as HTMLElement).focus();
}

function closeMenu(refocus: boolean): void {
  if (menu.hidden) return;
  menu.hidden = true;
  state.menuFor = -1;
  if (refocus) canvas.focus();
}

function runMenuAction(action: MenuAction): void {
  const layout = state.layout;
  const i = state.menuFor;
  closeMenu(action !== 'sandwich');
  if (!layout || i < 0) return;
  const p = profile();
  const frame = p.nodeFrame[layout.node[i]];
  switch (action) {
    case 'why':
      post({ type: 'frame/why', profile: state.index, frame });
      break;
    case 'focus':
      focusFunction(p.frames[frame].name);
      break;
    case 'sandwich':
      showSandwich(frame);
      break;
  }
}

canvas.addEventListener('contextmenu', (e) => {
  e.preventDefault();
  const i = rectAt(e.clientX, e.clientY);
  if (i < 0) return closeMenu(false);
  openMenu(i, e.clientX, e.clientY);
});
menu.addEventListener('click', (e) => {
  const action = (e.target as HTMLElement).closest('button')?.dataset.action as MenuAction | undefined;
  if (action) runMenuAction(action);
});
menu.addEventListener('keydown', (e) => {
  const items = [...menu.querySelectorAll<HTMLButtonElement>('button:not([hidden])')];
  const at = items.indexOf(document.activeElement as HTMLButtonElement);
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length].focus();
  } else if (e.key === 'Escape' || e.key === 'Tab') {
    closeMenu(true);
  } else {
    return;
  }
  e.preventDefault();
});
window.addEventListener('mousedown', (e) => {
  if (!menu.contains(e.target as Node)) closeMenu(false);
});
window.addEventListener('blur', () => closeMenu(false));

function setView(v: Viewport): void {
  state.view = clampView(v, state.layout?.extent || 1, maxScroll());
  scheduleDraw();
}

let drag: { x: number; y: number; view: Viewport; moved: boolean } | undefined;

canvas.addEventListener('mousedown', (e) => {
  // the right button opens the context menu; it neither pans nor reveals
  if (e.button !== 0) return;
  drag = { x: e.clientX, y: e.clientY, view: state.view, moved: false };
});
window.addEventListener('mousemove', (e) => {
  if (drag && (e.buttons & 1) === 1) {
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (drag.moved) {
      const extent = state.layout?.extent || 1;
      const sign = state.orientation === 'icicle' ? -1 : 1;
      setView(panBy(drag.view, extent, -dx / cssWidth, sign * dy, maxScroll()));
      tooltip.hidden = true;
    }
    return;
  }
  if (e.target !== canvas) return;
  const i = rectAt(e.clientX, e.clientY);
  state.hover = i;
  showTooltip(i, e.clientX, e.clientY);
});
window.addEventListener('mouseup', (e) => {
  const wasClick = drag && !drag.moved && e.target === canvas;
  drag = undefined;
  if (!wasClick) return;
  const i = rectAt(e.clientX, e.clientY);
  state.selected = i;
  scheduleDraw();
  if (i >= 0) reveal(profile().nodeFrame[state.layout!.node[i]]);
});
canvas.addEventListener('mouseleave', () => {
  tooltip.hidden = true;
});
canvas.addEventListener('dblclick', (e) => {
  const i = rectAt(e.clientX, e.clientY);
  const layout = state.layout;
  if (i >= 0 && layout) setView(focusOn(state.view, layout.extent, layout.x[i], layout.width[i]));
});
canvas.addEventListener(
  'wheel',
  (e) => {
    e.preventDefault();
    const extent = state.layout?.extent || 1;
    const box = canvas.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      setView(zoomAt(state.view, extent, (e.clientX - box.left) / cssWidth, Math.exp(-e.deltaY * 0.01)));
    } else {
      const sign = state.orientation === 'icicle' ? 1 : -1;
      setView(panBy(state.view, extent, (e.shiftKey ? e.deltaY : e.deltaX) / cssWidth, e.shiftKey ? 0 : sign * e.deltaY, maxScroll()));
    }
  },
  { passive: false },
);
canvas.addEventListener('keydown', (e) => {
  const layout = state.layout;
  if (!layout) return;
  const extent = layout.extent;
  switch (e.key) {
    case '+':
    case '=':
      setView(zoomAt(state.view, extent, 0.5, 1.5));
      break;
    case '-':
    case '_':
      setView(zoomAt(state.view, extent, 0.5, 1 / 1.5));
      break;
    case 'ArrowLeft':
      setView(panBy(state.view, extent, -0.1));
      break;
    case 'ArrowRight':
      setView(panBy(state.view, extent, 0.1));
      break;
    case 'ArrowUp':
      setView(panBy(state.view, extent, 0, state.orientation === 'icicle' ? -ROW * 3 : ROW * 3, maxScroll()));
      break;
    case 'ArrowDown':
      setView(panBy(state.view, extent, 0, state.orientation === 'icicle' ? ROW * 3 : -ROW * 3, maxScroll()));
      break;
    case '0':
    case 'Escape':
      setView(fullView(extent));
      break;
    case 'ContextMenu':
    case 'F10':
      if (e.key === 'F10' && !e.shiftKey) return;
      if (state.selected >= 0) {
        const box = canvas.getBoundingClientRect();
        const x = Math.max(0, (layout.x[state.selected] - state.view.start) * (cssWidth / (state.view.end - state.view.start)));
        openMenu(state.selected, box.left + x + 8, box.top + rowTop(layout.depth[state.selected]) + ROW);
      }
      break;
    case 'Enter':
      if (state.selected >= 0) {
        setView(focusOn(state.view, extent, layout.x[state.selected], layout.width[state.selected]));
        reveal(profile().nodeFrame[layout.node[state.selected]]);
      }
      break;
    default:
      return;
  }
  e.preventDefault();
});
window.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== searchBox) {
    e.preventDefault();
    searchBox.focus();
  }
});
searchBox.addEventListener('input', updateSearch);
threadPicker.addEventListener('change', () => selectProfile(Number(threadPicker.value)));
modePicker.addEventListener('change', () => {
  state.mode = modePicker.value as LayoutMode;
  relayout();
});
orientationButton.addEventListener('click', () => {
  state.orientation = state.orientation === 'icicle' ? 'flame' : 'icicle';
  orientationButton.textContent = state.orientation === 'icicle' ? 'Icicle' : 'Flame';
  setView({ ...state.view, scrollY: 0 });
});
resetButton.addEventListener('click', () => setView(fullView(state.layout?.extent || 1)));
for (const [header, key] of [[selfHeader, 'self'], [totalHeader, 'total']] as const) {
  header.addEventListener('click', () => {
    state.sortKey = key;
    state.rows = sortRows(state.rows, key);
    renderTable();
  });
}
tableBody.addEventListener('click', (e) => {
  const row = (e.target as HTMLElement).closest('tr');
  if (row?.dataset.frame) reveal(Number(row.dataset.frame));
});
for (const t of [callersTable, calleesTable]) {
  const open = (e: Event) => {
    const row = (e.target as HTMLElement).closest('tr');
    if (row?.dataset.frame) showSandwich(Number(row.dataset.frame));
  };
  t.tBodies[0].addEventListener('click', open);
  t.tBodies[0].addEventListener('keydown', (e) => {
    if (e.key === 'Enter') open(e);
  });
}
sandwichSource.addEventListener('click', () => reveal(state.sandwich));
sandwichClose.addEventListener('click', closeSandwich);
sandwichBox.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeSandwich();
});
tableBody.addEventListener('keydown', (e) => {
  const row = (e.target as HTMLElement).closest('tr');
  if (e.key === 'Enter' && row?.dataset.frame) reveal(Number(row.dataset.frame));
});

new ResizeObserver(resize).observe(flameBox);
// VS Code swaps the theme variables on the <html> element's style when the theme changes
new MutationObserver(() => {
  readTheme();
  scheduleDraw();
}).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

// ---------------------------------------------------------------- messages
window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseToWebview(event.data);
  if (!parsed.ok) {
    console.warn(`hotpath: ignored message: ${parsed.error}`);
    post({ type: 'webview/error', message: `ignored message: ${parsed.error}` });
    if (!state.profiles.length) status.textContent = `Cannot show this profile: ${parsed.error}`;
    return;
  }
  const message = parsed.message;
  switch (message.type) {
    case 'diff/load': {
      state.profiles = [message.profile];
      state.index = 0;
      let max = 0;
      const diff: DiffState = { beforeTotal: message.beforeTotal, beforeTotalWeight: message.beforeTotalWeight, changes: message.changes, scale: 1 };
      for (let n = 1; n < message.profile.nodeCount; n++) max = Math.max(max, Math.abs(nodeDelta(diff, n)));
      diff.scale = Math.max(max, 0.5);
      state.diff = diff;
      threadPicker.replaceChildren(el('option', { value: '0', textContent: message.profile.name }));
      threadPicker.disabled = true;
      status.textContent = `${message.before} → ${message.after} · red: larger share after, blue: smaller`;
      selectProfile(0);
      break;
    }
    case 'profile/load': {
      state.diff = undefined;
      state.profiles = message.profiles;
      threadPicker.replaceChildren(...message.profiles.map((p, i) => el('option', { value: String(i), textContent: p.name || `Profile ${i + 1}` })));
      threadPicker.disabled = message.profiles.length < 2;
      status.textContent = `${message.source} · ${message.format}`;
      selectProfile(Math.min(message.activeIndex, message.profiles.length - 1));
      break;
    }
    case 'profile/error':
      status.textContent = message.message;
      status.classList.add('error');
      break;
    case 'flame/focus':
      focusFunction(message.name);
      break;
    case 'source/unavailable':
      status.textContent = message.reason;
      break;
  }
});

readTheme();
post({ type: 'ready' });
