/**
 * CLI benchmark: `hotpath profile summary` from the shell, start to exit, against a bare
 * `node -e 0` in the same run. Rows: `--help` (loads the whole CLI), the summary of a small
 * real `.cpuprofile` (start-up dominates) and of the import bench's 1 M-sample collapsed file
 * (import, function index, ranking and output). Each command runs in a fresh process; the
 * table gives medians, the ratio to bare node and the process's peak RSS (VmHWM, written by a
 * preloaded hook at exit).
 *
 *   npx tsx bench/cli.ts               full run (median of 7)
 *   BENCH_QUICK=1 npx tsx bench/cli.ts  smoke run: a small generated file, 3 runs
 *
 * The CLI is bundled from the sources into a temporary folder the way esbuild.mjs builds
 * dist/ (dist/cli.js and the whole CLI, dist/cli-full.js, beside it).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { writeCollapsed } from './gen/formats';
import { Workload } from './gen/model';

const ROOT = path.resolve(__dirname, '..');
const SMALL = path.join(ROOT, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');

interface Row {
  case: string;
  command: string;
  runs: number;
  medianMs: number;
  minMs: number;
  /** Median wall time ÷ that of `node -e 0`. */
  ratioToNode: number;
  peakRssMB: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const round = (n: number) => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const runs = Number(process.env.BENCH_RUNS ?? (quick ? 3 : 7));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-cli-'));
  try {
    const common = {
      bundle: true,
      platform: 'node' as const,
      target: 'node20',
      format: 'cjs' as const,
      logLevel: 'warning' as const,
      external: ['vscode', '@datadog/pprof', '@pyroscope/nodejs', '@vscode/tree-sitter-wasm', 'web-tree-sitter/tree-sitter.wasm'],
      // Inside the package, so the bundles resolve what they leave out.
      nodePaths: [path.join(ROOT, 'node_modules')],
    };
    const cli = path.join(dir, 'cli.js');
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/entry.ts')], outfile: cli });
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: path.join(dir, 'cli-full.js') });
    const hook = path.join(dir, 'hwm.js');
    fs.writeFileSync(
      hook,
      "process.on('exit', () => { const m = /^VmHWM:\\s+(\\d+) kB$/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8')); if (m && process.env.HWM_OUT) require('fs').writeFileSync(process.env.HWM_OUT, m[1]); });\n",
    );

    const folded = path.join(dir, 'bench.folded');
    const options = quick ? { samples: 20_000, frames: 5_000, depth: 30, stacks: 1_000 } : { samples: 1_000_000, frames: 100_000, depth: 60, stacks: 20_000 };
    writeCollapsed(new Workload(options), folded);
    const foldedMB = fs.statSync(folded).size / 2 ** 20;

    // The runs are timed from a small node process: spawning from this one (tsx, esbuild and
    // the generated workload loaded) added 40-150 ms to every run.
    const timer = path.join(dir, 'timer.js');
    fs.writeFileSync(
      timer,
      `const { spawnSync } = require('child_process');
const fs = require('fs');
const [runs, hook, hwm, ...args] = process.argv.slice(2);
const out = [];
for (let i = 0; i <= Number(runs); i++) {
  fs.rmSync(hwm, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', hook, ...args], { encoding: 'utf8', env: { ...process.env, HWM_OUT: hwm } });
  const ms = performance.now() - t0;
  if (r.status !== 0) { console.error('exit ' + r.status + ': ' + r.stderr); process.exit(1); }
  if (i > 0) out.push({ ms, rssMB: fs.existsSync(hwm) ? Number(fs.readFileSync(hwm, 'utf8')) / 1024 : 0 });
}
console.log(JSON.stringify(out));
`,
    );
    const measure = (label: string, shown: string, args: string[]): Row => {
      // One dropped run first (see timer.js): the page cache and the file system settle.
      const r = spawnSync(process.execPath, [timer, String(runs), hook, path.join(dir, 'hwm.txt'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
      });
      if (r.status !== 0) throw new Error(`${shown}: ${r.stderr}`);
      const results = JSON.parse(r.stdout) as { ms: number; rssMB: number }[];
      const times = results.map((x) => x.ms);
      return { case: label, command: shown, runs, medianMs: round(median(times)), minMs: round(Math.min(...times)), ratioToNode: 0, peakRssMB: round(median(results.map((x) => x.rssMB))) };
    };

    const node = measure('bare node', 'node -e 0', ['-e', '0']);
    const rows = [
      node,
      measure('help (loads the whole CLI)', 'hotpath --help', [cli, '--help']),
      measure(`small .cpuprofile (${Math.round(fs.statSync(SMALL).size / 1024)} KB)`, 'hotpath profile summary node-cpu-prof.cpuprofile', [cli, 'profile', 'summary', SMALL]),
      measure(`${options.samples} samples, collapsed (${foldedMB.toFixed(1)} MB)`, 'hotpath profile summary bench.folded', [cli, 'profile', 'summary', folded]),
      measure(`same, --json --top 100`, 'hotpath profile summary bench.folded --json --top 100', [cli, 'profile', 'summary', folded, '--json', '--top', '100']),
    ];
    for (const r of rows) r.ratioToNode = Math.round((r.medianMs / node.medianMs) * 100) / 100;

    console.log(`\nhotpath CLI, wall time start to exit (median of ${runs} fresh processes)\n`);
    const header = ['case', 'command', 'median ms', 'min ms', '× node', 'peak RSS MB'];
    const cells = rows.map((r) => [r.case, r.command, String(r.medianMs), String(r.minMs), `${r.ratioToNode}×`, String(r.peakRssMB)]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    for (const line of [header, ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('  '));
    const out = path.join(__dirname, 'results', 'cli.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), quick, runs, cpus: os.cpus().length, node: process.version, rows }, null, 2)}\n`);
    console.log(`\nwritten to ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
