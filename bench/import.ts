/**
 * Import benchmark (issue 2, "Speed and memory"): writes the same large workload in every
 * format, then imports each file in a fresh child process (so peak RSS belongs to that one
 * import) and compares with the floor measured the same way in the same run:
 * `JSON.parse` of the file for JSON formats, bare `pprof-format` decode for pprof, reading
 * the bytes for text formats. Also the large-file rows: a 1 GB collapsed file (streaming), and
 * a `.cpuprofile` and a speedscope file larger than V8's maximum string length.
 *
 *   npx tsx bench/import.ts            full run (1 M samples, 100 000 frames, 60 deep)
 *   BENCH_QUICK=1 npx tsx bench/import.ts   smoke run with small sizes, no large files
 *
 * The children run an esbuild bundle of this file, built once per run with the settings of
 * the shipped node bundles (`esbuild.mjs`: node20, CommonJS), so they measure the code the CLI
 * and the extension run. Under tsx the same imports ran up to 40% slower (collapsed: 690
 * against 470 ms) and started from a larger process. BENCH_TSX=1 measures under tsx instead.
 *
 * Rows measured more than once start with one import and one floor whose results are
 * dropped: on this VM the first run after a large process exits pays for the memory that
 * process gave back (a collapsed import right after the 1.4 GB pprof floor: 434 ms, then
 * 350-370 ms), and the first read of a file just written contends with its write-back.
 *
 * Environment: BENCH_SAMPLES, BENCH_FRAMES, BENCH_DEPTH, BENCH_RUNS (median of; default 3, and
 * 7 for rows whose import takes under 2 s),
 * BENCH_WARMUP=0 (no dropped first runs), BENCH_BIG=0 (skip the large files),
 * BENCH_FORMATS=pprof,collapsed (subset),
 * BENCH_DIR (where files go; default a temp dir, removed afterwards unless BENCH_KEEP=1).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Profile as PprofProfile } from 'pprof-format';
import { importProfileFile } from '../src/core/profile/importers/index';
import { ProfileImportError } from '../src/core/profile/errors';
import {
  writeCollapsed,
  writeCollapsedRaw,
  writeCpuprofile,
  writeGecko,
  writePerfScript,
  writePprof,
  writeSpeedscope,
  writeTraceEvent,
} from './gen/formats';
import { Workload } from './gen/model';

type Floor = 'json' | 'pprof' | 'read';

interface ChildResult {
  ms: number;
  /** CPU time (user + system): on a shared machine this moves less than wall time. */
  cpuMs: number;
  maxRssMB: number;
  profiles?: number;
  samples?: number;
  error?: string;
}

const MB = 1024 * 1024;
/** Rows whose import takes less than SHORT_MS are measured SHORT_RUNS times (when BENCH_RUNS asks for more than one). */
const SHORT_MS = 2000;
const SHORT_RUNS = 7;
const V8_MAX_STRING = (1 << 29) - 24;

// ---------------------------------------------------------------- child: one measurement

/**
 * This process's own peak RSS. On Linux getrusage's maxRSS survives exec: a child forked from
 * the bench parent starts with a copy of the parent's pages, so maxRSS is at least what the
 * parent held at the fork (a 500 MB parent gives a bare `node -e` child 503 MB, where VmHWM
 * says 39). VmHWM belongs to the address space exec made, so it counts only this process.
 */
function peakRssMB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux: getrusage is the best there is
  }
  return process.resourceUsage().maxRSS / 1024;
}

