/**
 * Diff cards: one per EditProposal, with a small state machine so a click can never write
 * twice, apply a discarded edit, or apply over a file that changed since the proposal.
 * vscode-free; the panel performs the effects.
 */
import { hashText, type EditProposal } from '../../core/edits/proposal';
import { CARD_ACTIONS, type CardAction, type CardStatus } from '../../../webview/chat/protocol';

export function allowedActions(status: CardStatus): readonly CardAction[] {
  return CARD_ACTIONS[status];
}

/**
 * The status a card moves to when `action` starts, or an error saying why the click is
 * refused. `currentText` is the file as it is now (the open document, else the disk); a
 * file that changed since the proposal turns an apply into "stale".
 */
export function startAction(
  status: CardStatus,
  action: CardAction,
  proposal: EditProposal,
  currentText: string | undefined,
): { ok: true; status: CardStatus } | { ok: false; status: CardStatus; reason: string } {
  if (!CARD_ACTIONS[status].includes(action)) return { ok: false, status, reason: `"${action}" is not possible on a card that is ${status}` };
  if (action === 'apply' || action === 'applyVerify') {
    const fresh = freshness(proposal, currentText);
    if (!fresh.fresh) return { ok: false, status: 'stale', reason: fresh.reason };
    return { ok: true, status: action === 'apply' ? 'applying' : 'verifying' };
  }
  if (action === 'discard') return { ok: true, status: 'discarded' };
  return { ok: true, status };
}

/** Whether the proposal still describes the file: same content hash as when it was made. */
export function freshness(proposal: EditProposal, currentText: string | undefined): { fresh: true } | { fresh: false; reason: string } {
  if (currentText === undefined) return { fresh: false, reason: `${proposal.file} no longer exists in the workspace.` };
  if (hashText(currentText) !== proposal.baseHash) return { fresh: false, reason: `${proposal.file} changed since this edit was proposed; regenerate it against the current file.` };
  return { fresh: true };
}

/** Statuses a card re-checks for staleness when its file changes. */
export function canGoStale(status: CardStatus): boolean {
  return status === 'proposed' || status === 'failed';
}
