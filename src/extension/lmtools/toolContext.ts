import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TreeSitterLanguageServer } from '../../core/code/symbols';
import { Git } from '../../core/git/git';
import { diskWorkspace, WorkspaceSourceResolver, type WorkspaceFiles } from '../../core/profile/sourcemap';
import { loadDefaultSkills, type SkillLibrary } from '../../core/skills';
import { ProfileCatalog, type ConfirmRequest, type ToolContext } from '../../core/tools/context';
import { ToolError } from '../../core/tools/tool';
import { verifyPatch } from '../../core/verify/verify';
import type { ActiveProfile } from '../profiles/activeProfile';
import type { WorkspaceSources } from '../profiles/workspaceSources';

/**
 * The extension's adapters for the tool ports (participant, LM tools, quick fixes): the first
 * workspace folder, open editors' text before the disk (so proposals match what the user sees),
 * the active profile in the catalog, and a modal confirmation for tools that write or execute.
 * The file list is cached until files are created, deleted or renamed; the skills until the
 * workspace's `.hotpath/skills/` changes (a skill taught from a fix is found by the next scan).
 */
export class ExtensionToolContexts implements vscode.Disposable {
  private cached: { root: string; files: WorkspaceFiles; resolver: WorkspaceSourceResolver } | undefined;
  private skills: { root: string; library: Promise<SkillLibrary> } | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly active: ActiveProfile,
    /** The workspace's source mapper, shared by heat, lenses and diagnostics. */
    readonly sources: WorkspaceSources,
  ) {
    const files = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    const skills = vscode.workspace.createFileSystemWatcher('**/.hotpath/skills/**');
    const dropFiles = () => (this.cached = undefined);
    const dropSkills = () => (this.skills = undefined);
    this.disposables.push(
      files,
      files.onDidCreate(dropFiles),
      files.onDidDelete(dropFiles),
      skills,
      skills.onDidCreate(dropSkills),
      skills.onDidChange(dropSkills),
      skills.onDidDelete(dropSkills),
      vscode.workspace.onDidChangeWorkspaceFolders(() => (dropFiles(), dropSkills())),
    );
  }

  /** The workspace folder tools work in, or undefined when no folder is open. */
  root(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder?.uri.fsPath;
  }

  /** Workspace-relative path with `/`, or undefined outside the workspace. */
  relative(uri: vscode.Uri): string | undefined {
    const root = this.root();
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(root, uri.fsPath);
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  /** Throws a ToolError (a message for the user or model) when no workspace folder is open. */
  async create(options: { signal?: AbortSignal; confirm?: (request: ConfirmRequest) => Promise<boolean> } = {}): Promise<ToolContext> {
    const root = this.root();
    if (!root) throw new ToolError('No workspace folder is open; open the project folder first.');
    if (this.cached?.root !== root) {
      const files = openDocumentsFirst(root, diskWorkspace(root));
      this.cached = { root, files, resolver: new WorkspaceSourceResolver(files) };
    }
    if (this.skills?.root !== root) this.skills = { root, library: loadDefaultSkills(root) };
    const { files, resolver } = this.cached;
    const skills = await this.skills.library;
    const profiles = new ProfileCatalog();
    const current = this.active.value;
    if (current) profiles.add(current.set, current.uri.fsPath);
    return {
      root,
      files,
      resolver,
      profiles,
      skills,
      git: fs.existsSync(path.join(root, '.git')) ? new Git(root) : undefined,
      languageServer: new TreeSitterLanguageServer(files),
      verify: verifyPatch,
      confirm: options.confirm ?? confirmModal,
      signal: options.signal,
    };
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

function openDocumentsFirst(root: string, disk: WorkspaceFiles): WorkspaceFiles {
  return {
    list: () => disk.list(),
    read(relativePath) {
      const abs = path.join(root, relativePath);
      const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === abs);
      return open ? open.getText() : disk.read(relativePath);
    },
  };
}

async function confirmModal(request: ConfirmRequest): Promise<boolean> {
  const action = request.effect === 'execute' ? 'run a command' : 'change files';
  const detail = JSON.stringify(request.input, null, 2).slice(0, 2000);
  const choice = await vscode.window.showWarningMessage(`Hotpath wants to ${action} (${request.tool}).`, { modal: true, detail }, 'Allow');
  return choice === 'Allow';
}
