// Bundles every entry point: the extension (vscode external), the CLI, the service,
// the profile-import worker and the webview (browser). `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, cpSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const require = createRequire(import.meta.url);

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // native or wasm-loading packages stay outside the bundle and ship in node_modules
  external: ['vscode', '@datadog/pprof', '@pyroscope/nodejs', '@vscode/tree-sitter-wasm', 'web-tree-sitter/tree-sitter.wasm'],
  plugins: [
    {
      // web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle lacks
      name: 'web-tree-sitter-cjs',
      setup(build) {
        build.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
      },
    },
  ],
};

const entries = [
  // `hotpath`: the profile commands alone (src/cli/entry.ts), and the whole CLI it loads for the others
  { entryPoints: ['src/cli/entry.ts'], outfile: 'dist/cli.js', ...node },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli-full.js', ...node },
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
  // the chat panel's webview (dist/chat.js + dist/chat.css)
  { entryPoints: ['webview/chat/main.ts'], outfile: 'dist/chat.js', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production, logLevel: 'warning' },
  // the regression investigation panel's webview (dist/investigation.js + dist/investigation.css)
  { entryPoints: ['webview/investigation/main.ts'], outfile: 'dist/investigation.js', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production, logLevel: 'warning' },
  // the Efficiency Report's webview (dist/report.js + dist/report.css)
  { entryPoints: ['webview/report/main.ts'], outfile: 'dist/report.js', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production, logLevel: 'warning' },
  // speedscope's release page runs behind this bootstrap (dist/speedscope/hotpath-bootstrap.js)
  { entryPoints: ['src/extension/speedscope/webview/bootstrap.ts'], outfile: 'dist/speedscope/hotpath-bootstrap.js', bundle: true, platform: 'browser', target: 'es2022', format: 'iife', sourcemap: !production, minify: production, logLevel: 'warning' },
].filter((e) => existsSync(e.entryPoints[0]));

// The tree-sitter runtime and the grammars the skills use, beside the bundles (dist/wasm/), so
// the packaged extension needs no node_modules for them (src/core/skills/grammars.ts looks
// there first).
const grammarDir = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
mkdirSync('dist/wasm', { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/wasm/tree-sitter.wasm');
for (const grammar of ['javascript', 'typescript', 'tsx', 'python', 'go', 'java']) {
  copyFileSync(join(grammarDir, `tree-sitter-${grammar}.wasm`), `dist/wasm/tree-sitter-${grammar}.wasm`);
}

// SQLite's native module, which the bundled better-sqlite3 loads through `nativeBinding`
// (src/service/store/sqlite.ts), for the service the extension starts itself.
mkdirSync('dist/native', { recursive: true });
// Copied beside and renamed over: a running service has the old file mapped, and rewriting a
// loaded shared library in place crashes that process.
copyFileSync(join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node'), 'dist/native/better_sqlite3.node.tmp');
renameSync('dist/native/better_sqlite3.node.tmp', 'dist/native/better_sqlite3.node');

// speedscope's release (the npm package's dist/release) for "Open in speedscope", so the .vsix
// carries it; the webview reads the hashed script and stylesheet names from its index.html.
cpSync(join(dirname(require.resolve('speedscope/package.json')), 'dist', 'release'), 'dist/speedscope', { recursive: true });

if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
}
