// Enforces the layer rules of DESIGN.md on every import in the source tree:
//   src/core     never imports vscode, src/extension, src/service, src/cli or webview;
//   src/service  never imports vscode, src/extension, src/core/agent or webview;
//   webview/     imports neither vscode, Node built-ins, nor src/extension|service|cli;
//   src/mcp      never imports vscode, src/extension, src/cli, src/service or webview;
//   only src/extension imports vscode.
// Exits 1 listing every violation as file:line.
// Usage: node scripts/check-layers.mjs [ROOT]
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

// The tree to check: the repository, or a folder given as the first argument (tests use that).
const root = resolve(process.argv[2] ?? join(dirname(new URL(import.meta.url).pathname), '..'));
const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function* walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Imports of one file with their 1-based lines (import, export-from, require, import()). */
export function importsOf(text) {
  const info = ts.preProcessFile(text, true, true);
  const lineStarts = ts.computeLineStarts(text);
  return info.importedFiles.map((f) => ({
    spec: f.fileName,
    line: ts.computeLineAndCharacterOfPosition(lineStarts, f.pos).line + 1,
  }));
}

function targetLayer(fromFile, spec) {
  if (!spec.startsWith('.')) return spec;
  return relative(root, resolve(dirname(fromFile), spec)).split('\\').join('/');
}

const rules = [
  {
    layer: 'src/core',
    forbid: (t) =>
      t === 'vscode' ? 'src/core must not import vscode (use a port)' :
      /^(src\/(extension|service|cli)|webview)(\/|$)/.test(t) ? `src/core must not import ${t}` : null,
  },
  {
    layer: 'src/service',
    forbid: (t) =>
      t === 'vscode' ? 'src/service must not import vscode' :
      /^(src\/(extension|cli)|src\/core\/agent|webview)(\/|$)/.test(t) ? `src/service must not import ${t}` : null,
  },
  {
    layer: 'webview',
    forbid: (t) =>
      t === 'vscode' ? 'webview must not import vscode' :
      nodeBuiltins.has(t) ? `webview must not import the Node module ${t}` :
      /^src\/(extension|service|cli)(\/|$)/.test(t) ? `webview must not import ${t}` : null,
  },
  {
    layer: 'src/mcp',
    forbid: (t) =>
      t === 'vscode' ? 'src/mcp must not import vscode' :
      /^(src\/(extension|cli|service)|webview)(\/|$)/.test(t) ? `src/mcp must not import ${t}` : null,
  },
  {
    layer: 'src/cli',
    forbid: (t) => (t === 'vscode' ? 'src/cli must not import vscode' : /^src\/extension(\/|$)/.test(t) ? `src/cli must not import ${t}` : null),
  },
];

export function checkLayers() {
  const violations = [];
  for (const rule of rules) {
    for (const file of walk(join(root, rule.layer))) {
      const text = readFileSync(file, 'utf8');
      for (const { spec, line } of importsOf(text)) {
        const why = rule.forbid(targetLayer(file, spec));
        if (why) violations.push(`${relative(root, file)}:${line}: ${why}`);
      }
    }
  }
  return violations;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = checkLayers();
  if (violations.length) {
    console.error(`layer rules violated (${violations.length}):\n${violations.join('\n')}`);
    process.exit(1);
  }
  console.log('layers: ok');
}
