import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { releaseAssets, speedscopeCsp, speedscopeHtml } from '../../../src/extension/speedscope/html';
import { parseFromSpeedscope, parseToSpeedscope } from '../../../src/extension/speedscope/protocol';

const ROOT = path.join(__dirname, '..', '..', '..');
const RELEASE = path.join(ROOT, 'node_modules', 'speedscope', 'dist', 'release');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'profiles');

describe('speedscope view', () => {
  describe('page and protocol', () => {
    it("finds the hashed script and stylesheet in speedscope's index.html", () => {
      const assets = releaseAssets(fs.readFileSync(path.join(RELEASE, 'index.html'), 'utf8'));
      assert.match(assets.script, /^speedscope-\w+\.js$/);
      assert.match(assets.style, /^speedscope-\w+\.css$/);
      assert.ok(fs.existsSync(path.join(RELEASE, assets.script)));
      assert.throws(() => releaseAssets('<html></html>'), /expected a speedscope-\*\.js script/);
    });

    it('allows scripts only by nonce, styles by nonce or from the extension, and no eval', () => {
      const csp = speedscopeCsp('https://ext.example', 'N0nce');
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-N0nce' 'wasm-unsafe-eval'(;|$)/);
      assert.match(csp, /style-src https:\/\/ext\.example 'nonce-N0nce'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|'unsafe-eval'|\*/);
      const html = speedscopeHtml({ cspSource: 'https://ext.example', bootstrapUri: 'b.js', scriptUri: 's.js', styleUri: 's.css', nonce: 'N0nce' });
      // the bootstrap runs before speedscope: it must set the hash and hook <style> creation first
      assert.ok(html.indexOf('src="b.js"') < html.indexOf('src="s.js"'));
      assert.equal(html.match(/nonce="N0nce"/g)?.length, 2);
    });

    it('validates messages in both directions', () => {
      assert.deepEqual(parseFromSpeedscope({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
      assert.equal(parseFromSpeedscope({ type: 'shown', title: 'x' }).ok, false);
      assert.equal(parseFromSpeedscope({ type: 'eval', code: '1' }).ok, false);
      assert.equal(parseToSpeedscope({ type: 'load', name: '', base64: '' }).ok, false);
      assert.equal(parseToSpeedscope({ type: 'load', name: 'a.txt', base64: 'YQ==' }).ok, true);
    });
  });

  describe('in headless Chromium with the same HTML and CSP', function () {
    this.timeout(180000);
    const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p && fs.existsSync(p));
    let server: http.Server;
    let origin = '';
    let browser: import('playwright-core').Browser;

    before(async function () {
      if (!chromium) {
        // eslint-disable-next-line no-console
        console.log('      no Chromium found (set CHROMIUM_PATH): speedscope view check skipped');
        this.skip();
      }
      const bootstrap = (
        await esbuild.build({ entryPoints: [path.join(ROOT, 'src/extension/speedscope/webview/bootstrap.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false })
      ).outputFiles[0].text;
      const assets = releaseAssets(fs.readFileSync(path.join(RELEASE, 'index.html'), 'utf8'));
      // stands in for the webview: our page at /, the release's files beside it, like dist/speedscope
      server = http.createServer((req, res) => {
        const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
        if (name === '') {
          res.setHeader('content-type', 'text/html');
          res.end(speedscopeHtml({ cspSource: origin, bootstrapUri: `${origin}/hotpath-bootstrap.js`, scriptUri: `${origin}/${assets.script}`, styleUri: `${origin}/${assets.style}` }));
        } else if (name === 'favicon.ico') {
          // the browser asks for it on its own; a webview does not
          res.statusCode = 204;
          res.end();
        } else if (name === 'hotpath-bootstrap.js') {
          res.setHeader('content-type', 'text/javascript');
          res.end(bootstrap);
        } else if (/^[\w.-]+$/.test(name) && fs.existsSync(path.join(RELEASE, name))) {
          res.setHeader('content-type', name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
          res.end(fs.readFileSync(path.join(RELEASE, name)));
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const { chromium: launcher } = await import('playwright-core');
      browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] });
    });

    after(async () => {
      await browser?.close();
      server?.close();
    });

    /** Loads `file` as the host would and returns what the page reported, its CSP problems and pixels. */
    async function show(file: string) {
      const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(String(e)));
      page.on('console', (m) => {
        // speedscope's local-file loader adds a file:// script, which the CSP refuses by design
        if (m.type() === 'error' && !m.text().includes('file:///hotpath')) problems.push(m.text());
      });
      // VS Code's webview API, recording what the page posts to the host (a string: tsx's
      // helpers do not exist in the page)
      await page.addInitScript({ content: 'window.hostMessages = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.hostMessages.push(m) });' });
      await page.goto(`${origin}/`);
      const messages = () => page.evaluate(() => (window as unknown as { hostMessages: { type: string }[] }).hostMessages);
      await page.waitForFunction(() => (window as unknown as { hostMessages: { type: string }[] }).hostMessages.some((m) => m.type === 'ready'), null, { timeout: 60000 });
      const base64 = fs.readFileSync(path.join(FIXTURES, file)).toString('base64');
      await page.evaluate(([name, b64]) => window.postMessage({ type: 'load', name, base64: b64 }, '*'), [path.basename(file), base64]);
      await page.waitForFunction(() => (window as unknown as { hostMessages: { type: string }[] }).hostMessages.some((m) => m.type !== 'ready'), null, { timeout: 60000 });
      const outcome = (await messages()).find((m) => m.type !== 'ready') as { type: string; title?: string; message?: string };
      let pixels = { changed: 0, colors: 0 };
      if (outcome.type === 'shown') {
        await page.waitForTimeout(300);
        const png = (await page.screenshot({ clip: { x: 0, y: 80, width: 1000, height: 500 } })).toString('base64');
        const blank = await browser.newPage();
        pixels = await blank.evaluate(async (data) => {
          // decode our own screenshot in a canvas outside the page's CSP
          const img = new Image();
          const blob = await (await fetch(`data:image/png;base64,${data}`)).blob();
          img.src = URL.createObjectURL(blob);
          await img.decode();
          const canvas = new OffscreenCanvas(img.width, img.height);
          const ctx = canvas.getContext('2d')!;
          ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, img.width, img.height).data;
          const counts = new Map<number, number>();
          for (let i = 0; i < d.length; i += 4) {
            const c = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
            counts.set(c, (counts.get(c) ?? 0) + 1);
          }
          const background = Math.max(...counts.values());
          return { changed: d.length / 4 - background, colors: counts.size };
        }, png);
        await blank.close();
      }
      await page.close();
      return { outcome, problems, pixels };
    }

    for (const [file, title] of [
      ['cpuprofile/node-cpu-prof.cpuprofile', 'node-cpu-prof.cpuprofile'],
      ['collapsed/simple.txt', 'simple.txt'],
      ['pprof/go-simple.prof', 'go-simple.prof'],
      // formats that name their profiles: speedscope shows that name rather than the file's
      ['perf/simple.linux-perf.txt', 'simple-terminat tid: 10'],
      ['speedscope/sampled-0.1.2.speedscope.json', JSON.parse(fs.readFileSync(path.join(FIXTURES, 'speedscope/sampled-0.1.2.speedscope.json'), 'utf8')).profiles[0].name],
    ]) {
      it(`shows ${file}: the title names it and the flame chart has drawn pixels`, async () => {
        const { outcome, problems, pixels } = await show(file);
        assert.deepEqual(problems, []);
        assert.equal(outcome.type, 'shown', outcome.message);
        assert.equal(outcome.title, `${title} - speedscope`);
        assert.ok(pixels.changed > 5000 && pixels.colors > 20, `drawn pixels ${JSON.stringify(pixels)}`);
      });
    }

    it('reports a file speedscope cannot read instead of hanging', async () => {
      const { outcome } = await show('collapsed/LICENSE-speedscope-MIT.txt');
      assert.equal(outcome.type, 'failed');
      assert.match(outcome.message!, /Unrecognized format|could not import/);
    });
  });
});
