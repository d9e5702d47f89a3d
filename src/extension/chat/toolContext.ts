/**
 * The chat agent's ToolContext: the shared extension adapters (lmtools/toolContext.ts) plus
 * the profiles the user opened and VS Code's symbol/reference providers as the language
 * server (tree-sitter where no provider answers).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TreeSitterLanguageServer } from '../../core/code/symbols';
import type { ProfileSet } from '../../core/profile/model';
import type { WorkspaceFiles } from '../../core/profile/sourcemap';
import { ProfileCatalog, type LanguageServer, type ReferenceLocation, type SymbolLocation, type ToolContext } from '../../core/tools/context';
import type { ExtensionToolContexts } from '../lmtools/toolContext';

/** The folder tools work in: the first on disk (as ExtensionToolContexts picks it). */
export function workspaceRoot(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** Workspace-relative path with `/` for a file inside `root`, else undefined. */
export function relativeTo(root: string, fsPath: string): string | undefined {
  const rel = path.relative(root, fsPath);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel.split(path.sep).join('/');
}

const MAX_PROFILES = 4;

/** The profiles opened in this window, the active one first (tools default to the first). */
export class OpenedProfiles {
  private readonly sets = new Map<string, { set: ProfileSet; fsPath: string }>();
  private activeKey: string | undefined;

  remember(uri: vscode.Uri, set: ProfileSet): void {
    const key = uri.toString();
    this.sets.delete(key);
    this.sets.set(key, { set, fsPath: uri.fsPath });
    this.activeKey = key;
    // Profiles can be large: keep the most recently focused few.
    for (const old of this.sets.keys()) if (this.sets.size > MAX_PROFILES) this.sets.delete(old);
  }

  catalog(root: string): { catalog: ProfileCatalog; activeId?: string } {
    const catalog = new ProfileCatalog();
    let activeId: string | undefined;
    const ordered = [...this.sets].sort(([a], [b]) => Number(b === this.activeKey) - Number(a === this.activeKey));
    for (const [key, { set, fsPath }] of ordered) {
      const id = catalog.add(set, relativeTo(root, fsPath) ?? fsPath);
      if (key === this.activeKey) activeId = id;
    }
    return { catalog, activeId };
  }
}

/** VS Code's symbol and reference providers; tree-sitter where no language extension answers. */
export class VsCodeLanguageServer implements LanguageServer {
  private readonly fallback: TreeSitterLanguageServer;

  constructor(private readonly root: string, files: WorkspaceFiles) {
    this.fallback = new TreeSitterLanguageServer(files);
  }

  async findSymbol(name: string, options?: { file?: string }): Promise<SymbolLocation[]> {
    const found = await this.symbols(name, options?.file);
    return found.length ? found.map((s) => s.location) : this.fallback.findSymbol(name, options);
  }

  async findReferences(name: string, options?: { file?: string }): Promise<ReferenceLocation[]> {
    const [symbol] = await this.symbols(name, options?.file);
    if (!symbol) return this.fallback.findReferences(name, options);
    const doc = await vscode.workspace.openTextDocument(symbol.uri);
    const line = symbol.range.start.line;
    const column = doc.lineAt(line).text.indexOf(name);
    const position = new vscode.Position(line, Math.max(0, column));
    const refs = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', symbol.uri, position)) ?? [];
    const out: ReferenceLocation[] = [];
    for (const ref of refs) {
      const file = ref.uri.scheme === 'file' ? relativeTo(this.root, ref.uri.fsPath) : undefined;
      if (!file) continue;
      const refDoc = await vscode.workspace.openTextDocument(ref.uri);
      out.push({ file, line: ref.range.start.line + 1, text: refDoc.lineAt(ref.range.start.line).text.trim() });
    }
    return out.length ? out : this.fallback.findReferences(name, options);
  }

  private async symbols(name: string, file?: string): Promise<{ location: SymbolLocation; uri: vscode.Uri; range: vscode.Range }[]> {
    const all = (await vscode.commands.executeCommand<vscode.SymbolInformation[]>('vscode.executeWorkspaceSymbolProvider', name)) ?? [];
    return all.flatMap((s) => {
      const rel = s.location.uri.scheme === 'file' ? relativeTo(this.root, s.location.uri.fsPath) : undefined;
      if (!rel || s.name !== name || (file && rel !== file)) return [];
      const r = s.location.range;
      return [{ location: { name: s.name, kind: vscode.SymbolKind[s.kind].toLowerCase(), file: rel, line: r.start.line + 1, endLine: r.end.line + 1 }, uri: s.location.uri, range: r }];
    });
  }
}

/**
 * The shared extension ToolContext (workspace with open documents first, skills, git, modal
 * confirmation) with every profile opened in this window and VS Code's providers as the
 * language server.
 */
export async function buildToolContext(tools: ExtensionToolContexts, profiles: OpenedProfiles, signal?: AbortSignal): Promise<{ context: ToolContext; activeProfileId?: string }> {
  const base = await tools.create({ signal });
  const { catalog, activeId } = profiles.catalog(base.root);
  return { activeProfileId: activeId, context: { ...base, profiles: catalog, languageServer: new VsCodeLanguageServer(base.root, base.files) } };
}
