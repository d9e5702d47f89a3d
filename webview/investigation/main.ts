/**
 * The regression investigation panel (browser side): the d3 timeline with the change point,
 * its confidence band, deploy and commit markers, zoom (wheel/drag) and a brush on the
 * overview strip; the differential flame graph on a canvas (the flame graph's own layout and
 * diff colours); the ranked suspects; the offline analysis streaming in; status buttons.
 * Everything the host sends is validated (protocol.ts); text is only ever set as text.
 */
import './investigation.css';
import { axisBottom, axisLeft, brushX, scaleLinear, scaleTime, select, zoom, zoomIdentity, type D3BrushEvent, type D3ZoomEvent, type ScaleTime } from 'd3';
import { diffFill, labelColor, mix, parseColor, toCss, type Rgba } from '../flamegraph/colors';
import { formatWeight } from '../flamegraph/format';
import { hitTest, leftHeavyLayout, type FlameLayout } from '../flamegraph/layout';
import type { WireProfile } from '../protocol';
import { parseMarkdown, type Inline } from '../chat/markdown';
import { parseToPanel, type Investigation, type PanelToHost, type ToPanel } from './protocol';
import { percent, timelineModel, type TimelineModel } from './timeline';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const host = acquireVsCodeApi();
const post = (m: PanelToHost) => host.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: { class?: string; text?: string; title?: string } = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs.class) e.className = attrs.class;
  if (attrs.text !== undefined) e.textContent = attrs.text;
  if (attrs.title) e.title = attrs.title;
  for (const c of children) e.append(c);
  return e;
}

const root = el('main', { class: 'investigation' });
document.body.append(root);
root.append(el('p', { class: 'muted', text: 'Loading the regression…' }));

let inv: Investigation | undefined;
let timelineDrawn = 0;
let markerCount = 0;
let rectangles = 0;
let diff: { profile: WireProfile; layout: FlameLayout; beforeTotal: Float64Array; beforeTotalWeight: number; focus: string } | undefined;
const analysisText = el('div', { class: 'analysis-text' });
const proposalBox = el('div', { class: 'proposal' });
const flameStatus = el('div', { class: 'muted flame-status', text: 'Loading the before/after profiles…' });
const canvas = el('canvas', { class: 'flame' });
const statusBadge = el('span', { class: 'badge' });

function reportRendered(): void {
  post({ type: 'rendered', points: timelineDrawn, markers: markerCount, rectangles });
}

// ---- layout ---------------------------------------------------------------------------------

function build(data: Investigation): void {
  inv = data;
  root.replaceChildren();
  const buttons = el('div', { class: 'actions' });
  for (const [status, label] of [
    ['acknowledged', 'Acknowledge'],
    ['false_positive', 'Mark false positive'],
    ['fixed', 'Mark fixed'],
  ] as const) {
    const b = el('button', { text: label });
    b.dataset.status = status;
    b.addEventListener('click', () => post({ type: 'status/set', status }));
    buttons.append(b);
  }
  setStatus(data.status);
  root.append(
    el('header', {}, el('h1', { text: data.headline }), statusBadge, buttons),
    el('p', { class: 'muted', text: `${data.service} · ${data.type} · ${data.function.file || 'unknown file'}${data.function.line > 0 ? `:${data.function.line}` : ''}${data.impact ? ` · ${data.impact}` : ''} · p = ${data.changePoint.pValue.toPrecision(2)}` }),
  );
  const timeline = el('section', { class: 'timeline' }, el('h2', { text: `${data.function.name}: inclusive share per profile window` }));
  root.append(timeline);
  drawTimeline(timeline, data);

  const suspects = el('section', { class: 'suspects' }, el('h2', { text: 'Suspect commits' }));
  if (data.suspects.length === 0) suspects.append(el('p', { class: 'muted', text: 'No suspects: the service has no git repository for this service, or no commit in the range.' }));
  const list = el('ol');
  for (const s of data.suspects) {
    const link = el('a', { text: s.sha.slice(0, 10), title: 'Open the commit diff' });
    link.href = '#';
    link.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'commit/open', sha: s.sha });
    });
    const why = el('ul', { class: 'why' });
    for (const line of s.evidence) why.append(el('li', { text: line }));
    list.append(el('li', {}, link, el('span', { text: ` ${s.subject}${s.author ? ` — ${s.author}` : ''} ` }), el('span', { class: 'muted', text: `score ${s.score.toFixed(2)}` }), why));
  }
  suspects.append(list);

  const flame = el('section', { class: 'flame-section' }, el('h2', { text: 'Differential flame graph (after vs before; red gained share, blue lost)' }), flameStatus, canvas);
  const analysis = el('section', { class: 'analysis' }, el('h2', { text: 'Analysis' }), analysisText, proposalBox);
  root.append(el('div', { class: 'columns' }, el('div', {}, flame, suspects), analysis));
  canvas.addEventListener('mousemove', onFlameHover);
  if (diff) drawFlame();
}

