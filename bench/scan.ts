/**
 * `hotpath scan` benchmark (issue 3: "100 000 lines of code in under 10 s on this machine"):
 * generates a seeded code base of realistic JavaScript/TypeScript modules (services, utilities,
 * React-style components; about one planted anti-pattern per file), then times loading the
 * skills and scanning it, in process and as the real CLI in a child process. Both wall and CPU
 * time are reported: on a shared machine the wall time mostly measures the other processes.
 *
 *   npx tsx bench/scan.ts                 full run (100 000 lines)
 *   BENCH_QUICK=1 npx tsx bench/scan.ts   smoke run (10 000 lines)
 *
 * Environment: BENCH_LINES (target line count), BENCH_RUNS (median of; default 3, quick 1),
 * BENCH_DIR (where the code base goes; default a temp dir, removed unless BENCH_KEEP=1).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { builtinSkillsDir, loadSkills, scanCode } from '../src/core/skills/index';
import { seededRandom } from '../src/core/util/random';

const quick = process.env.BENCH_QUICK === '1';
const targetLines = Number(process.env.BENCH_LINES ?? (quick ? 10_000 : 100_000));
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
const TARGET_SECONDS = 10;

const rand = seededRandom(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const nouns = ['user', 'order', 'invoice', 'session', 'product', 'account', 'event', 'report', 'ticket', 'payment'];
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Ordinary code: the bulk of every file, which the detectors must walk and stay silent on. */
function plainFunction(i: number, ts: boolean): string {
  const n = pick(nouns);
  const T = ts ? `: ${cap(n)}[]` : '';
  const R = ts ? `: Record<string, number>` : '';
  return `
/** Summarises ${n}s by status for the dashboard. */
export function summarize${cap(n)}s${i}(items${T}, since${ts ? ': number' : ''})${R} {
  const counts${R} = {};
  for (const item of items) {
    if (item.updatedAt < since) continue;
    const key = item.status ?? 'unknown';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return counts;
  for (const key of Object.keys(counts)) {
    counts[key] = Math.round((counts[key] / total) * 1000) / 10;
  }
  return counts;
}

export async function load${cap(n)}${i}(api${ts ? ': Api' : ''}, id${ts ? ': string' : ''}) {
  const response = await api.get(\`/${n}s/\${encodeURIComponent(id)}\`);
  if (!response.ok) {
    throw new Error(\`failed to load ${n} \${id}: \${response.status}\`);
  }
  const body = await response.json();
  return { ...body, loadedAt: Date.now(), tags: (body.tags || []).map((t) => t.trim().toLowerCase()) };
}
`;
}

function plainClass(i: number, ts: boolean): string {
  const n = cap(pick(nouns));
  return `
export class ${n}Store${i} {
  ${ts ? `private readonly items = new Map<string, ${n}>();\n  private listeners: ((item: ${n}) => void)[] = [];` : 'items = new Map();\n  listeners = [];'}

  add(item${ts ? `: ${n}` : ''}) {
    this.items.set(item.id, item);
    for (const listener of this.listeners) listener(item);
  }

  byStatus(status${ts ? ': string' : ''}) {
    return [...this.items.values()].filter((item) => item.status === status);
  }

  newest(limit = 10) {
    return [...this.items.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
  }

  subscribe(listener${ts ? `: (item: ${n}) => void` : ''}) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
`;
}

function component(i: number): string {
  const n = pick(nouns);
  return `
export function ${cap(n)}List${i}({ items, onSelect }: { items: ${cap(n)}[]; onSelect: (id: string) => void }) {
  const sorted = items.slice().sort((a, b) => a.name.localeCompare(b.name));
  return (
    <ul className="${n}-list">
      {sorted.map((item) => (
        <li key={item.id} onClick={() => onSelect(item.id)}>
          <span className="name">{item.name}</span>
          {item.badge ? <span className="badge">{item.badge}</span> : null}
        </li>
      ))}
    </ul>
  );
}
`;
}

/** Planted anti-patterns, one of which most files get. */
const planted = [
  (i: number) => `
export function attach${i}(orders, customers) {
  return orders.map((o) => ({ ...o, customer: customers.find((c) => c.id === o.customerId) }));
}
`,
  (i: number) => `
export function clone${i}(state) {
  return JSON.parse(JSON.stringify(state));
}
`,
  (i: number) => `
export function index${i}(items) {
  return items.reduce((acc, item) => ({ ...acc, [item.id]: item }), {});
}
`,
  (i: number) => `
export function walk${i}(root) {
  const queue = [root];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const child of node.children) queue.push(child);
  }
}
`,
  (i: number) => `
export function find${i}(lines, key) {
  const out = [];
  for (const line of lines) {
    if (new RegExp('^' + key + '=').test(line)) out.push(line);
  }
  return out;
}
`,
];

interface Generated {
  dir: string;
  files: number;
  lines: number;
}

