// Drives a running code-server (the real VS Code workbench + Node extension host) from
// headless Chromium with playwright-core. Two stages:
//   node driver.js mocha <baseUrl> <workspace> <outDir> <extensionDir> <testsModule>
//     loads the extension in development mode and runs the mocha suite inside the extension
//     host (developmentOptions.extensionTestsPath, as @vscode/test-web does); exit code = result.
//   node driver.js ui <baseUrl> <workspace> <outDir> <resultsJson>
//     uses the installed .vsix like a person would: opens a profile, checks the flame graph
//     rendered pixels, searches, hovers, clicks a function, and saves screenshots.
'use strict';
const { chromium } = require('playwright-core');
const fs = require('node:fs');
const { labelContrast } = require('./webview/contrast.js');
const os = require('node:os');
const path = require('node:path');

const [stage, baseUrl, workspace, outDir, ...rest] = process.argv.slice(2);
const t0 = Date.now();
const log = (...a) => console.log(`[${stage} ${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => log('[page error]', String(e).slice(0, 300)));
  return { context, page, userDataDir };
}

async function runMocha(page, extensionDir, testsModule) {
  // code-server ships the workbench configuration in <meta id="vscode-workbench-web-configuration"
  // data-settings>; adding developmentOptions there makes the workbench load the extension in
  // development mode, run the tests module's run() in the extension host and report the result
  // through window.codeAutomationExit(code).
  let resolveExit;
  const exited = new Promise((r) => (resolveExit = r));
  await page.exposeFunction('codeAutomationLog', (_type, args) => console.log(...(args || [])));
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
  const authority = new URL(baseUrl).host;
  const uri = (p) => ({ scheme: 'vscode-remote', authority, path: p });
  await page.addInitScript((dev) => {
    const original = Element.prototype.getAttribute;
    Element.prototype.getAttribute = function (name) {
      const value = original.call(this, name);
      if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && value) {
        const config = JSON.parse(value);
        config.developmentOptions = Object.assign({}, config.developmentOptions, dev);
        return JSON.stringify(config);
      }
      return value;
    };
  }, { extensions: [uri(extensionDir)], extensionTestsPath: uri(testsModule) });
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`);
  // A suite asks the driver for what only a person (a browser) can do by writing to
  // driver-request.json in this run's sandbox (the workspace's parent):
  //   {"path"}          a screenshot of the workbench, saved there (answer: "<path>.done");
  //   {"click", "answer"} a click on the element `click` selects, in whichever webview frame has it;
  //   {"text", "answer"}  the text of the element `text` selects, in whichever webview frame has it.
  // The answer file holds {"error"} or {"text"}.
  const request = path.join(path.dirname(workspace), 'driver-request.json');
  let busy = false;
  const requests = setInterval(async () => {
    if (busy || !fs.existsSync(request)) return;
    busy = true;
    const r = JSON.parse(fs.readFileSync(request, 'utf8'));
    fs.rmSync(request);
    const answer = {};
    try {
      if (r.click) {
        const frame = await frameWith(page, r.click, 15000);
        await frame.locator(r.click).first().click();
        log('clicked', r.click);
      } else if (r.text) {
        const frame = await frameWith(page, r.text, 15000);
        answer.text = await frame.locator(r.text).first().textContent();
      } else await page.screenshot({ path: r.path });
    } catch (e) {
      answer.error = String(e && e.message || e);
      log(`driver request ${JSON.stringify(r)} failed:`, answer.error);
    }
    fs.writeFileSync(r.answer || `${r.path}.done`, JSON.stringify(answer));
    busy = false;
  }, 300);
  let timer;
  const code = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout after 240 s'), 240000)))]);
  clearTimeout(timer);
  clearInterval(requests);
  log('codeAutomationExit ->', code);
  await page.screenshot({ path: path.join(outDir, 'mocha-end.png') });
  return code === 0;
}

/** The frame (nested webview iframe) whose document has `selector`. */
async function frameWith(page, selector, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const f of page.frames()) {
      try {
        if (await f.$(selector)) return f;
      } catch {
        // frames come and go while the workbench loads
      }
    }
    await sleep(200);
  }
  throw new Error(`no frame with ${selector} within ${ms} ms`);
}