function setStatus(status: Investigation['status']): void {
  statusBadge.textContent = status.replace('_', ' ');
  statusBadge.dataset.status = status;
}

// ---- timeline (d3) --------------------------------------------------------------------------

function drawTimeline(section: HTMLElement, data: Investigation): void {
  const model: TimelineModel = timelineModel(data);
  const width = Math.max(480, section.clientWidth || root.clientWidth || 800);
  const height = 220;
  const overview = 48;
  const m = { top: 12, right: 16, bottom: 24, left: 56 };
  const x = scaleTime().domain(model.x).range([m.left, width - m.right]);
  const y = scaleLinear().domain(model.y).range([height - m.bottom, m.top]);
  const svg = select(section).append('svg').attr('class', 'chart').attr('width', width).attr('height', height).attr('role', 'img');
  svg.append('defs').append('clipPath').attr('id', 'clip').append('rect').attr('x', m.left).attr('y', 0).attr('width', width - m.left - m.right).attr('height', height);
  const plot = svg.append('g').attr('clip-path', 'url(#clip)');
  const band = plot.append('rect').attr('class', 'band');
  const markers = plot.selectAll('g.marker').data(model.markers).join('g').attr('class', (d) => `marker ${d.kind}`);
  markers.append('line').attr('y1', m.top).attr('y2', height - m.bottom);
  markers.append('text').attr('y', m.top + 10).attr('dx', 3).text((d) => d.label);
  const levels = plot.selectAll('line.level').data([model.before, model.after]).join('line').attr('class', (_d, i) => (i ? 'level after' : 'level before'));
  const change = plot.append('line').attr('class', 'change').attr('y1', m.top).attr('y2', height - m.bottom);
  const line = plot.append('path').attr('class', 'series');
  const dots = plot.selectAll('circle').data(data.points).join('circle').attr('r', 2.5).attr('class', (_d, i) => (i >= data.changePoint.index ? 'dot after' : 'dot before'));
  dots.append('title').text((d) => `${new Date(d.time).toISOString()} · ${percent(d.value)}${d.commit ? ` · ${d.commit.slice(0, 7)}` : ''}`);
  const xAxis = svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - m.bottom})`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => percent(Number(v))));

  const draw = (xs: ScaleTime<number, number>) => {
    band.attr('x', xs(model.band.from)).attr('width', Math.max(0, xs(model.band.to) - xs(model.band.from))).attr('y', y(model.band.high)).attr('height', Math.max(1, y(model.band.low) - y(model.band.high)));
    markers.attr('transform', (d) => `translate(${xs(d.time)},0)`);
    levels.attr('x1', (d) => xs(d.from)).attr('x2', (d) => xs(d.to)).attr('y1', (d) => y(d.value)).attr('y2', (d) => y(d.value));
    change.attr('x1', xs(data.changePoint.time)).attr('x2', xs(data.changePoint.time));
    line.attr('d', data.points.map((p, i) => `${i ? 'L' : 'M'}${xs(p.time).toFixed(1)},${y(p.value).toFixed(1)}`).join(''));
    dots.attr('cx', (d) => xs(d.time)).attr('cy', (d) => y(d.value));
    xAxis.call(axisBottom(xs).ticks(Math.max(2, Math.floor(width / 110))));
  };

  // Overview strip with a brush; the brush and the wheel/drag zoom drive each other.
  const x2 = scaleTime().domain(model.x).range(x.range());
  const y2 = scaleLinear().domain(model.y).range([overview - 4, 4]);
  const small = select(section).append('svg').attr('class', 'chart overview').attr('width', width).attr('height', overview);
  small.append('path').attr('class', 'series').attr('d', data.points.map((p, i) => `${i ? 'L' : 'M'}${x2(p.time).toFixed(1)},${y2(p.value).toFixed(1)}`).join(''));
  small.append('line').attr('class', 'change').attr('x1', x2(data.changePoint.time)).attr('x2', x2(data.changePoint.time)).attr('y1', 0).attr('y2', overview);
  const [r0, r1] = x.range();
  const brush = brushX().extent([[r0, 0], [r1, overview]]);
  const brushG = small.append('g').attr('class', 'brush');
  const zoomer = zoom<SVGSVGElement, unknown>()
    .scaleExtent([1, 64])
    .translateExtent([[r0, 0], [r1, height]])
    .extent([[r0, 0], [r1, height]]);
  let syncing = false;
  zoomer.on('zoom', (event: D3ZoomEvent<SVGSVGElement, unknown>) => {
    const xs = event.transform.rescaleX(x2);
    draw(xs);
    if (syncing) return;
    syncing = true;
    brushG.call(brush.move, xs.range().map(event.transform.invertX, event.transform) as [number, number]);
    syncing = false;
  });
  brush.on('brush end', (event: D3BrushEvent<unknown>) => {
    if (syncing || !event.selection) return;
    const [s0, s1] = event.selection as [number, number];
    syncing = true;
    svg.call(zoomer.transform, zoomIdentity.scale((r1 - r0) / Math.max(1, s1 - s0)).translate(r0 - s0, 0));
    syncing = false;
  });
  brushG.call(brush).call(brush.move, [r0, r1]);
  svg.call(zoomer);
  draw(x);
  timelineDrawn = data.points.length;
  markerCount = model.markers.length;
}

// ---- differential flame graph (canvas) ------------------------------------------------------

const ROW = 18;
let hover = -1;

function nodeDelta(node: number): number {
  if (!diff) return 0;
  const p = diff.profile;
  const after = p.nodeTotal[0] > 0 ? p.nodeTotal[node] / p.nodeTotal[0] : 0;
  const before = diff.beforeTotalWeight > 0 ? diff.beforeTotal[node] / diff.beforeTotalWeight : 0;
  return (after - before) * 100;
}

function drawFlame(): void {
  if (!diff) return;
  const { layout, profile } = diff;
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: Rgba): Rgba => parseColor(style.getPropertyValue(name)) ?? fallback;
  const background = read('--vscode-editor-background', [30, 30, 30, 1]);
  const neutral = mix(read('--vscode-descriptionForeground', [128, 128, 128, 1]), background, 0.55);
  const gain = read('--vscode-charts-red', [241, 76, 76, 1]);
  const loss = read('--vscode-charts-blue', [55, 148, 255, 1]);
  const focusColor = style.getPropertyValue('--vscode-focusBorder').trim() || '#007fd4';
  let scale = 0;
  for (let i = 0; i < layout.count; i++) scale = Math.max(scale, Math.abs(nodeDelta(layout.node[i])));
  const width = Math.max(320, canvas.parentElement?.clientWidth ?? 600);
  const rows = Math.min(layout.rows, 40);
  const height = rows * ROW + 2;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
  ctx.textBaseline = 'middle';
  const k = width / (layout.extent || 1);
  let drawn = 0;
  for (let i = 0; i < layout.count; i++) {
    if (layout.depth[i] >= rows) continue;
    const w = layout.width[i] * k;
    if (w < 0.5) continue;
    const x = layout.x[i] * k;
    const y = layout.depth[i] * ROW;
    const node = layout.node[i];
    const fill = diffFill(nodeDelta(node), scale, gain, loss, neutral);
    ctx.fillStyle = toCss(fill);
    ctx.fillRect(x, y, Math.max(0.5, w - 1), ROW - 1);
    const name = profile.frames[profile.nodeFrame[node]]?.name ?? '';
    if (name === diff.focus) {
      ctx.strokeStyle = focusColor;
      ctx.lineWidth = 2;
      ctx.strokeRect(x + 1, y + 1, Math.max(0.5, w - 3), ROW - 3);
    }
    if (w > 30) {
      ctx.fillStyle = labelColor(fill);
      ctx.fillText(fit(ctx, name, w - 6), x + 3, y + ROW / 2);
    }
    drawn++;
  }
  rectangles = drawn;
  flameStatus.textContent = `${drawn} frames · ${formatWeight(profile.totalWeight, profile.unit)} after, ${formatWeight(diff.beforeTotalWeight, profile.unit)} before · hover a frame for its change`;
}

function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo > 0 ? `${text.slice(0, lo)}…` : '';
}

function onFlameHover(e: MouseEvent): void {
  if (!diff) return;
  const rect = canvas.getBoundingClientRect();
  const k = rect.width / (diff.layout.extent || 1);
  const i = hitTest(diff.layout, (e.clientX - rect.left) / k, Math.floor((e.clientY - rect.top) / ROW));
  if (i === hover) return;
  hover = i;
  if (i < 0) return drawFlame();
  const node = diff.layout.node[i];
  const p = diff.profile;
  const name = p.frames[p.nodeFrame[node]]?.name ?? '';
  const after = (100 * p.nodeTotal[node]) / (p.nodeTotal[0] || 1);
  const delta = nodeDelta(node);
  flameStatus.textContent = `${name}: ${after.toFixed(2)}% of the after-profile (${delta >= 0 ? '+' : '−'}${Math.abs(delta).toFixed(2)} points)`;
}

// ---- analysis (markdown subset, built as DOM with text only) --------------------------------

let analysisSource = '';

function inlines(parent: HTMLElement, items: Inline[]): void {
  for (const i of items) {
    if (i.t === 'text') parent.append(i.text);
    else if (i.t === 'code') parent.append(el('code', { text: i.text }));
    else if (i.t === 'strong' || i.t === 'em') {
      const e = el(i.t === 'strong' ? 'strong' : 'em');
      inlines(e, i.children);
      parent.append(e);
    } else if (i.target.kind === 'file') {
      const { file, line } = i.target;
      const a = el('a', { title: `${file}${line ? `:${line}` : ''}` });
      a.href = '#';
      a.addEventListener('click', (e) => {
        e.preventDefault();
        post({ type: 'source/open', file, ...(line ? { line } : {}) });
      });
      inlines(a, i.children);
      parent.append(a);
    } else {
      // External links stay text: the panel opens nothing outside the workspace.
      inlines(parent, i.children);
    }
  }
}

function renderAnalysis(): void {
  const out: HTMLElement[] = [];
  for (const b of parseMarkdown(analysisSource)) {
    if (b.t === 'heading') {
      const h = el(b.level <= 2 ? 'h3' : 'h4');
      inlines(h, b.inlines);
      out.push(h);
    } else if (b.t === 'paragraph') {
      const p = el('p');
      inlines(p, b.inlines);
      out.push(p);
    } else if (b.t === 'code') out.push(el('pre', { class: 'code', text: b.text }));
    else if (b.t === 'list') {
      const list = el(b.ordered ? 'ol' : 'ul');
      for (const item of b.items) {
        const li = el('li');
        inlines(li, item);
        list.append(li);
      }
      out.push(list);
    } else out.push(el('hr'));
  }
  analysisText.replaceChildren(...out);
}

// ---- messages -------------------------------------------------------------------------------

function onMessage(m: ToPanel): void {
  switch (m.type) {
    case 'investigation/load':
      build(m.investigation);
      reportRendered();
      return;
    case 'diff/load':
      diff = { profile: m.profile, layout: leftHeavyLayout(m.profile), beforeTotal: m.beforeTotal, beforeTotalWeight: m.beforeTotalWeight, focus: m.focus };
      if (inv) {
        drawFlame();
        reportRendered();
      }
      return;
    case 'diff/unavailable':
      flameStatus.textContent = m.reason;
      return;
    case 'analysis/chunk':
      analysisSource += m.text;
      renderAnalysis();
      return;
    case 'analysis/done': {
      if (!m.proposal) {
        proposalBox.replaceChildren(el('p', { class: 'muted', text: 'No edit to propose: no skill matched the regressed code and no suspect commit can be reverted cleanly.' }));
        return;
      }
      const open = el('button', { text: 'Open diff' });
      open.addEventListener('click', () => post({ type: 'proposal/open' }));
      const apply = el('button', { text: m.proposal.kind === 'fix' ? 'Apply fix' : 'Apply revert to the working tree' });
      apply.addEventListener('click', () => post({ type: 'proposal/apply' }));
      const pr = el('button', { text: 'Verify and create pull request' });
      pr.addEventListener('click', () => post({ type: 'proposal/pullRequest' }));
      proposalBox.replaceChildren(el('h3', { text: m.proposal.title }), el('pre', { class: 'diff', text: m.proposal.diff }), el('div', { class: 'actions' }, open, apply, ...(m.proposal.kind === 'fix' ? [pr] : [])));
      return;
    }
    case 'analysis/error':
      analysisText.append(el('p', { class: 'error', text: m.message }));
      return;
    case 'status/updated':
      setStatus(m.status);
      return;
    case 'notice':
      proposalBox.append(el('p', { class: 'muted', text: m.message }));
      return;
  }
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseToPanel(event.data);
  if (!parsed.ok) {
    console.warn(`hotpath investigation: ${parsed.error}`);
    post({ type: 'webview/error', message: parsed.error });
    return;
  }
  try {
    onMessage(parsed.message);
  } catch (e) {
    post({ type: 'webview/error', message: `${parsed.message.type}: ${e instanceof Error ? e.message : String(e)}` });
  }
});
window.addEventListener('error', (e) => post({ type: 'webview/error', message: e.message }));
post({ type: 'ready' });
