/**
 * The Efficiency Report panel: headline tiles and a d3 chart of the CPU share saved over
 * time (one dot per verified fix or resolved regression). Data arrives by postMessage after
 * `ready`; `rendered` tells the host what was drawn.
 */
import './report.css';
import { area, axisBottom, axisLeft, curveStepAfter, line, scaleLinear, scaleTime, select } from 'd3';
import { percentText, tiles } from './format';
import { parseToReport, type Report, type ReportToHost } from './protocol';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const host = acquireVsCodeApi();
const post = (m: ReportToHost) => host.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function render(report: Report): void {
  const { totals } = report;
  document.body.replaceChildren();
  const header = el('header');
  header.append(el('h1', undefined, 'Hotpath: Efficiency Report'));
  const refresh = el('button', undefined, 'Refresh');
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  header.append(refresh);
  document.body.append(header, el('div', 'muted', `From ${report.source}; ${totals.entries} ledger entries.`));

  const grid = el('div', 'tiles');
  for (const t of tiles(totals, report.fleet)) {
    const tile = el('div', 'tile');
    tile.append(el('div', 'label', t.label), el('div', 'value', t.value), el('div', 'detail', t.detail));
    grid.append(tile);
  }
  document.body.append(grid, el('h2', undefined, 'CPU share saved over time'));
  const points = drawChart(totals.series);

  if (report.problems.length) {
    document.body.append(el('h2', 'error', 'Problems reading the ledger'));
    const ul = el('ul', 'problems');
    for (const p of report.problems) ul.append(el('li', 'error', p));
    document.body.append(ul);
  }
  post({
    type: 'rendered',
    fixes: totals.fixes,
    regressionsResolved: totals.regressionsResolved,
    cpuShareSaved: totals.cpuShareSaved,
    coresSaved: totals.coresSaved,
    medianTimeToMitigateMs: totals.medianTimeToMitigateMs,
    skillShare: totals.skillShare,
    points,
  });
}

/** Draws the cumulative saving as a step line; returns the number of points drawn. */
function drawChart(series: Report['totals']['series']): number {
  if (series.length === 0) {
    document.body.append(el('p', 'muted', 'Nothing recorded yet: "Apply and verify" a fix in the chat, or mark a regression fixed.'));
    return 0;
  }
  const width = Math.max(320, Math.min(1000, document.body.clientWidth - 32));
  const height = 240;
  const m = { top: 10, right: 16, bottom: 28, left: 52 };
  const first = series[0].time;
  const last = series[series.length - 1].time;
  // A single day of padding keeps one point (or points at one instant) off the frame's edges.
  const x = scaleTime()
    .domain(first === last ? [new Date(first - 43_200_000), new Date(last + 43_200_000)] : [new Date(first), new Date(last)])
    .range([m.left, width - m.right]);
  const top = Math.max(...series.map((p) => p.cpuShareSaved)) || 0.01;
  const y = scaleLinear().domain([0, top * 1.1]).range([height - m.bottom, m.top]).nice();
  const svg = select(document.body).append('svg').attr('class', 'chart').attr('width', width).attr('height', height).attr('role', 'img').attr('aria-label', 'CPU share saved over time');
  const withStart = [{ ...series[0], cpuShareSaved: 0 }, ...series];
  svg.append('path').attr('class', 'area').attr('d', area<(typeof withStart)[number]>().x((p) => x(p.time)).y0(y(0)).y1((p) => y(p.cpuShareSaved)).curve(curveStepAfter)(withStart));
  svg.append('path').attr('class', 'saved').attr('d', line<(typeof withStart)[number]>().x((p) => x(p.time)).y((p) => y(p.cpuShareSaved)).curve(curveStepAfter)(withStart));
  let previous = { fixes: 0, regressionsResolved: 0 };
  const dots = series.map((p) => {
    const kind = p.fixes > previous.fixes ? 'fix' : 'regression';
    previous = p;
    return { ...p, kind };
  });
  svg
    .selectAll('circle')
    .data(dots)
    .join('circle')
    .attr('class', (d) => `dot ${d.kind}`)
    .attr('r', 4)
    .attr('cx', (d) => x(d.time))
    .attr('cy', (d) => y(d.cpuShareSaved))
    .append('title')
    .text((d) => `${new Date(d.time).toLocaleString()}: ${d.kind === 'fix' ? 'verified fix' : 'regression resolved'}, ${percentText(d.cpuShareSaved)} saved in total`);
  svg.append('g').attr('class', 'axis').attr('transform', `translate(0,${height - m.bottom})`).call(axisBottom(x).ticks(Math.max(2, Math.floor(width / 120))));
  svg.append('g').attr('class', 'axis').attr('transform', `translate(${m.left},0)`).call(axisLeft(y).ticks(5).tickFormat((v) => percentText(Number(v))));
  const legend = el('div', 'legend muted');
  legend.append(el('span', 'fix', '● verified fix'), el('span', 'regression', '● regression resolved'));
  document.body.append(legend);
  return dots.length;
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseToReport(event.data);
  if (!parsed.ok) {
    post({ type: 'webview/error', message: parsed.error });
    return;
  }
  const m = parsed.message;
  try {
    if (m.type === 'report/load') render(m.report);
    else document.body.replaceChildren(el('h1', undefined, 'Hotpath: Efficiency Report'), el('p', 'error', m.message));
  } catch (e) {
    post({ type: 'webview/error', message: `${m.type}: ${e instanceof Error ? e.message : String(e)}` });
  }
});
window.addEventListener('error', (e) => post({ type: 'webview/error', message: e.message }));
post({ type: 'ready' });
