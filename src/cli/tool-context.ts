import * as fs from 'node:fs';
import * as path from 'node:path';
import { TreeSitterLanguageServer } from '../core/code/symbols';
import { Git } from '../core/git/git';
import { importProfileFile } from '../core/profile/importers/index';
import { diskWorkspace, WorkspaceSourceResolver } from '../core/profile/sourcemap';
import { loadDefaultSkills } from '../core/skills';
import { ProfileCatalog, type ConfirmRequest, type ToolContext } from '../core/tools/context';
import { verifyPatch } from '../core/verify/verify';
import { CliError } from './command';

/**
 * The CLI's adapters for the tool ports: the disk as the workspace, tree-sitter as the
 * language server, the git binary, and a confirmation policy (`--yes` allows executing).
 */
export async function cliToolContext(options: { workspace?: string; profiles: string[]; allowExecute?: boolean }): Promise<ToolContext> {
  const root = path.resolve(options.workspace ?? process.cwd());
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new CliError(`workspace folder not found: ${root}`);
  const files = diskWorkspace(root);
  const profiles = new ProfileCatalog();
  for (const p of options.profiles) profiles.add(await importProfileFile(p), p);
  const skills = await loadDefaultSkills(root);
  const git = fs.existsSync(path.join(root, '.git')) || (await new Git(root).topLevel().then(() => true, () => false)) ? new Git(root) : undefined;
  return {
    root,
    files,
    resolver: new WorkspaceSourceResolver(files),
    profiles,
    skills,
    git,
    languageServer: new TreeSitterLanguageServer(files),
    verify: verifyPatch,
    confirm: async (request: ConfirmRequest) => request.effect === 'execute' && options.allowExecute === true,
  };
}

/** "FILE:LINE" → parts (LINE 1-based). */
export function parseAt(text: string): { file: string; line: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  if (!m || Number(m[2]) < 1) throw new CliError(`--at expects FILE:LINE with a 1-based line, got "${text}"`);
  return { file: m[1], line: Number(m[2]) };
}
