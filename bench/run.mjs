// `npm run bench`: runs every benchmark in bench/*.ts (or the ones named on the command
// line) in its own process, each printing its table and writing bench/results/<name>.json.
// BENCH_QUICK=1 runs small sizes (a smoke run, not numbers to report).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; available: ${readdirSync(here).filter((f) => f.endsWith('.ts')).join(', ')}`);
  process.exit(2);
}

const tsx = join(here, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
let failed = 0;
for (const name of benches) {
  console.log(`\n=== bench: ${name}`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [tsx, join(here, `${name}.ts`)], { stdio: 'inherit', env: process.env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    console.log(`--- ${name}: FAILED (exit ${r.status}) after ${secs}s`);
  } else {
    const out = join(here, 'results', `${name}.json`);
    console.log(`--- ${name}: ${secs}s${existsSync(out) ? `, results in bench/results/${name}.json` : ''}`);
  }
}
process.exit(failed ? 1 : 0);
