/**
 * The built webview bundle (dist/webview.js + .css) in headless Chromium, without VS Code: a
 * stand-in for acquireVsCodeApi records what the view sends. Checks rendering (pixels),
 * keyboard zoom, search, click → source/reveal and malformed-message handling on a real
 * profile, then measures a large synthetic profile (first frame, zoom frame times).
 *
 *   npx tsx test/vscode/webview/browser.ts <resultsJson>
 *   HOTPATH_WEBVIEW_BENCH_SAMPLES=1000000 … (default 100000; 0 skips the measurement)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { importProfileFile } from '../../../src/core/profile/importers/index';
import type { Profile } from '../../../src/core/profile/model';
import { leftHeavyLayout } from '../../../webview/flamegraph/layout';
import { sandwichModel } from '../../../webview/flamegraph/sandwich';
import { labelContrast } from './contrast';

const root = path.resolve(__dirname, '../../..');
const resultsFile = process.argv[2] ?? path.join(root, 'test-artifacts', 'vscode', 'webview-results.json');
const artifacts = path.join(root, 'test-artifacts', 'vscode');
const benchSamples = Number(process.env.HOTPATH_WEBVIEW_BENCH_SAMPLES ?? 100000);

/** Dark-theme values of the variables VS Code puts on the webview's <html>. */
const THEME = `:root {
  --vscode-editor-background: #1e1e1e; --vscode-editor-foreground: #d4d4d4; --vscode-foreground: #cccccc;
  --vscode-font-family: sans-serif; --vscode-font-size: 13px; --vscode-descriptionForeground: #9d9d9d;
  --vscode-charts-orange: #d18616; --vscode-charts-yellow: #cca700; --vscode-charts-red: #f14c4c;
  --vscode-charts-purple: #b180d7; --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185;
  --vscode-focusBorder: #007fd4; --vscode-input-background: #3c3c3c; --vscode-input-foreground: #cccccc;
}`;

/** Plain-array form (what a JSON round trip gives; the protocol turns it back into typed arrays). */
function wire(p: Profile) {
  return {
    name: p.name,
    unit: p.unit,
    frames: p.frames,
    nodeCount: p.nodeCount,
    nodeFrame: Array.from(p.nodeFrame),
    nodeParent: Array.from(p.nodeParent),
    nodeSelf: Array.from(p.nodeSelf),
    nodeTotal: Array.from(p.nodeTotal),
    sampleCount: p.sampleCount,
    totalWeight: p.totalWeight,
    ...(p.timeline
      ? { timeline: { node: Array.from(p.timeline.node), weight: Array.from(p.timeline.weight), time: Array.from(p.timeline.time) } }
      : {}),
  };
}

/**
 * A deterministic profile of `samples` samples, shaped like a real one: consecutive samples
 * share most of their stack, call sites branch a few ways with a skew toward the first, so a
 * million samples give some hundred thousand distinct call paths over 3000 functions.
 */
export function syntheticProfile(samples: number): Profile {
  const b = new ProfileBuilder('synthetic', 'samples', { timeline: true });
  const frames = Array.from({ length: 3000 }, (_, i) => b.frame({ name: `fn${i}`, file: `src/m${i % 97}.ts`, line: 1 + (i % 400) }));
  let seed = 42;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const stack: number[] = [];
  for (let s = 0; s < samples; s++) {
    let depth = Math.max(0, stack.length - Math.floor(rand() * rand() * 10));
    stack.length = depth;
    const target = Math.max(4, Math.min(48, depth + Math.floor(rand() * 9) - 3));
    while (depth < target) {
      const parent = depth === 0 ? 0 : stack[depth - 1];
      const branch = rand() < 0.9 ? 0 : 1 + Math.floor(rand() * 3);
      stack[depth++] = frames[((Math.imul(parent + 1, 2654435761) >>> 0) + branch * 7919 + depth) % frames.length];
    }
    b.appendSample(stack, 1, undefined, s);
  }
  return b.build();
}

