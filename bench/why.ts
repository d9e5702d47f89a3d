/**
 * Time to answer "why is this hot?" (issue 3): the offline engine on a profile of 100 000
 * distinct frames whose functions live in a generated workspace of real files, so source
 * mapping, tree-sitter and the skills' detectors all run.
 *
 *   npx tsx bench/why.ts            full size (100 000 frames, 1 000 000 samples)
 *   BENCH_QUICK=1 npx tsx bench/why.ts
 *
 * Reported: building the tool context (workspace index, skills), the analysis (rank, map,
 * detect, weight, fix) and rendering the answer, each the median of 5 runs. Import time of
 * the profile is in bench/import.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeProfile } from '../src/core/agent/engine';
import { renderWhy } from '../src/core/agent/why';
import { ProfileBuilder } from '../src/core/profile/builder';
import type { ProfileSet } from '../src/core/profile/model';
import { diskWorkspace, WorkspaceSourceResolver } from '../src/core/profile/sourcemap';
import { loadDefaultSkills } from '../src/core/skills';
import { ProfileCatalog, type ToolContext } from '../src/core/tools/context';
import { seededRandom } from '../src/core/util/random';

const quick = process.env.BENCH_QUICK === '1';
const FILES = quick ? 100 : 1000;
const FUNCTIONS_PER_FILE = 100;
const SAMPLES = quick ? 100_000 : 1_000_000;
const DEPTH = 40;

/** A module of ordinary functions; every 50th has a linear lookup in a loop (a real finding). */
function moduleSource(file: number): string {
  const out: string[] = ["'use strict';", ''];
  for (let f = 0; f < FUNCTIONS_PER_FILE; f++) {
    const name = `handler${file}_${f}`;
    if (f % 50 === 7) {
      out.push(`function ${name}(items, allowedIds) {`, '  const kept = [];', '  for (const item of items) {', '    if (allowedIds.includes(item.id)) kept.push(item);', '  }', '  return kept;', '}', '');
    } else {
      out.push(`function ${name}(input) {`, '  let total = 0;', '  for (let i = 0; i < input.length; i++) total += input[i] * 2;', '  return total;', '}', '');
    }
  }
  out.push(`module.exports = { ${Array.from({ length: FUNCTIONS_PER_FILE }, (_, f) => `handler${file}_${f}`).join(', ')} };`, '');
  return out.join('\n');
}

function functionLine(f: number): number {
  // 2 header lines; functions are 6 lines, lookups 8: count the lines before function f.
  let line = 3;
  for (let g = 0; g < f; g++) line += g % 50 === 7 ? 8 : 6;
  return line;
}

function buildProfile(): ProfileSet {
  const b = new ProfileBuilder('bench', 'microseconds');
  const frames: number[] = [];
  for (let file = 0; file < FILES; file++) {
    for (let f = 0; f < FUNCTIONS_PER_FILE; f++) {
      frames.push(b.frame({ name: `handler${file}_${f}`, file: `file:///deploy/app/src/mod${file}.js`, line: functionLine(f), column: 1 }));
    }
  }
  // Realistic shape: a few thousand distinct call paths sharing prefixes (entry points and
  // middleware), drawn with a skewed (Zipf-like) distribution; leaves are often the
  // lookup functions, so the hottest code has findings.
  const random = seededRandom(7);
  const lookups = frames.filter((_, i) => i % FUNCTIONS_PER_FILE % 50 === 7);
  const paths: number[][] = [];
  for (let p = 0; p < 5000; p++) {
    const prefix = p === 0 ? [] : paths[Math.floor(random() * paths.length)].slice(0, Math.floor(random() * DEPTH * 0.75));
    const path = [...prefix];
    while (path.length < DEPTH - 1) path.push(frames[Math.floor(random() * frames.length)]);
    path.push(random() < 0.5 ? lookups[Math.floor(random() * lookups.length)] : frames[Math.floor(random() * frames.length)]);
    paths.push(path);
  }
  // every frame appears in the profile at least once, so it really has 100 000 frames
  for (let i = 0; i < frames.length; i += DEPTH) b.appendSample(frames.slice(i, i + DEPTH), 100);
  const lineOf = (frame: number) => b.frames[frame].line! + 3;
  const pathLines = paths.map((p) => p.map(lineOf));
  for (let s = frames.length / DEPTH; s < SAMPLES; s++) {
    const k = Math.min(paths.length - 1, Math.floor(paths.length * random() ** 3));
    b.appendSample(paths[k], 100, pathLines[k]);
  }
  return { format: 'synthetic', profiles: [b.build()], activeIndex: 0 };
}

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[a.length >> 1];
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bench-why-'));
  try {
    fs.mkdirSync(path.join(root, 'src'));
    for (let file = 0; file < FILES; file++) fs.writeFileSync(path.join(root, 'src', `mod${file}.js`), moduleSource(file));
    const set = buildProfile();
    const profile = set.profiles[0];
    const times = { context: [] as number[], analysis: [] as number[], render: [] as number[] };
    let targets = 0;
    let findings = 0;
    for (let run = 0; run < 5; run++) {
      let t = performance.now();
      const files = diskWorkspace(root);
      const profiles = new ProfileCatalog();
      profiles.add(set, 'bench.cpuprofile');
      const context: ToolContext = { root, files, resolver: new WorkspaceSourceResolver(files), profiles, skills: await loadDefaultSkills(root), confirm: async () => false };
      times.context.push(performance.now() - t);
      t = performance.now();
      const analysis = await analyzeProfile(context);
      times.analysis.push(performance.now() - t);
      t = performance.now();
      const answer = renderWhy(analysis);
      times.render.push(performance.now() - t);
      targets = analysis.targets.length;
      findings = analysis.targets.reduce((n, x) => n + x.findings.length, 0);
      if (!answer.includes('## Why is')) throw new Error('no answer rendered');
    }
    const result = {
      frames: profile.frames.length,
      samples: profile.sampleCount,
      nodes: profile.nodeCount,
      workspaceFiles: FILES,
      targets,
      findings,
      contextMs: median(times.context),
      analysisMs: median(times.analysis),
      renderMs: median(times.render),
      answerMs: median(times.context.map((c, i) => c + times.analysis[i] + times.render[i])),
      targetMs: 1000,
    };
    console.log('why on a large profile (median of 5 runs)');
    console.log(`frames ${result.frames}  samples ${result.samples}  trie nodes ${result.nodes}  workspace files ${FILES}`);
    console.log('step                      ms');
    console.log(`tool context         ${result.contextMs.toFixed(1).padStart(8)}`);
    console.log(`analysis             ${result.analysisMs.toFixed(1).padStart(8)}`);
    console.log(`render               ${result.renderMs.toFixed(1).padStart(8)}`);
    console.log(`answer (total)       ${result.answerMs.toFixed(1).padStart(8)}   target < ${result.targetMs} ms: ${result.answerMs < result.targetMs ? 'met' : 'NOT met'}`);
    console.log(`(${targets} hot functions examined, ${findings} findings)`);
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'results', 'why.json'), `${JSON.stringify({ quick, ...result }, null, 2)}\n`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
