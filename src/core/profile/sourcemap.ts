import * as fs from 'node:fs';
import * as path from 'node:path';
import { LEAST_UPPER_BOUND, TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { SourceLocationResolver } from './analysis/lines';

/**
 * The files of one workspace folder, as the source mapper needs them: listed once, read on
 * demand. Paths are workspace-relative with `/` separators. The extension adapts VS Code's
 * workspace to this; `diskWorkspace` serves the CLI and tests.
 */
export interface WorkspaceFiles {
  list(): readonly string[];
  read(relativePath: string): string | undefined;
}

/** Folders that never hold a user's own sources. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** A workspace folder on disk, listed once (node_modules and VCS folders skipped). */
export function diskWorkspace(root: string, maxFiles = 200_000): WorkspaceFiles {
  let files: string[] | undefined;
  return {
    list() {
      if (files) return files;
      files = [];
      const pending = [''];
      while (pending.length > 0 && files.length < maxFiles) {
        const dir = pending.pop()!;
        let entries: fs.Dirent[];
        try {
          entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
        } catch {
          continue;
        }
        for (const entry of entries) {
          const rel = dir ? `${dir}/${entry.name}` : entry.name;
          if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name)) pending.push(rel);
          } else if (entry.isFile()) {
            files.push(rel);
          }
        }
      }
      return files;
    },
    read(relativePath) {
      try {
        return fs.readFileSync(path.join(root, relativePath), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The path segments of a profiler's file reference, or undefined when it cannot be a
 * workspace file (`node:` built-ins, eval code). Handles absolute paths from another machine,
 * Windows paths, `file://` URLs, `webpack://` / `webpack-internal:///` URLs, http(s) URLs
 * (their path part) and relative paths.
 */
export function pathSegments(reference: string): string[] | undefined {
  let p = reference.trim();
  if (p === '' || p.startsWith('node:') || p.startsWith('evalmachine.') || p.startsWith('[eval')) return undefined;
  const url = /^[a-zA-Z][a-zA-Z0-9+.-]+:\/\/[^/]*(.*)$/.exec(p);
  if (url) {
    // The "host" is the server for http, the project's namespace for webpack: not a folder.
    p = url[1].replace(/[?#].*$/, '');
    try {
      p = decodeURIComponent(p);
    } catch {
      // a stray % is still part of a usable path
    }
  }
  const segments = p
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:\//, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..');
  return segments.length > 0 ? segments : undefined;
}

/**
 * Resolves profiler file references to workspace files by the longest matching path suffix.
 * The workspace list is indexed once by file name; each reference is resolved once.
 * A match must cover the whole workspace path or at least two trailing segments (folder and
 * file), so `/usr/lib/node/app.ts` does not land on an unrelated `src/app.ts`. Ties go to
 * the shorter workspace path.
 */
export class WorkspacePathIndex {
  private readonly byName = new Map<string, string[][]>();
  private readonly cache = new Map<string, string | undefined>();

  constructor(files: readonly string[]) {
    for (const file of files) {
      const segments = file.split('/');
      const name = segments[segments.length - 1];
      let list = this.byName.get(name);
      if (!list) this.byName.set(name, (list = []));
      list.push(segments);
    }
  }

  /** The workspace-relative path for a profiler's file reference, or undefined. */
  resolve(reference: string): string | undefined {
    if (this.cache.has(reference)) return this.cache.get(reference);
    const result = this.lookup(reference);
    this.cache.set(reference, result);
    return result;
  }

  private lookup(reference: string): string | undefined {
    const segments = pathSegments(reference);
    if (!segments) return undefined;
    const candidates = this.byName.get(segments[segments.length - 1]);
    if (!candidates) return undefined;
    let best: string[] | undefined;
    let bestMatched = 0;
    for (const candidate of candidates) {
      let matched = 0;
      while (
        matched < candidate.length &&
        matched < segments.length &&
        candidate[candidate.length - 1 - matched] === segments[segments.length - 1 - matched]
      ) {
        matched++;
      }
      if (matched < candidate.length && matched < 2) continue;
      if (matched > bestMatched || (matched === bestMatched && best && candidate.length < best.length)) {
        best = candidate;
        bestMatched = matched;
      }
    }
    return best?.join('/');
  }
}

/** An original position: workspace-relative file when it resolves into the workspace. */
export interface OriginalPosition {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based; undefined when the map has no column. */
  column?: number;
}

const SOURCE_MAPPING_URL = /\/\/[#@]\s*sourceMappingURL=(\S+)\s*$/gm;

/**
 * Follows JavaScript source maps (inline `data:` URLs and `//# sourceMappingURL=` files)
 * from generated workspace files back to their original sources. Maps are loaded once per
 * generated file.
 */
export class SourceMaps {
  private readonly maps = new Map<string, TraceMap | undefined>();

  constructor(
    private readonly files: WorkspaceFiles,
    private readonly paths: WorkspacePathIndex,
  ) {}

  /** The map of a generated file (workspace-relative), or undefined when it has none. */
  mapFor(generated: string): TraceMap | undefined {
    if (!this.maps.has(generated)) this.maps.set(generated, this.load(generated));
    return this.maps.get(generated);
  }

  /**
   * The original position of a 1-based generated line and column. Without a column the
   * first mapping on the line is used.
   */
  originalPosition(generated: string, line: number, column?: number): OriginalPosition | undefined {
    const map = this.mapFor(generated);
    if (!map || !(line > 0)) return undefined;
    let pos = column ? originalPositionFor(map, { line, column: column - 1 }) : undefined;
    if (!pos || pos.source === null) pos = originalPositionFor(map, { line, column: column ? column - 1 : 0, bias: LEAST_UPPER_BOUND });
    if (pos.source === null || pos.line === null) return undefined;
    const out: OriginalPosition = { file: this.paths.resolve(pos.source) ?? pos.source, line: pos.line };
    if (pos.column !== null) out.column = pos.column + 1;
    return out;
  }

  private load(generated: string): TraceMap | undefined {
    const text = this.files.read(generated);
    if (text === undefined) return undefined;
    let url: string | undefined;
    for (const m of text.matchAll(SOURCE_MAPPING_URL)) url = m[1];
    if (!url) return undefined;
    try {
      if (url.startsWith('data:')) {
        const comma = url.indexOf(',');
        const meta = url.slice(5, comma);
        const payload = url.slice(comma + 1);
        const json = meta.endsWith(';base64') ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload);
        return new TraceMap(json, generated);
      }
      const mapPath = path.posix.normalize(path.posix.join(path.posix.dirname(generated), decodeURIComponent(url)));
      const json = this.files.read(mapPath);
      return json === undefined ? undefined : new TraceMap(json, mapPath);
    } catch {
      // A broken map means "no map": the generated location is still correct.
      return undefined;
    }
  }
}

/**
 * The workspace resolver for `lineCost` and the extension's decorations: a frame's file goes
 * to a workspace file by path suffix; generated JavaScript with a source map goes on to the
 * original (TypeScript) file and line. A generated line without a mapping stays where it is.
 */
export class WorkspaceSourceResolver implements SourceLocationResolver {
  readonly paths: WorkspacePathIndex;
  readonly sourceMaps: SourceMaps;

  constructor(files: WorkspaceFiles) {
    this.paths = new WorkspacePathIndex(files.list());
    this.sourceMaps = new SourceMaps(files, this.paths);
  }

  resolve(file: string, line: number, column?: number): OriginalPosition | undefined {
    const generated = this.paths.resolve(file);
    if (generated === undefined) return undefined;
    if (/\.[cm]?js$/.test(generated)) {
      const original = this.sourceMaps.originalPosition(generated, line, column);
      if (original) return original;
    }
    const out: OriginalPosition = { file: generated, line };
    if (column) out.column = column;
    return out;
  }
}
