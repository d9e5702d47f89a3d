import { existsSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

/** Grammars the detectors can target; each maps to one wasm file of @vscode/tree-sitter-wasm. */
export const grammarIds = ['javascript', 'typescript', 'tsx', 'python', 'go', 'java'] as const;
export type GrammarId = (typeof grammarIds)[number];

const grammarByExtension: Record<string, GrammarId> = {
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  // the JavaScript grammar parses JSX too
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python',
  '.go': 'go',
  '.java': 'java',
};

/** The grammar for a file name, or undefined when no detector can read it. */
export function grammarForFile(path: string): GrammarId | undefined {
  if (/\.d\.[cm]?ts$/.test(path)) return undefined;
  return grammarByExtension[extname(path).toLowerCase()];
}

/** Source languages named in skills, and the grammars that read them. */
export const grammarsOfLanguage: Record<string, readonly GrammarId[]> = {
  javascript: ['javascript'],
  typescript: ['typescript', 'tsx'],
  python: ['python'],
  go: ['go'],
  java: ['java'],
};


let initialized: Promise<void> | undefined;
const languages = new Map<GrammarId, Promise<Language>>();

/**
 * Where the grammars live: `wasm/` beside the bundle (dist/, as packaged in the .vsix), else
 * the npm packages (running from source or tests).
 */
function wasmFiles(): { grammars: string; runtime: string } {
  const bundled = join(__dirname, 'wasm');
  if (existsSync(join(bundled, 'tree-sitter.wasm'))) return { grammars: bundled, runtime: join(bundled, 'tree-sitter.wasm') };
  return {
    grammars: join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'),
    runtime: require.resolve('web-tree-sitter/tree-sitter.wasm'),
  };
}

/** Loads a grammar once per process; later calls share the same promise. */
export function loadGrammar(id: GrammarId): Promise<Language> {
  let lang = languages.get(id);
  if (!lang) {
    const files = wasmFiles();
    initialized ??= Parser.init({ locateFile: () => files.runtime });
    lang = initialized.then(() => Language.load(join(files.grammars, `tree-sitter-${id}.wasm`)));
    languages.set(id, lang);
  }
  return lang;
}
