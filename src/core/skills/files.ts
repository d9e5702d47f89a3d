import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { grammarForFile } from './grammars';

/** Folders never worth scanning: dependencies, VCS data, build output, caches. */
const defaultIgnoredDirs = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  'vendor',
  '__pycache__',
  'venv',
  'target',
]);
const minifiedFile = /[.-]min\.[cm]?js$|\.bundle\.js$/;

interface IgnoreRule {
  re: RegExp;
  dirOnly: boolean;
}

/** The plain subset of .gitignore: globs with `*`, `**`, `?`, anchored `/x` and `dir/` rules (negations are skipped). */
function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = line
      .split(/(\*\*\/|\*\*|\*|\?)/)
      .map((part) =>
        part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    rules.push({ re: new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`), dirOnly });
  }
  return rules;
}

/**
 * Source files under `paths` that some grammar reads, sorted. Folders skip dependencies, build
 * output and minified bundles, and honour the root's .gitignore; files named explicitly are
 * always included.
 */
export async function collectSourceFiles(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const root of paths) {
    const info = await stat(root);
    if (!info.isDirectory()) {
      out.add(root);
      continue;
    }
    let rules: IgnoreRule[] = [];
    try {
      rules = parseGitignore(await readFile(join(root, '.gitignore'), 'utf8'));
    } catch {
      // no .gitignore: only the defaults apply
    }
    const ignored = (rel: string, isDir: boolean) => rules.some((r) => (!r.dirOnly || isDir) && r.re.test(rel));
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        const full = join(dir, e.name);
        const rel = relative(root, full).split(sep).join('/');
        if (e.isDirectory()) {
          // dot-folders hold tool state (.git, .yarn, .pnpm-store, .hotpath), not the code base
          if (!defaultIgnoredDirs.has(e.name) && !e.name.startsWith('.') && !ignored(rel, true)) await walk(full);
        } else if (e.isFile() && grammarForFile(e.name) && !minifiedFile.test(e.name) && !ignored(rel, false)) {
          out.add(full);
        }
      }
    };
    await walk(root);
  }
  return [...out].sort();
}
