/**
 * Webview benchmark (issue 5): the built flame-graph bundle in headless Chromium, given a
 * synthetic profile of 1 000 000 samples — time from the message to the first painted frame,
 * and zoom/pan frame times (median and worst of 30). The floor in the same run is the page's
 * JSON.parse of the same profile message; the frame budget is 16 ms (60 fps). For reference,
 * speedscope 1.25 took 8.4 s to its first frame for a 1 M-sample profile on this machine.
 *
 *   npx tsx bench/webview.ts          (needs dist/ and Chromium: `MODE=setup bash test/vscode/run.sh`)
 *   BENCH_QUICK=1 …                   100 000 samples
 *   BENCH_WEBVIEW_SAMPLES=N           any size
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const quick = process.env.BENCH_QUICK === '1';
const samples = Number(process.env.BENCH_WEBVIEW_SAMPLES ?? (quick ? 100_000 : 1_000_000));
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';

if (!fs.existsSync(path.join(root, 'dist', 'webview.js'))) fail('dist/webview.js is missing: run `npm run build` first');
if (!fs.existsSync(chromium)) fail(`no Chromium at ${chromium}: \`MODE=setup bash test/vscode/run.sh\` installs it (or set CHROMIUM)`);

const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-webview-bench-')), 'results.json');
const t0 = Date.now();
const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'test', 'vscode', 'webview', 'browser.ts'), out], {
  cwd: root,
  env: { ...process.env, HOTPATH_WEBVIEW_BENCH_SAMPLES: String(samples) },
  encoding: 'utf8',
  maxBuffer: 64 << 20,
});
const results = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : undefined;
fs.rmSync(path.dirname(out), { recursive: true, force: true });
const bench = results?.bench as { samples: number; nodes: number; firstFrameMs: number; messageParseMs: number; zoomPanFrameMs: { median: number; max: number } } | undefined;
if (!bench) fail(`the browser run measured nothing (exit ${run.status}):\n${(run.stdout + run.stderr).slice(-3000)}`);

const rows = [
  ['first frame', `${bench.firstFrameMs} ms`, `${bench.messageParseMs} ms (JSON.parse of the message)`, `${(bench.firstFrameMs / Math.max(1, bench.messageParseMs)).toFixed(2)}x`, '< 1000 ms'],
  ['zoom/pan frame, median', `${bench.zoomPanFrameMs.median} ms`, '16 ms budget', `${(bench.zoomPanFrameMs.median / 16).toFixed(2)}x`, '< 16 ms'],
  ['zoom/pan frame, worst of 30', `${bench.zoomPanFrameMs.max} ms`, '16 ms budget', `${(bench.zoomPanFrameMs.max / 16).toFixed(2)}x`, '< 16 ms'],
];
console.log(`flame graph in headless Chromium: ${bench.samples.toLocaleString('en-US')} samples, ${bench.nodes.toLocaleString('en-US')} call-tree nodes`);
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...[['measure', 'ours', 'floor', 'ratio', 'target'], ...rows].map((r) => r[i].length)));
for (const r of [['measure', 'ours', 'floor', 'ratio', 'target'], widths.map((w) => '-'.repeat(w)), ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
const file = path.join(root, 'bench', 'results', 'webview.json');
fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick, ...bench, checksPassed: results.passed, checksFailed: results.failed, seconds: (Date.now() - t0) / 1000 }, null, 2)}\n`);
console.log(`results written to ${path.relative(root, file)}`);

function fail(message: string): never {
  console.error(`webview bench: ${message}`);
  process.exit(2);
}