/** Light and high-contrast values of the variables the flame graph reads (VS Code's defaults). */
const THEMES: Record<string, string> = {
  dark: '',
  light: `--vscode-editor-background: #ffffff; --vscode-editor-foreground: #3b3b3b; --vscode-foreground: #3b3b3b;
    --vscode-descriptionForeground: #3b3b3b; --vscode-charts-orange: #d18616; --vscode-charts-yellow: #bf8803;
    --vscode-charts-red: #e51400; --vscode-charts-purple: #652d90; --vscode-charts-blue: #1a85ff; --vscode-charts-green: #388a34;
    --vscode-focusBorder: #005fb8; --vscode-input-background: #ffffff; --vscode-input-foreground: #3b3b3b;`,
  'high-contrast': `--vscode-editor-background: #000000; --vscode-editor-foreground: #ffffff; --vscode-foreground: #ffffff;
    --vscode-descriptionForeground: #ffffff; --vscode-charts-orange: #d18616; --vscode-charts-yellow: #ffd370;
    --vscode-charts-red: #f48771; --vscode-charts-purple: #b180d7; --vscode-charts-blue: #3794ff; --vscode-charts-green: #89d185;
    --vscode-focusBorder: #f38518; --vscode-input-background: #000000; --vscode-input-foreground: #ffffff; --vscode-contrastBorder: #6fc3df;`,
  'high-contrast-light': `--vscode-editor-background: #ffffff; --vscode-editor-foreground: #292929; --vscode-foreground: #292929;
    --vscode-descriptionForeground: #292929; --vscode-charts-orange: #8c4a00; --vscode-charts-yellow: #895503;
    --vscode-charts-red: #b5200d; --vscode-charts-purple: #652d90; --vscode-charts-blue: #0f4a85; --vscode-charts-green: #374e06;
    --vscode-focusBorder: #006bbd; --vscode-input-background: #ffffff; --vscode-input-foreground: #292929; --vscode-contrastBorder: #0f4a85;`,
};

interface Check {
  name: string;
  ok: boolean;
  detail?: unknown;
}

type Sent = { type: string; [k: string]: unknown };

async function openView(page: Page, js: string, css: string): Promise<void> {
  await page.setContent(`<!DOCTYPE html><html><head><style>${THEME}</style><style>${css}</style></head><body></body></html>`);
  // tsx compiles the functions handed to evaluate() with esbuild's keepNames helper
  await page.evaluate('window.__name = (f) => f');
  await page.evaluate(() => {
    const w = window as unknown as { __sent: { at: number; message: unknown }[]; acquireVsCodeApi: () => unknown };
    w.__sent = [];
    w.acquireVsCodeApi = () => ({ postMessage: (message: unknown) => w.__sent.push({ at: performance.now(), message }) });
  });
  await page.addScriptTag({ content: js });
  await page.waitForFunction(() => (window as unknown as { __sent: { message: Sent }[] }).__sent.some((s) => s.message.type === 'ready'));
}

const sent = (page: Page): Promise<{ at: number; message: Sent }[]> => page.evaluate(() => (window as unknown as { __sent: { at: number; message: Sent }[] }).__sent);

async function post(page: Page, json: string): Promise<number> {
  return page.evaluate((text) => {
    const t0 = performance.now();
    window.postMessage(JSON.parse(text), '*');
    return t0;
  }, json);
}

/** Posts a profile/load with typed arrays, as VS Code delivers the host's message; returns the send time. */
async function postTyped(page: Page, json: string): Promise<number> {
  return (await postTypedTimed(page, json)).t0;
}

/** Like postTyped, also timing the page's JSON.parse of the message (the benchmark's floor). */
async function postTypedTimed(page: Page, json: string): Promise<{ t0: number; parseMs: number }> {
  return page.evaluate((text) => {
    const p0 = performance.now();
    const m = JSON.parse(text);
    const parseMs = performance.now() - p0;
    for (const p of m.profiles) {
      p.nodeFrame = Int32Array.from(p.nodeFrame);
      p.nodeParent = Int32Array.from(p.nodeParent);
      p.nodeSelf = Float64Array.from(p.nodeSelf);
      p.nodeTotal = Float64Array.from(p.nodeTotal);
      if (p.timeline) p.timeline = { node: Int32Array.from(p.timeline.node), weight: Float64Array.from(p.timeline.weight), time: Float64Array.from(p.timeline.time) };
    }
    const t0 = performance.now();
    window.postMessage(m, '*');
    return { t0, parseMs };
  }, json);
}

