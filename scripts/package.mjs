#!/usr/bin/env node
// `npm run package`: a production .vsix with @vscode/vsce — minified bundles, the wasm grammars,
// skills, media, README, LICENSE, CHANGELOG (the allow-list is .vscodeignore). The bundles are
// self-contained, so no node_modules go in (--no-dependencies); README's images stay relative
// links (the repository has no public host for vsce to rewrite them to).
//   node scripts/package.mjs [--out FILE]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const at = process.argv.indexOf('--out');
const out = path.resolve(at > 0 ? process.argv[at + 1] : path.join(root, `hotpath-${version}.vsix`));

execFileSync(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
execFileSync(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--skip-license', '-o', out], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
console.log(`${path.relative(process.cwd(), out) || out} (${(fs.statSync(out).size / 1024 / 1024).toFixed(1)} MB)`);
