/**
 * Read-only virtual documents: a commit as `git show` prints it (suspect links), and a
 * proposal's diff. Both open with VS Code's diff highlighting and never touch the disk.
 */
import * as vscode from 'vscode';
import { Git } from '../../core/git/git';

export const COMMIT_SCHEME = 'hotpath-commit';
export const DIFF_SCHEME = 'hotpath-diff';

const diffs = new Map<string, string>();

export function commitUri(sha: string): vscode.Uri {
  return vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${sha.slice(0, 12)}.diff`, query: sha });
}

/** A URI whose document is `text`; the name is the title with a .diff extension. */
export function diffDocumentUri(title: string, text: string): vscode.Uri {
  const key = `${diffs.size + 1}`;
  diffs.set(key, text);
  return vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${title.replace(/[^\w.-]+/g, '-').slice(0, 60)}.diff`, query: key });
}

export function registerRegressionDocuments(context: vscode.ExtensionContext): void {
  const root = () => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    if (!folder || folder.scheme !== 'file') throw new Error('no workspace folder with a git repository is open');
    return folder.fsPath;
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, {
      async provideTextDocumentContent(uri) {
        // The sha came from the service; refuse anything git could read as an option.
        if (!/^[0-9A-Za-z][0-9A-Za-z._/-]{0,99}$/.test(uri.query)) return `not a commit: ${uri.query}`;
        try {
          return await new Git(root()).show(uri.query);
        } catch (e) {
          return `Cannot show commit ${uri.query}: ${e instanceof Error ? e.message : String(e)}`;
        }
      },
    }),
    vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, {
      provideTextDocumentContent: (uri) => diffs.get(uri.query) ?? 'This diff is no longer available; reopen the investigation.',
    }),
  );
}
