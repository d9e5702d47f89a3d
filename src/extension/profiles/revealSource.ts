import * as vscode from 'vscode';
import type { Frame, LineWeights } from '../../core/profile/model';
import { bestSuffixMatch, frameSource, lineToReveal } from './sourcePaths';
import type { WorkspaceSources } from './workspaceSources';

export type RevealResult = { ok: true; uri: vscode.Uri } | { ok: false; reason: string };

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Finds the file a frame names: as recorded, relative to a workspace folder, or by path suffix. */
async function locate(path: string): Promise<vscode.Uri | undefined> {
  const absolute = /^([a-zA-Z]:)?[\\/]/.test(path);
  if (absolute && (await exists(vscode.Uri.file(path)))) return vscode.Uri.file(path);
  if (!absolute) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const candidate = vscode.Uri.joinPath(folder.uri, path);
      if (await exists(candidate)) return candidate;
    }
  }
  const base = path.split(/[\\/]/).pop();
  if (!base) return undefined;
  const glob = `**/${base.replace(/[[\]{}*?!]/g, '?')}`;
  const found = await vscode.workspace.findFiles(glob, '**/node_modules/**', 200);
  const best = bestSuffixMatch(path, found.map((u) => u.fsPath));
  return best ? vscode.Uri.file(best) : undefined;
}

/**
 * Opens the source of a frame beside the current view, at its hottest line when `lineSelf`
 * has one (1-based in the model, converted to VS Code's 0-based positions here), or says why
 * it cannot.
 */
export async function revealFrameSource(frame: Frame, lineSelf?: LineWeights, sources?: WorkspaceSources): Promise<RevealResult> {
  const { line, column } = lineToReveal(frame, lineSelf);
  // Through the workspace's source mapper first: it follows source maps from generated
  // JavaScript to the original file and line, and matches webpack:// and remote paths by suffix.
  await sources?.ready();
  const mapped = frame.file ? sources?.resolver?.resolve(frame.file, line, frame.line === line ? frame.column : undefined) : undefined;
  const mappedPath = mapped && sources?.fsPath(mapped.file);
  if (mapped && mappedPath) return show(vscode.Uri.file(mappedPath), mapped.line, mapped.column ?? 1);
  const source = frameSource(frame);
  if (source.kind === 'unavailable') return { ok: false, reason: source.reason };
  const uri = await locate(source.path);
  if (!uri) return { ok: false, reason: `the source of ${frame.name || '(anonymous)'} (${source.path}) is not in the workspace` };
  return show(uri, line, column);
}

/** Opens `uri` beside the current view with the cursor at a 1-based line and column. */
async function show(uri: vscode.Uri, line: number, column: number): Promise<RevealResult> {
  const position = new vscode.Position(line - 1, column - 1);
  await vscode.window.showTextDocument(uri, {
    selection: new vscode.Range(position, position),
    viewColumn: vscode.ViewColumn.Beside,
    preview: true,
  });
  return { ok: true, uri };
}