/** Answers code-server's file dialog (a quick input holding a path) titled `title`. */
async function pickInFileDialog(page, title, file) {
  const input = await page.waitForSelector(`.quick-input-widget input[aria-label*="${title}"]`, { state: 'visible', timeout: 30000 });
  const closed = () =>
    page.waitForFunction((t) => {
      const i = document.querySelector('.quick-input-widget input');
      return !i || i.offsetParent === null || !(i.getAttribute('aria-label') || '').includes(t);
    }, title, { timeout: 3000 }).then(() => true, () => false);
  // the dialog fills in its start folder asynchronously and may overwrite what we typed
  for (let attempt = 0; attempt < 20; attempt++) {
    await input.fill(file);
    await sleep(400);
    if ((await input.inputValue()) !== file) continue;
    await page.keyboard.press('Enter');
    if (await closed()) return;
  }
  throw new Error(`the file dialog "${title}" did not accept ${file}`);
}

/** Runs a command from the palette, retrying while the extension's contributions are still loading. */
async function runCommand(page, title) {
  const end = Date.now() + 60000;
  for (;;) {
    await page.keyboard.press('F1');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 30000 });
    await page.keyboard.type(title);
    const row = await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${title}")`, { timeout: 5000 }).catch(() => null);
    if (row) {
      await row.click();
      return;
    }
    log(`palette has no "${title}" yet`);
    await page.keyboard.press('Escape');
    if (Date.now() > end) throw new Error(`the palette never listed "${title}"`);
  }
}

