// Bundles every entry point: the extension (vscode external), the CLI, the service,
// the profile-import worker and the webview (browser). `--production` minifies.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // native or wasm-loading packages stay outside the bundle and ship in node_modules
  external: ['vscode', 'better-sqlite3', '@datadog/pprof', '@pyroscope/nodejs', 'web-tree-sitter', '@vscode/tree-sitter-wasm'],
};

const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', ...node },
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', ...node },
  { entryPoints: ['src/extension/worker.ts'], outfile: 'dist/worker.js', ...node },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  },
].filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
}
