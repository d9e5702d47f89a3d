import * as path from 'node:path';
import type { Git } from '../git/git';
import type { ProfileSet } from '../profile/model';
import type { SourceLocationResolver } from '../profile/analysis/lines';
import type { WorkspaceFiles } from '../profile/sourcemap';
import type { SkillLibrary } from '../skills';
import type { VerifyReport, VerifyOptions } from '../verify/verify';
import { ToolError } from './tool';

/** A place in code, 1-based. */
export interface SymbolLocation {
  name: string;
  kind: string;
  file: string;
  line: number;
  endLine: number;
}

export interface ReferenceLocation {
  file: string;
  line: number;
  text: string;
}

/** The language-server port: VS Code's providers in the extension, tree-sitter in the CLI. */
export interface LanguageServer {
  findSymbol(name: string, options?: { file?: string }): Promise<SymbolLocation[]>;
  findReferences(name: string, options?: { file?: string }): Promise<ReferenceLocation[]>;
}

export interface ConfirmRequest {
  tool: string;
  effect: 'write' | 'execute';
  input: unknown;
}

/** Profiles the conversation knows, by id (a short name the model can type). */
export class ProfileCatalog {
  private readonly entries = new Map<string, { set: ProfileSet; path?: string }>();

  add(set: ProfileSet, filePath?: string, id?: string): string {
    let base = id ?? (filePath ? path.basename(filePath) : `profile-${this.entries.size + 1}`);
    for (let i = 2; this.entries.has(base) && !id; i++) base = `${path.basename(filePath ?? 'profile')}#${i}`;
    this.entries.set(base, { set, path: filePath });
    return base;
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  list(): { id: string; path?: string; set: ProfileSet }[] {
    return [...this.entries].map(([id, e]) => ({ id, ...e }));
  }

  /** The profile set with this id; without an id, the only or first one. */
  get(id?: string): { id: string; set: ProfileSet } {
    if (this.entries.size === 0) throw new ToolError('No profile is loaded. Ask the user to open or capture a profile first.');
    if (id === undefined) {
      const [first] = this.entries;
      return { id: first[0], set: first[1].set };
    }
    const entry = this.entries.get(id);
    if (!entry) throw new ToolError(`Unknown profile id "${id}"; known: ${this.ids().join(', ')}.`);
    return { id, set: entry.set };
  }
}

/** Everything tools reach the world through (DESIGN.md: ports, adapters per host). */
export interface ToolContext {
  /** Absolute path of the workspace folder. */
  root: string;
  files: WorkspaceFiles;
  /** Maps profile frames to workspace files (and through source maps). */
  resolver: SourceLocationResolver;
  profiles: ProfileCatalog;
  skills: SkillLibrary;
  git?: Git;
  languageServer?: LanguageServer;
  /** Runs a before/after benchmark (the CLI and extension pass `verifyPatch`). */
  verify?: (options: VerifyOptions) => Promise<VerifyReport>;
  /** Asks the user before a tool writes or executes. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  signal?: AbortSignal;
}

/** A workspace-relative path with `/`, refusing paths that leave the workspace. */
export function workspacePath(context: ToolContext, file: string): string {
  const abs = path.resolve(context.root, file);
  const rel = path.relative(context.root, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new ToolError(`"${file}" is outside the workspace (${context.root}); use a workspace-relative path.`);
  return rel.split(path.sep).join('/');
}
