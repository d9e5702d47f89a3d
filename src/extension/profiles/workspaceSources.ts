import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { WorkspaceSourceResolver, type WorkspaceFiles } from '../../core/profile/sourcemap';
import type { MappedSources } from '../heat/fileHeat';

/** Files a profile frame or a source map can point at; other files never hold a frame's code. */
const SOURCE_EXTENSIONS = ['js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'map', 'vue', 'svelte', 'py', 'go', 'java', 'kt', 'rb', 'php', 'cs', 'rs', 'c', 'cc', 'cpp', 'cxx', 'h', 'hpp'];
const SOURCE_GLOB = `**/*.{${SOURCE_EXTENSIONS.join(',')}}`;
const SOURCE_FILE = new RegExp(`\\.(${SOURCE_EXTENSIONS.join('|')})$`);
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';
const MAX_FILES = 100_000;
const RELIST_DELAY_MS = 300;

/**
 * The workspace as the core's source mapper sees it (`WorkspaceFiles`): listed once,
 * asynchronously, through VS Code's file search, then read on demand from disk. Paths are
 * relative to their workspace folder. Until the listing is done `resolver` is undefined and
 * callers fall back to matching recorded paths by suffix.
 */
export class WorkspaceSources implements vscode.Disposable {
  private current: WorkspaceSourceResolver | undefined;
  private readonly absolute = new Map<string, string>();
  private listing: Promise<void> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a (re)listing finished, so views can redraw with source-mapped locations. */
  readonly onDidChange = this.changed.event;
  private readonly watchers: vscode.Disposable[];
  private relist: NodeJS.Timeout | undefined;
  private readonly relistedFor = new Set<string>();

  constructor(private readonly log: { warn(message: string): void }) {
    // Files added or removed on disk (a build writing dist/ and its maps) change what a frame
    // resolves to: list again, once the burst of events is over.
    const watcher = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB, false, true, false);
    const stale = () => {
      clearTimeout(this.relist);
      this.relist = setTimeout(() => this.invalidate(), RELIST_DELAY_MS);
    };
    this.watchers = [watcher, watcher.onDidCreate(stale), watcher.onDidDelete(stale), vscode.workspace.onDidChangeWorkspaceFolders(stale)];
  }

  /** The resolver, or undefined while the workspace is being listed (listing starts here). */
  get resolver(): WorkspaceSourceResolver | undefined {
    if (!this.current) void this.ready();
    return this.current;
  }

  /** Resolves once the workspace has been listed. */
  ready(): Promise<void> {
    this.listing ??= this.list().catch((e) => this.log.warn(`listing workspace sources: ${e instanceof Error ? e.message : e}`));
    return this.listing;
  }

  /** The folder-relative path the resolver uses for a file on disk, or undefined outside the workspace. */
  relative(fsPath: string): string | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(fsPath));
    if (!folder || folder.uri.scheme !== 'file') return undefined;
    return path.relative(folder.uri.fsPath, fsPath).split(path.sep).join('/');
  }

  /** What `fileHeat` needs to map a document's heat through source maps, once listed. */
  mappedFor(fsPath: string): MappedSources | undefined {
    const resolver = this.resolver;
    const relative = this.relative(fsPath);
    if (relative === undefined) return undefined;
    // A document the listing does not know was written after it (file watchers miss some
    // writes, and a build writes its maps at the same time): list again, once per file.
    if (resolver && SOURCE_FILE.test(relative) && !this.absolute.has(relative) && !this.relistedFor.has(relative)) {
      this.relistedFor.add(relative);
      this.invalidate();
    }
    return resolver ? { resolver, relative } : undefined;
  }

  /** The file on disk for a folder-relative path the resolver returned. */
  fsPath(relative: string): string | undefined {
    return this.absolute.get(relative);
  }

  private async list(): Promise<void> {
    const uris = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB, MAX_FILES);
    this.absolute.clear();
    for (const uri of uris) {
      const rel = this.relative(uri.fsPath);
      // Several folders with the same relative path: the first folder wins.
      if (rel !== undefined && !this.absolute.has(rel)) this.absolute.set(rel, uri.fsPath);
    }
    const files: WorkspaceFiles = {
      list: () => [...this.absolute.keys()],
      read: (rel) => {
        const file = this.absolute.get(rel);
        if (!file) return undefined;
        try {
          return fs.readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
    };
    this.current = new WorkspaceSourceResolver(files);
    this.changed.fire();
  }

  /** The old resolver keeps serving until the new listing replaces it. */
  private invalidate(): void {
    if (!this.listing) return;
    this.listing = undefined;
    void this.ready();
  }

  dispose(): void {
    clearTimeout(this.relist);
    this.watchers.forEach((d) => d.dispose());
    this.changed.dispose();
  }
}