async function runUi(page, resultsFile) {
  const results = [];
  const check = async (name, fn) => {
    try {
      const detail = await fn();
      results.push({ name, ok: true, detail });
      log('ok  ', name, detail === undefined ? '' : JSON.stringify(detail));
    } catch (e) {
      results.push({ name, ok: false, detail: String(e && e.message || e) });
      log('FAIL', name, String(e && e.message || e));
      await page.screenshot({ path: path.join(outDir, `failure-${results.length}.png`) }).catch(() => {});
    }
  };
  let flame;
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 120000 });
  await sleep(1000);

  await check('a .cpuprofile opens in the flame graph and draws rectangles', async () => {
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 30000 });
    await page.keyboard.type('node-cpu-prof.cpuprofile');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30000 });
    await sleep(300);
    await page.keyboard.press('Enter');
    flame = await frameWith(page, 'canvas#flame', 60000);
    await flame.waitForFunction(() => Number(document.body.dataset.rendered) > 0, null, { timeout: 60000 });
    return { rectangles: Number(await flame.evaluate(() => document.body.dataset.rendered)) };
  });

  await check('the Hotpath activity-bar container lists the profile\'s hot functions (and holds Regressions)', async () => {
    await page.locator('.part.activitybar [aria-label^="Hotpath"]').first().click();
    await page.waitForSelector('.part.sidebar .pane-header:has-text("Regressions")', { timeout: 15000 });
    const header = page.locator('.part.sidebar .pane-header', { hasText: 'Hot Functions' });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const row = await page.waitForSelector(
      '.split-view-view:has(.pane-header:has-text("Hot Functions")) .monaco-list-row:has-text("buildReport")',
      { timeout: 15000 },
    );
    const text = await row.textContent();
    if (!/buildReport\s*39\.8% self · 48\.1% total/.test(text)) throw new Error(`row says ${text}`);
    // the side bar off, so the screenshots show the views
    await page.keyboard.press('Control+B');
    return { row: text };
  });
  if (!flame) return finish(results, resultsFile);

  await check('the canvas shows many theme colours, not a blank area', async () => {
    // The side bar just closed: the canvas is resized (which clears it) and redrawn on the next frame.
    const count = () =>
      flame.evaluate(() => {
        const c = document.getElementById('flame');
        const data = c.getContext('2d').getImageData(0, 0, c.width, Math.min(c.height, 200)).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
    let colours = await count();
    for (const end = Date.now() + 10000; colours < 8 && Date.now() < end; colours = await count()) await sleep(250);
    if (colours < 8) throw new Error(`only ${colours} distinct colours on the canvas after 10 s`);
    return { colours };
  });

  await check('switching VS Code to light and high-contrast themes recolours the flame graph, labels readable (pixels)', async () => {
    const out = {};
    // Each theme's editor background differs from the one before; the workbench's own Light
    // Modern comes last, so the screenshots after this look as before.
    for (const theme of ['Dark Modern', 'Light High Contrast', 'Dark High Contrast', 'Light Modern']) {
      const before = await flame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background'));
      await runCommand(page, 'Preferences: Color Theme');
      await page.keyboard.type(theme);
      await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${theme}")`, { timeout: 10000 });
      await page.keyboard.press('Enter');
      // polled on a timer: animation frames do not run in a webview frame that is not painting
      await flame.waitForFunction((b) => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background') !== b, before, { timeout: 15000, polling: 250 });
      await sleep(800);
      const r = await flame.evaluate(labelContrast);
      if (!(r.labels >= 5 && r.minContrast >= 4.5)) throw new Error(`${theme}: ${JSON.stringify(r)}`);
      out[theme] = r;
    }
    return out;
  });

  await check('hovering a frame shows self/total with percentages', async () => {
    await flame.locator('canvas#flame').hover({ position: { x: 300, y: 8 * 18 + 9 } });
    await flame.waitForSelector('#tooltip:not([hidden])', { timeout: 5000 });
    const text = await flame.locator('#tooltip').textContent();
    if (!/total .*%.*self .*%/s.test(text)) throw new Error(`tooltip says ${text}`);
    await sleep(300);
    await page.screenshot({ path: path.join(outDir, 'flamegraph.png') });
    return { tooltip: text.slice(0, 80) };
  });

  await check('search highlights matches and reports their share', async () => {
    await flame.locator('#search').fill('slugify');
    await flame.waitForFunction(() => Number(document.body.dataset.matchedShare) > 0, null, { timeout: 5000 });
    const share = await flame.locator('#match').textContent();
    if (!/matched \d+(\.\d+)?% of total/.test(share)) throw new Error(`match label ${share}`);
    await page.screenshot({ path: path.join(outDir, 'flamegraph-search.png') });
    await flame.locator('#search').fill('');
    return { share };
  });

  await check('the top-functions table sorts by total', async () => {
    await flame.locator('#top th', { hasText: 'Total' }).click();
    const sort = await flame.locator('#top th', { hasText: 'Total' }).getAttribute('aria-sort');
    if (sort !== 'descending') throw new Error(`aria-sort=${sort}`);
  });

  await check('clicking a function opens its source file beside the flame graph', async () => {
    await flame.locator('#search').fill('');
    await flame.locator('#top tbody tr', { hasText: 'buildReport' }).first().click();
    await page.waitForSelector('.tabs-container .tab[aria-label*="busy.js"]', { timeout: 15000 });
  });

  await check('the source shows heat and a CodeLens on the hot function', async () => {
    const lens = await page.waitForSelector('.codelens-decoration a:has-text("Hotpath:")', { timeout: 15000 });
    const title = await lens.textContent();
    if (!/^Hotpath: [\d.]+% self · [\d.]+% total$/.test(title)) throw new Error(`CodeLens says ${title}`);
    await sleep(500);
    await page.screenshot({ path: path.join(outDir, 'editor-heat.png') });
    return { lens: title };
  });

  await check('"Why is this hot?" on the source answers in the chat panel with a diff card', async () => {
    await page.waitForSelector('.codelens-decoration a:has-text("Why is this hot?")', { timeout: 15000 });
    await page.locator('.view-line', { hasText: 'function slugify' }).first().click();
    // the source alone on the left, the chat beside it
    await runCommand(page, 'View: Close Editors in Other Groups');
    await runCommand(page, 'Hotpath: Why Is This Hot?');
    const chat = await frameWith(page, 'section.card[data-status="proposed"]', 60000);
    const answer = await chat.locator('.msg.assistant').first().textContent();
    if (!/Why is slugify hot\?/.test(answer)) throw new Error(`answer starts ${answer.slice(0, 120)}`);
    const diff = await chat.locator('section.card pre').first().textContent();
    if (!/\+const SLUGIFY_PATTERN/.test(diff)) throw new Error(`card diff ${diff.slice(0, 200)}`);
    await sleep(500);
    await page.screenshot({ path: path.join(outDir, 'chat.png') });
    const links = await chat.locator('.msg.assistant a').count();
    await runCommand(page, 'View: Close All Editors');
    return { links };
  });

  await check('clicking "Apply" on the diff card writes the edit to the file, and nothing before the click', async () => {
    const file = path.join(workspace, 'programs', 'busy.js');
    const original = fs.readFileSync(file, 'utf8');
    if (/SLUGIFY_PATTERN/.test(original)) throw new Error('the file had the edit before any click');
    await runCommand(page, 'Hotpath: Open Chat');
    const chat = await frameWith(page, 'section.card[data-status="proposed"]', 60000);
    await chat.locator('section.card[data-status="proposed"] button', { hasText: /^Apply$/ }).first().click();
    await chat.waitForSelector('section.card[data-status="applied"]', { timeout: 30000 });
    const changed = fs.readFileSync(file, 'utf8');
    // The later checks use the fixture as it was: put it back (the editor reloads the saved file).
    fs.writeFileSync(file, original);
    if (!/const SLUGIFY_PATTERN = /.test(changed)) throw new Error(`busy.js after Apply: ${changed.slice(0, 300)}`);
    await runCommand(page, 'View: Close All Editors');
    return { applied: true };
  });

  await check('"Hotpath: Open Profile…" from the palette opens a file picked in the file dialog', async () => {
    await runCommand(page, 'Hotpath: Open Profile');
    await pickInFileDialog(page, 'Hotpath: Open Profile', path.join(workspace, 'profiles', 'capture.data'));
    const picked = await frameWith(page, '#status:has-text("capture.data")', 60000);
    await picked.waitForFunction(() => Number(document.body.dataset.rendered) > 0, null, { timeout: 60000 });
    return { rectangles: Number(await picked.evaluate(() => document.body.dataset.rendered)) };
  });

  await check('"Hotpath: Compare Profiles…" shows a differential flame graph with the top changes', async () => {
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Hotpath: Compare Profiles');
    await pickInFileDialog(page, 'Hotpath: Before profile', path.join(workspace, 'profiles', 'before.folded'));
    await pickInFileDialog(page, 'Hotpath: After profile', path.join(workspace, 'profiles', 'after.folded'));
    const diff = await frameWith(page, '#status:has-text("before.folded → after.folded")', 60000);
    await diff.waitForFunction(() => Number(document.body.dataset.rendered) > 0, null, { timeout: 30000 });
    const top = await diff.locator('#changes tbody tr').first().textContent();
    if (!/\+30\.75 pts\s*formatDate/.test(top)) throw new Error(`first change row: ${top}`);
    await diff.locator('canvas#flame').hover({ position: { x: 300, y: 9 + 18 * 3 } });
    await sleep(500);
    await page.screenshot({ path: path.join(outDir, 'diff.png') });
    return { top };
  });

  await check('right-click "Why is this hot?" on a flame-graph frame asks the chat about that function', async () => {
    await runCommand(page, 'View: Close All Editors');
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget input', { state: 'visible', timeout: 30000 });
    await page.keyboard.type('node-cpu-prof.cpuprofile');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 30000 });
    await sleep(300);
    await page.keyboard.press('Enter');
    const view = await frameWith(page, 'canvas#flame', 60000);
    await view.waitForFunction(() => Number(document.body.dataset.rendered) > 0, null, { timeout: 60000 });
    // buildReport: row 8 of the left-heavy icicle, on its heaviest (leftmost) path
    await view.locator('canvas#flame').click({ button: 'right', position: { x: 4, y: 8 * 18 + 9 } });
    await view.waitForSelector('#menu:not([hidden])', { timeout: 5000 });
    await view.locator('#menu button[data-action="why"]').click();
    const chat = await frameWith(page, '.msg.user:has-text("buildReport")', 60000);
    const question = await chat.locator('.msg.user', { hasText: 'buildReport' }).first().textContent();
    if (!/Why is `?buildReport`? hot\?/.test(question)) throw new Error(`the chat was asked ${question}`);
    await sleep(500);
    await page.screenshot({ path: path.join(outDir, 'flamegraph-why.png') });
    return { question };
  });

  return finish(results, resultsFile);
}

function finish(results, resultsFile) {
  const passed = results.filter((r) => r.ok).length;
  fs.writeFileSync(resultsFile, JSON.stringify({ passed, failed: results.length - passed, results }, null, 2));
  return passed === results.length && results.length > 0;
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const { context, page, userDataDir } = await launch();
  let ok = false;
  try {
    ok = stage === 'mocha' ? await runMocha(page, rest[0], rest[1]) : await runUi(page, rest[0]);
  } catch (e) {
    console.error(`${stage} stage failed: ${e && e.message || e}`);
    await page.screenshot({ path: path.join(outDir, `${stage}-failure.png`) }).catch(() => {});
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    process.exitCode = ok ? 0 : 1;
  }
})();