function generate(dir: string, lines: number): Generated {
  let written = 0;
  let files = 0;
  while (written < lines) {
    const kind = files % 10 === 9 ? 'tsx' : files % 2 === 0 ? 'ts' : 'js';
    const ts = kind !== 'js';
    const header = ts ? `interface Api { get(url: string): Promise<any> }\n${nouns.map((n) => `interface ${cap(n)} { id: string; name: string; status?: string; updatedAt: number; createdAt: number; customerId?: string; badge?: string }`).join('\n')}\n` : `'use strict';\n`;
    const parts = [header];
    for (let k = 0; k < 6; k++) parts.push(plainFunction(files * 10 + k, ts), plainClass(files * 10 + k, ts));
    if (kind === 'tsx') parts.push(component(files));
    if (rand() < 0.8) parts.push(pick(planted)(files));
    const text = parts.join('');
    const sub = join(dir, 'src', `pkg${files % 20}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `module${files}.${kind}`), text);
    written += text.split('\n').length;
    files++;
  }
  return { dir, files, lines: written };
}

function cpuMs(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const root = process.env.BENCH_DIR ?? mkdtempSync(join(os.tmpdir(), 'hotpath-scan-bench-'));
  const started = Date.now();
  const gen = generate(root, targetLines);

  const load: number[] = [];
  const scan: number[] = [];
  const scanCpu: number[] = [];
  const loadCpu: number[] = [];
  const cli: number[] = [];
  const cliCpu: number[] = [];
  let findings = 0;
  let errors = 0;
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    let cpu = process.cpuUsage();
    const library = await loadSkills([builtinSkillsDir()]);
    load.push(performance.now() - t);
    loadCpu.push(cpuMs(process.cpuUsage(cpu)));
    t = performance.now();
    cpu = process.cpuUsage();
    const result = await scanCode({ paths: [root], library });
    scan.push(performance.now() - t);
    scanCpu.push(cpuMs(process.cpuUsage(cpu)));
    findings = result.findings.length;
    errors = result.errors.length;
    if (result.linesScanned < gen.lines * 0.99) throw new Error(`scanned ${result.linesScanned} of ${gen.lines} lines`);

    t = performance.now();
    // /usr/bin/time reports the child's CPU seconds on stderr as "cpu <user> <sys>"
    const cliArgs = [process.execPath, join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, '..', 'src', 'cli', 'main.ts'), 'scan', root, '--json'];
    const timed = existsSync('/usr/bin/time');
    const child = spawnSync(timed ? '/usr/bin/time' : cliArgs[0], timed ? ['-f', 'cpu %U %S', ...cliArgs] : cliArgs.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    cli.push(performance.now() - t);
    if (child.status !== 0) throw new Error(`hotpath scan exited ${child.status}: ${child.stderr}`);
    const times = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(child.stderr);
    if (times) cliCpu.push((Number(times[1]) + Number(times[2])) * 1000);
    const parsed = JSON.parse(child.stdout) as { findings: unknown[] };
    if (parsed.findings.length !== findings) throw new Error(`CLI found ${parsed.findings.length}, in-process ${findings}`);
  }

  const inProcess = median(load) + median(scan);
  const inProcessCpu = median(loadCpu) + median(scanCpu);
  const cliCpuMs = cliCpu.length ? median(cliCpu) : undefined;
  const verdict = (seconds: number) => (seconds < TARGET_SECONDS ? 'PASS' : 'FAIL');
  const rows: [string, string][] = [
    ['code base', `${gen.files} files, ${gen.lines} lines (JS/TS/TSX)`],
    ['load skills: wall / CPU (median)', `${median(load).toFixed(0)} ms / ${median(loadCpu).toFixed(0)} ms`],
    ['scan: wall / CPU (median)', `${median(scan).toFixed(0)} ms / ${median(scanCpu).toFixed(0)} ms, ${Math.round(gen.lines / (median(scanCpu) / 1000))} lines per CPU second`],
    ['load + scan in process: wall / CPU', `${(inProcess / 1000).toFixed(2)} s / ${(inProcessCpu / 1000).toFixed(2)} s`],
    ['`hotpath scan --json` CLI incl. tsx start-up: wall / CPU', `${(median(cli) / 1000).toFixed(2)} s / ${cliCpuMs === undefined ? 'n/a' : `${(cliCpuMs / 1000).toFixed(2)} s`}`],
    ['findings / files with errors', `${findings} / ${errors}`],
    [`target: under ${TARGET_SECONDS} s for ${gen.lines} lines (CLI wall / CPU)`, `${verdict(median(cli) / 1000)} / ${cliCpuMs === undefined ? 'n/a' : verdict(cliCpuMs / 1000)}`],
    ['machine load average (1 min) at the end', os.loadavg()[0].toFixed(1)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);

  const results = {
    lines: gen.lines,
    files: gen.files,
    runs,
    loadMs: median(load),
    loadCpuMs: median(loadCpu),
    scanMs: median(scan),
    scanCpuMs: median(scanCpu),
    inProcessSeconds: inProcess / 1000,
    inProcessCpuSeconds: inProcessCpu / 1000,
    cliSeconds: median(cli) / 1000,
    cliCpuSeconds: cliCpuMs === undefined ? null : cliCpuMs / 1000,
    linesPerCpuSecond: Math.round(gen.lines / (median(scanCpu) / 1000)),
    loadAverage: os.loadavg()[0],
    findings,
    filesWithErrors: errors,
    targetSeconds: TARGET_SECONDS,
    quick,
    seconds: (Date.now() - started) / 1000,
  };
  const out = join(__dirname, 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'scan.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote bench/results/scan.json in ${results.seconds.toFixed(0)} s`);
  if (!process.env.BENCH_DIR && process.env.BENCH_KEEP !== '1') rmSync(root, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