async function waitRendered(page: Page, after: number): Promise<{ at: number; message: Sent }> {
  await page.waitForFunction(
    (t) => (window as unknown as { __sent: { at: number; message: Sent }[] }).__sent.some((s) => s.message.type === 'rendered' && s.at > t),
    after,
    { timeout: 60000 },
  );
  return (await sent(page)).find((s) => s.message.type === 'rendered' && s.at > after)!;
}

/** Depth (row) of the first node of `frame`: on the heaviest path for the frames the checks click. */
function rowOf(p: Profile, frame: number): number {
  let row = -1;
  for (let m = p.nodeFrame.indexOf(frame); m > 0; m = p.nodeParent[m]) row++;
  return row;
}

async function main(): Promise<void> {
  const js = fs.readFileSync(path.join(root, 'dist', 'webview.js'), 'utf8');
  const css = fs.readFileSync(path.join(root, 'dist', 'webview.css'), 'utf8');
  const fixture = await importProfileFile(path.join(root, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile'));
  const profile = fixture.profiles[fixture.activeIndex];
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-webview-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  const checks: Check[] = [];
  fs.mkdirSync(artifacts, { recursive: true });
  let bench: unknown;
  const check = async (name: string, fn: () => Promise<unknown>) => {
    try {
      const detail = await fn();
      checks.push({ name, ok: true, detail });
      console.log('ok  ', name, detail === undefined ? '' : JSON.stringify(detail));
    } catch (e) {
      checks.push({ name, ok: false, detail: String(e instanceof Error ? e.message : e) });
      console.log('FAIL', name, String(e instanceof Error ? e.message : e));
    }
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => console.log('[page error]', String(e).slice(0, 300)));
    await openView(page, js, css);

    await check('renders a real profile: rectangles and many colours on the canvas', async () => {
      const t0 = await post(page, JSON.stringify({ type: 'profile/load', source: 'node-cpu-prof.cpuprofile', format: 'cpuprofile', profiles: [wire(profile)], activeIndex: 0 }));
      const first = await waitRendered(page, t0);
      const colours = await page.evaluate(() => {
        const c = document.getElementById('flame') as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, Math.min(c.height, 200)).data;
        const seen = new Set<number>();
        for (let i = 0; i < data.length; i += 4 * 5) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
      if (!((first.message.rectangles as number) > 10) || colours < 8) throw new Error(`${JSON.stringify(first.message)}, ${colours} colours`);
      return { rectangles: first.message.rectangles, colours };
    });

    await check('keyboard zoom redraws a narrower window', async () => {
      await page.focus('#flame');
      const before = (await sent(page)).length;
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await page.waitForFunction((n) => (window as unknown as { __sent: unknown[] }).__sent.length > n, before);
      const after = (await sent(page)).filter((s) => s.message.type === 'rendered').pop()!;
      await page.keyboard.press('0');
      return { rectangles: after.message.rectangles };
    });

    await check('search reports the matched share (equal to the CLI total % of slugify)', async () => {
      await page.fill('#search', 'slugify');
      const text = await page.textContent('#match');
      if (text !== 'matched 8.35% of total') throw new Error(`#match says ${text}`);
      await page.fill('#search', '');
      return text;
    });

    await check('clicking a frame asks the host to reveal that frame', async () => {
      // left-heavy icicle: the leftmost column follows the heaviest path; find buildReport's row
      const frame = profile.frames.findIndex((f) => f.name === 'buildReport');
      const node = profile.nodeFrame.indexOf(frame);
      let row = -1;
      for (let m = node; m > 0; m = profile.nodeParent[m]) row++;
      const start = (await sent(page)).length;
      await page.click('#flame', { position: { x: 4, y: row * 18 + 9 } });
      const reveal = (await sent(page)).slice(start).find((s) => s.message.type === 'source/reveal');
      if (!reveal || reveal.message.frame !== frame) throw new Error(`sent ${JSON.stringify(reveal?.message)}; buildReport is frame ${frame}`);
      return reveal.message;
    });

    await check('right-click menu: "Why is this hot?" asks the host about that frame', async () => {
      const frame = profile.frames.findIndex((f) => f.name === 'buildReport');
      const y = rowOf(profile, frame) * 18 + 9;
      const start = (await sent(page)).length;
      await page.click('#flame', { button: 'right', position: { x: 4, y } });
      await page.waitForSelector('#menu:not([hidden])', { timeout: 5000 });
      const items = await page.locator('#menu button:not([hidden])').allTextContents();
      await page.screenshot({ path: path.join(artifacts, 'flamegraph-menu.png') });
      await page.click('#menu button[data-action="why"]');
      const messages = (await sent(page)).slice(start).map((s) => s.message);
      const why = messages.find((m) => m.type === 'frame/why');
      if (!why || why.frame !== frame || messages.some((m) => m.type === 'source/reveal') || !(await page.isHidden('#menu'))) {
        throw new Error(`menu ${JSON.stringify(items)}; sent ${JSON.stringify(messages)}; buildReport is frame ${frame}`);
      }
      return { items, why };
    });

    await check('right-click menu: "Show callers/callees" shows the sandwich of that function (as the core computes it)', async () => {
      const frame = profile.frames.findIndex((f) => f.name === 'slugify');
      const expected = sandwichModel(profile, frame);
      // slugify's widest rectangle in the left-heavy icicle the view draws
      const layout = leftHeavyLayout(profile);
      let best = -1;
      for (let i = 0; i < layout.count; i++) {
        if (profile.nodeFrame[layout.node[i]] === frame && (best < 0 || layout.width[i] > layout.width[best])) best = i;
      }
      const width = await page.evaluate(() => document.getElementById('flame')!.getBoundingClientRect().width);
      const x = ((layout.x[best] + layout.width[best] / 2) / layout.extent) * width;
      await page.click('#flame', { button: 'right', position: { x, y: layout.depth[best] * 18 + 9 } });
      await page.click('#menu button[data-action="sandwich"]');
      await page.waitForSelector('#sandwich:not([hidden])', { timeout: 5000 });
      const callers = await page.locator('#callers tbody td:nth-child(4)').allTextContents();
      const callees = await page.locator('#callees tbody td:nth-child(4)').allTextContents();
      const want = (rows: { name: string }[]) => (rows.length ? rows.map((r) => r.name) : ['none']);
      if (JSON.stringify(callers) !== JSON.stringify(want(expected.callers)) || JSON.stringify(callees) !== JSON.stringify(want(expected.callees))) {
        throw new Error(`callers ${JSON.stringify(callers)} callees ${JSON.stringify(callees)}; core says ${JSON.stringify([want(expected.callers), want(expected.callees)])}`);
      }
      if (!(await page.isHidden('#top'))) throw new Error('the top-functions table is still shown');
      await page.screenshot({ path: path.join(artifacts, 'flamegraph-sandwich.png') });
      await page.click('#sandwich-close');
      if (!(await page.isVisible('#top'))) throw new Error('closing the sandwich did not bring the table back');
      return { function: expected.name, callers, callees };
    });

    await check('right-click menu: "Focus on this function" highlights it and zooms in', async () => {
      const frame = profile.frames.findIndex((f) => f.name === 'buildReport');
      await page.click('#flame', { button: 'right', position: { x: 4, y: rowOf(profile, frame) * 18 + 9 } });
      await page.click('#menu button[data-action="focus"]');
      const search = await page.inputValue('#search');
      const share = await page.textContent('#match');
      if (search !== 'buildReport' || !/^matched [\d.]+% of total$/.test(share ?? '')) throw new Error(`search "${search}", ${share}`);
      await page.fill('#search', '');
      await page.focus('#flame');
      await page.keyboard.press('0');
      return share;
    });

    await check('labels stay readable in light, dark and high-contrast themes (contrast from pixels)', async () => {
      const results: Record<string, unknown> = {};
      const failures: string[] = [];
      for (const [theme, vars] of Object.entries(THEMES)) {
        await page.evaluate((css) => document.documentElement.setAttribute('style', css), vars);
        // a fresh load: no selection outline over the labels
        const t0 = await post(page, JSON.stringify({ type: 'profile/load', source: 'node-cpu-prof.cpuprofile', format: 'cpuprofile', profiles: [wire(profile)], activeIndex: 0 }));
        await waitRendered(page, t0);
        await page.waitForTimeout(100);
        await page.screenshot({ path: path.join(artifacts, `flamegraph-${theme}.png`) });
        const m = await page.evaluate(labelContrast);
        results[theme] = m;
        if (m.labels < 5 || m.minContrast < 4.5) failures.push(`${theme}: ${JSON.stringify(m)}`);
      }
      await page.evaluate(() => document.documentElement.removeAttribute('style'));
      if (failures.length) throw new Error(failures.join('; '));
      return results;
    });

    await check('ignores unknown and malformed messages, and says so to the host', async () => {
      const start = (await sent(page)).length;
      await post(page, JSON.stringify({ type: 'profile/explode' }));
      await post(page, JSON.stringify({ type: 'profile/load', source: 1 }));
      await page.waitForFunction((n) => (window as unknown as { __sent: unknown[] }).__sent.length >= n + 2, start);
      const errors = (await sent(page)).slice(start).filter((s) => s.message.type === 'webview/error').map((s) => s.message.message as string);
      if (!/unknown message type "profile\/explode"/.test(errors[0] ?? '') || !/malformed "profile\/load" message: source/.test(errors[1] ?? '')) {
        throw new Error(JSON.stringify(errors));
      }
      const still = await page.evaluate(() => Number(document.body.dataset.rendered));
      if (!(still > 0)) throw new Error('the view lost its profile');
      return errors;
    });

    if (benchSamples > 0) {
      const big = syntheticProfile(benchSamples);
      const json = JSON.stringify({ type: 'profile/load', source: 'synthetic', format: 'synthetic', profiles: [wire(big)], activeIndex: 0 });
      await page.evaluate(() => ((window as unknown as { __sent: unknown[] }).__sent.length = 0));
      const { t0, parseMs } = await postTypedTimed(page, json);
      const first = await waitRendered(page, t0);
      const frameTimes: number[] = [];
      await page.focus('#flame');
      const box = (await page.$('#flame'))!;
      for (let i = 0; i < 30; i++) {
        const before = (await sent(page)).length;
        if (i % 3 === 2) await page.keyboard.press('ArrowRight');
        else await box.dispatchEvent('wheel', { deltaY: i < 15 ? -120 : 120, ctrlKey: true, clientX: 400, clientY: 100 });
        await page.waitForFunction((n) => (window as unknown as { __sent: unknown[] }).__sent.length > n, before);
        frameTimes.push((await sent(page)).pop()!.message.ms as number);
      }
      const inOrder = [...frameTimes];
      frameTimes.sort((a, b) => a - b);
      const result = {
        samples: big.sampleCount,
        nodes: big.nodeCount,
        firstFrameMs: Math.round(first.at - t0),
        // The floor in the same run: the page parsing the same profile as JSON text.
        messageParseMs: Math.round(parseMs),
        zoomPanFrameMs: { median: +frameTimes[frameTimes.length >> 1].toFixed(2), max: +frameTimes[frameTimes.length - 1].toFixed(2), inOrder: inOrder.map((t) => +t.toFixed(1)) },
      };
      console.log('bench (measured, not asserted):', JSON.stringify(result));
      bench = result;
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const passed = checks.filter((c) => c.ok).length;
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: checks.length - passed, checks, bench }, null, 2));
  process.exitCode = passed === checks.length ? 0 : 1;
}

main().catch((e) => {
  console.error(`webview browser stage failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
