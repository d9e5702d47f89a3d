import * as path from 'node:path';
import * as vscode from 'vscode';
import { z } from 'zod';
import { applyEditProposal, EditProposalError, type EditProposal } from '../../core/edits/proposal';
import type { ExtensionToolContexts } from '../lmtools/toolContext';

export const REVIEW_PROPOSAL_COMMAND = 'hotpath.reviewEditProposal';
const SCHEME = 'hotpath-proposal';

/** Arguments arrive from chat buttons and code actions; check the shape before using them. */
const proposalSchema = z.object({
  file: z.string().min(1),
  oldText: z.string().min(1),
  newText: z.string(),
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  diff: z.string(),
  rationale: z.string(),
  skill: z.string().optional(),
  expectedImpact: z.string().optional(),
  baseHash: z.string(),
});

/**
 * "Review … fix": shows the proposal in VS Code's diff editor (the file as it is now against
 * the file with the edit), then applies it as one undoable WorkspaceEdit only when the user
 * clicks Apply. A file that changed so the edit no longer applies is refused, never guessed.
 */
export function registerProposalReview(context: vscode.ExtensionContext, contexts: ExtensionToolContexts): void {
  const proposed = new Map<string, string>();
  let next = 0;
  const provider: vscode.TextDocumentContentProvider = { provideTextDocumentContent: (uri) => proposed.get(uri.query) };

  // messages are not awaited: a notification waits for its dismissal, the command need not
  const review = async (raw: unknown): Promise<void> => {
    const parsed = proposalSchema.safeParse(raw);
    if (!parsed.success) return void vscode.window.showErrorMessage('Hotpath: this edit proposal is malformed; ask again to regenerate it.');
    const proposal: EditProposal = parsed.data;
    const root = contexts.root();
    if (!root) return void vscode.window.showWarningMessage('Hotpath: no workspace folder is open.');
    const fileUri = vscode.Uri.file(path.resolve(root, proposal.file));
    if (!contexts.relative(fileUri)) return void vscode.window.showErrorMessage(`Hotpath: ${proposal.file} is outside the workspace; the edit is refused.`);
    let document: vscode.TextDocument;
    let after: string;
    try {
      document = await vscode.workspace.openTextDocument(fileUri);
      after = applyEditProposal(document.getText(), proposal);
    } catch (e) {
      const message = e instanceof EditProposalError ? e.message : `cannot open ${proposal.file}: ${(e as Error).message}`;
      return void vscode.window.showErrorMessage(`Hotpath: ${message}`);
    }
    const key = String(++next);
    proposed.set(key, after);
    const right = vscode.Uri.from({ scheme: SCHEME, path: `/${proposal.file}`, query: key });
    await vscode.commands.executeCommand('vscode.diff', fileUri, right, `${path.basename(proposal.file)}: ${proposal.skill ?? 'Hotpath'} fix (proposed)`);
    const choice = await vscode.window.showInformationMessage(
      `Apply the ${proposal.skill ?? 'proposed'} edit to ${proposal.file}? ${proposal.rationale}`,
      'Apply',
      'Discard',
    );
    proposed.delete(key);
    if (choice !== 'Apply') return;
    const text = document.getText();
    try {
      applyEditProposal(text, proposal);
    } catch (e) {
      return void vscode.window.showErrorMessage(`Hotpath: ${(e as Error).message}`);
    }
    const at = text.indexOf(proposal.oldText);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(fileUri, new vscode.Range(document.positionAt(at), document.positionAt(at + proposal.oldText.length)), proposal.newText);
    if (!(await vscode.workspace.applyEdit(edit))) return void vscode.window.showErrorMessage(`Hotpath: VS Code refused the edit to ${proposal.file}.`);
    await vscode.window.showTextDocument(document, { selection: new vscode.Range(document.positionAt(at), document.positionAt(at)) });
  };

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand(REVIEW_PROPOSAL_COMMAND, review),
  );
}