async function child(mode: 'import' | 'floor', floor: Floor, format: string, file: string): Promise<void> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result: ChildResult = { ms: 0, cpuMs: 0, maxRssMB: 0 };
  try {
    if (mode === 'import') {
      const set = await importProfileFile(file, { maxBytes: 8 * 1024 * MB });
      if (set.format !== format) throw new Error(`detected as ${set.format}, expected ${format}`);
      result.profiles = set.profiles.length;
      result.samples = set.profiles.reduce((n, p) => n + p.sampleCount, 0);
    } else if (floor === 'json') {
      JSON.parse(fs.readFileSync(file, 'utf8'));
    } else if (floor === 'pprof') {
      PprofProfile.decode(fs.readFileSync(file));
    } else {
      let bytes = 0;
      for await (const chunk of fs.createReadStream(file, { highWaterMark: MB })) bytes += (chunk as Buffer).length;
      if (bytes === 0) throw new Error('empty file');
    }
  } catch (e) {
    result.error = e instanceof ProfileImportError ? e.toLine() : e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
  result.ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  result.cpuMs = (cpu.user + cpu.system) / 1000;
  result.maxRssMB = peakRssMB();
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- parent: generate and measure

let childBundle: string | undefined;

/** This file bundled for the children (see the header), built on first use. */
function childCommand(): string[] {
  if (process.env.BENCH_TSX === '1') return [path.join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), __filename];
  if (!childBundle) {
    // Inside node_modules, so the bundle resolves the packages it leaves out (esbuild).
    childBundle = path.join(__dirname, '..', 'node_modules', '.cache', 'hotpath-bench', 'import-child.js');
    // Loaded here, not at the top: the children would load esbuild too and count it in their base.
    const { buildSync } = require('esbuild') as typeof import('esbuild');
    buildSync({ entryPoints: [__filename], outfile: childBundle, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', external: ['esbuild'] });
  }
  return [childBundle];
}

function measure(mode: 'import' | 'floor', floor: Floor, format: string, file: string): ChildResult {
  const r = spawnSync(process.execPath, [...childCommand(), '--child', mode, floor, format, file], {
    encoding: 'utf8',
    maxBuffer: 16 * MB,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=16384`.trim() },
  });
  const last = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as ChildResult;
  } catch {
    const why = (r.stderr || r.stdout || '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`;
    return { ms: NaN, cpuMs: NaN, maxRssMB: NaN, error: r.signal ? `killed by ${r.signal}` : why };
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

interface Row {
  format: string;
  case: string;
  fileMB: number;
  samples: number;
  generateS: number;
  importMs: number | null;
  floorMs: number | null;
  importCpuMs: number | null;
  floorCpuMs: number | null;
  cpuRatio: number | null;
  floor: string;
  ratio: number | null;
  importMBps: number | null;
  peakRssMB: number | null;
  peakRssPerFileSize: number | null;
  /** Peak RSS above the bare child process's (node + tsx + the importer's modules), per file byte. */
  importRssPerFileSize?: number | null;
  floorPeakRssMB: number | null;
  runs: number;
  note?: string;
}

function run(format: string, label: string, floor: Floor, file: string, samples: number, generateS: number, runs: number, skipFloor = false): Row {
  const size = fs.statSync(file).size;
  const imports: ChildResult[] = [];
  const floors: ChildResult[] = [];
  let firstMs = Infinity;
  if (runs > 1 && process.env.BENCH_WARMUP !== '0') {
    firstMs = measure('import', floor, format, file).ms;
    if (!skipFloor) measure('floor', floor, format, file);
  }
  for (let i = 0; i < runs; i++) {
    if (i === 1 && !Number.isFinite(firstMs)) firstMs = imports[0].ms;
    // Imports under 2 s vary by ±15% on this VM from run to run: their median takes more runs.
    if (i === 1 && firstMs < SHORT_MS && runs < SHORT_RUNS) runs = SHORT_RUNS;
    imports.push(measure('import', floor, format, file));
    if (!skipFloor) floors.push(measure('floor', floor, format, file));
  }
  const ok = imports.filter((r) => !r.error);
  const okFloors = floors.filter((r) => !r.error);
  const importMs = ok.length ? median(ok.map((r) => r.ms)) : null;
  const floorMs = okFloors.length ? median(okFloors.map((r) => r.ms)) : null;
  const importCpuMs = ok.length ? median(ok.map((r) => r.cpuMs)) : null;
  const floorCpuMs = okFloors.length ? median(okFloors.map((r) => r.cpuMs)) : null;
  const peak = ok.length ? Math.max(...ok.map((r) => r.maxRssMB)) : null;
  const notes: string[] = [];
  if (!ok.length) notes.push(`import failed: ${imports[0].error}`);
  if (!skipFloor && !okFloors.length) notes.push(`floor failed: ${floors[0].error}`);
  if (skipFloor) notes.push(floor === 'json' ? 'JSON.parse impossible (file is over the string limit)' : 'no floor');
  return {
    format,
    case: label,
    fileMB: round(size / MB),
    samples,
    generateS: round(generateS),
    importMs: importMs === null ? null : round(importMs),
    floorMs: floorMs === null ? null : round(floorMs),
    importCpuMs: importCpuMs === null ? null : round(importCpuMs),
    floorCpuMs: floorCpuMs === null ? null : round(floorCpuMs),
    cpuRatio: importCpuMs !== null && floorCpuMs !== null ? round(importCpuMs / floorCpuMs) : null,
    floor: floor === 'json' ? 'JSON.parse' : floor === 'pprof' ? 'pprof-format decode' : 'read bytes',
    ratio: importMs !== null && floorMs !== null ? round(importMs / floorMs) : null,
    importMBps: importMs !== null ? round(size / MB / (importMs / 1000)) : null,
    peakRssMB: peak === null ? null : round(peak),
    peakRssPerFileSize: peak === null ? null : round((peak * MB) / size),
    floorPeakRssMB: okFloors.length ? round(Math.max(...okFloors.map((r) => r.maxRssMB))) : null,
    runs,
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

function round(n: number): number {
  return Number(n.toPrecision(4));
}

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, (performance.now() - t0) / 1000];
}

function printTable(rows: Row[]): void {
  const header = ['format', 'case', 'file MB', 'samples', 'import ms', 'floor', 'floor ms', 'ratio', 'MB/s', 'cpu ms', 'floor cpu', 'cpu ratio', 'MB/s cpu', 'peak RSS MB', 'RSS/file', 'above base/file', 'note'];
  const lines = rows.map((r) => [
    r.format,
    r.case,
    String(r.fileMB),
    String(r.samples),
    r.importMs === null ? '-' : String(r.importMs),
    r.floor,
    r.floorMs === null ? '-' : String(r.floorMs),
    r.ratio === null ? '-' : `${r.ratio}x`,
    r.importMBps === null ? '-' : String(r.importMBps),
    r.importCpuMs === null ? '-' : String(r.importCpuMs),
    r.floorCpuMs === null ? '-' : String(r.floorCpuMs),
    r.cpuRatio === null ? '-' : `${r.cpuRatio}x`,
    r.importCpuMs === null ? '-' : String(round(r.fileMB / (r.importCpuMs / 1000))),
    r.peakRssMB === null ? '-' : String(r.peakRssMB),
    r.peakRssPerFileSize === null ? '-' : `${r.peakRssPerFileSize}x`,
    r.importRssPerFileSize === null || r.importRssPerFileSize === undefined ? '-' : `${r.importRssPerFileSize}x`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const env = (name: string, full: number, small: number) => Number(process.env[name] ?? (quick ? small : full));
  const options = {
    samples: env('BENCH_SAMPLES', 1_000_000, 20_000),
    frames: env('BENCH_FRAMES', 100_000, 5_000),
    depth: env('BENCH_DEPTH', 60, 30),
    stacks: env('BENCH_STACKS', 20_000, 1_000),
  };
  const runs = env('BENCH_RUNS', 3, 1);
  const big = !quick && process.env.BENCH_BIG !== '0';
  const only = process.env.BENCH_FORMATS?.split(',');
  const dir = process.env.BENCH_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-'));
  fs.mkdirSync(dir, { recursive: true });

  const [workload, modelS] = timed(() => new Workload(options));
  console.log(
    `workload: ${options.samples} samples, ${options.frames} frames, depth ~${options.depth}, ${options.stacks} distinct stacks, ${workload.nodeCount - 1} call-tree nodes (${modelS.toFixed(1)} s); files in ${dir}`,
  );

  const formats: { format: string; floor: Floor; ext: string; write: (file: string) => number }[] = [
    { format: 'cpuprofile', floor: 'json', ext: 'cpuprofile', write: (f) => writeCpuprofile(workload, f) },
    { format: 'trace-event', floor: 'json', ext: 'trace.json', write: (f) => writeTraceEvent(workload, f) },
    { format: 'speedscope', floor: 'json', ext: 'speedscope.json', write: (f) => writeSpeedscope(workload, f) },
    { format: 'gecko', floor: 'json', ext: 'gecko.json', write: (f) => writeGecko(workload, f) },
    { format: 'pprof', floor: 'pprof', ext: 'pb', write: (f) => writePprof(workload, f) },
    { format: 'collapsed', floor: 'read', ext: 'folded', write: (f) => writeCollapsed(workload, f) },
    { format: 'perf', floor: 'read', ext: 'perf.txt', write: (f) => writePerfScript(workload, f) },
  ];
  const rows: Row[] = [];
  const keep = process.env.BENCH_KEEP === '1';
  const done = (file: string) => {
    if (!keep) fs.rmSync(file, { force: true });
  };
  for (const spec of formats) {
    if (only && !only.includes(spec.format)) continue;
    const file = path.join(dir, `bench.${spec.ext}`);
    const [, genS] = timed(() => spec.write(file));
    const row = run(spec.format, `${options.samples} samples`, spec.floor, file, options.samples, genS, runs);
    rows.push(row);
    console.log(`${spec.format}: import ${row.importMs} ms, floor ${row.floorMs} ms${row.note ? ` (${row.note})` : ''}`);
    done(file);
  }

  if (big) {
    const bigRuns = 1;
    if (!only || only.includes('collapsed')) {
      const file = path.join(dir, 'big.folded');
      const target = Number(process.env.BENCH_BIG_COLLAPSED_MB ?? 1024) * MB;
      const [r, genS] = timed(() => writeCollapsedRaw(workload, file, target));
      rows.push(run('collapsed', '1 GB, one line per sample (streaming)', 'read', file, r.samples, genS, bigRuns));
      console.log(`collapsed 1 GB: ${JSON.stringify(rows[rows.length - 1])}`);
      done(file);
    }
    if (!only || only.includes('cpuprofile')) {
      // About 12 bytes per sample (id and delta): enough samples to pass the string limit.
      const samples = Math.ceil((V8_MAX_STRING * 1.1) / 11);
      const file = path.join(dir, 'big.cpuprofile');
      const [, genS] = timed(() => writeCpuprofile(workload, file, samples));
      rows.push(run('cpuprofile', '> 512 MB (over the string limit)', 'json', file, samples, genS, bigRuns, true));
      console.log(`cpuprofile > 512 MB: ${JSON.stringify(rows[rows.length - 1])}`);
      done(file);
    }
    if (!only || only.includes('speedscope')) {
      // Bytes per sample in the samples and weights arrays, measured on the sample stream.
      let bytes = 0;
      let n = 0;
      for (const s of workload.sampleStream(10_000)) {
        bytes += workload.stackFrames(s.stack).join(',').length + 3 + String(s.delta).length + 1;
        n++;
      }
      const perSample = bytes / n;
      const samples = Math.ceil((V8_MAX_STRING * 1.1) / perSample);
      const file = path.join(dir, 'big.speedscope.json');
      const [, genS] = timed(() => writeSpeedscope(workload, file, samples));
      rows.push(run('speedscope', '> 512 MB (over the string limit)', 'json', file, samples, genS, bigRuns, true));
      console.log(`speedscope > 512 MB: ${JSON.stringify(rows[rows.length - 1])}`);
      done(file);
    }
  }

  const baseline = measure('floor', 'read', 'none', __filename);
  for (const r of rows) {
    r.importRssPerFileSize = r.peakRssMB === null ? null : round(((r.peakRssMB - baseline.maxRssMB) * MB) / (r.fileMB * MB));
  }
  console.log('');
  printTable(rows);
  const how = process.env.BENCH_TSX === '1' ? 'node + tsx' : 'node + the bundled bench';
  console.log(`\nchild process baseline (${how}, reading this file): ${baseline.maxRssMB.toFixed(0)} MB RSS; "above base/file" is peak RSS minus that, per file byte`);
  const out = path.join(__dirname, 'results', 'import.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), quick, workload: { ...options, callTreeNodes: workload.nodeCount - 1 }, runs, warmup: runs > 1 && process.env.BENCH_WARMUP !== '0', cpus: os.cpus().length, childBaselineRssMB: round(baseline.maxRssMB), rows }, null, 2)}\n`,
  );
  console.log(`results written to ${path.relative(process.cwd(), out)}`);
  if (!keep && !process.env.BENCH_DIR) fs.rmSync(dir, { recursive: true, force: true });
}

if (process.argv[2] === '--child') {
  const [, , , mode, floor, format, file] = process.argv;
  void child(mode as 'import' | 'floor', floor as Floor, format, file);
} else {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
