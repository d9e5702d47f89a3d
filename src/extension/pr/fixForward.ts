/**
 * "Verify and create pull request" on a regression's fix-forward: measure the edit with the
 * workspace benchmark, then hand the verified patch, with the regression and its suspect
 * commit, to the Create Pull Request command.
 */
import * as vscode from 'vscode';
import type { EditProposal } from '../../core/edits/proposal';
import type { PullRequestResult } from '../../core/pr/pr';
import { BenchmarkError, verifyPatch, type VerifyReport } from '../../core/verify/verify';
import type { Investigation } from '../../../webview/investigation/protocol';
import { fixForwardContext } from './context';
import { CREATE_PULL_REQUEST_COMMAND } from './pr';

/** Runs after the user's click; returns the line the panel shows. */
export async function verifyAndCreatePullRequest(edit: EditProposal, investigation: Investigation, root: string, serviceUrl: string): Promise<string> {
  const config = vscode.workspace.getConfiguration('hotpath');
  let bench = config.get<string>('benchmark.command', '').trim();
  if (!bench) {
    bench = (await vscode.window.showInputBox({ title: 'Hotpath: benchmark command', prompt: 'A shell command run in the workspace whose wall time measures the fix (saved as hotpath.benchmark.command).', placeHolder: 'node bench.js', ignoreFocusOut: true }))?.trim() ?? '';
    if (!bench) return 'No benchmark command, so the fix was not verified and no pull request was created.';
    await config.update('benchmark.command', bench, vscode.ConfigurationTarget.Workspace);
  }
  let report: VerifyReport;
  try {
    report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Hotpath: verifying the fix-forward with "${bench}"`, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return verifyPatch({ repoDir: root, bench, patch: edit.diff, signal: abort.signal, onProgress: (p) => progress.report({ message: `${p.runs} runs each` }) });
    });
  } catch (e) {
    return `Verification failed: ${e instanceof BenchmarkError || e instanceof Error ? e.message : String(e)}. No pull request was created.`;
  }
  const result = await vscode.commands.executeCommand<PullRequestResult | undefined>(CREATE_PULL_REQUEST_COMMAND, { patch: edit.diff, report, context: fixForwardContext(edit, investigation, serviceUrl), repoDir: root });
  if (!result) return `Verified (${report.verdict}); no pull request was created.`;
  return result.opened ? `Opened pull request #${result.number}: ${result.url}` : `Pushed ${result.branch}; open the pull request by hand with the description shown in the editor.`;
}
