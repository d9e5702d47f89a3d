import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';

/**
 * A proposed change to one file. It is data: nothing is written until the user applies it,
 * and `baseHash` lets the UI refuse to apply it to a file that changed since.
 */
export interface EditProposal {
  /** Workspace-relative path. */
  file: string;
  /** Exact text to replace (occurs once in the file) and its replacement. */
  oldText: string;
  newText: string;
  /** 1-based line range of `oldText` in the file as proposed. */
  startLine: number;
  endLine: number;
  /** Unified diff (git-style a/ b/ paths), ready for `git apply` or a diff view. */
  diff: string;
  rationale: string;
  skill?: string;
  expectedImpact?: string;
  /** sha256 of the whole file the proposal was made against. */
  baseHash: string;
}

export class EditProposalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditProposalError';
  }
}

export const hashText = (text: string): string => createHash('sha256').update(text).digest('hex');

export function createEditProposal(
  fileText: string,
  edit: { file: string; oldText: string; newText: string; rationale: string; skill?: string; expectedImpact?: string },
): EditProposal {
  if (edit.oldText.length === 0) throw new EditProposalError('oldText is empty; quote the exact lines to replace.');
  if (edit.oldText === edit.newText) throw new EditProposalError('newText equals oldText; there is nothing to change.');
  const at = fileText.indexOf(edit.oldText);
  if (at < 0) throw new EditProposalError(`oldText does not occur in ${edit.file}; copy it exactly (whitespace included) from read_file output, without the line numbers.`);
  if (fileText.indexOf(edit.oldText, at + 1) >= 0) throw new EditProposalError(`oldText occurs more than once in ${edit.file}; include more surrounding lines so it is unique.`);
  const after = fileText.slice(0, at) + edit.newText + fileText.slice(at + edit.oldText.length);
  const startLine = lineAt(fileText, at);
  const endLine = lineAt(fileText, at + edit.oldText.length - 1);
  const diff = createTwoFilesPatch(`a/${edit.file}`, `b/${edit.file}`, fileText, after, undefined, undefined, { context: 3 });
  return {
    file: edit.file,
    oldText: edit.oldText,
    newText: edit.newText,
    startLine,
    endLine,
    diff: `diff --git a/${edit.file} b/${edit.file}\n${diff.replace(/^=+\n/m, '').replace(/^Index: .*\n/m, '')}`,
    rationale: edit.rationale,
    skill: edit.skill,
    expectedImpact: edit.expectedImpact,
    baseHash: hashText(fileText),
  };
}

/** The file's text with the proposal applied, or an error saying why it no longer applies. */
export function applyEditProposal(fileText: string, proposal: EditProposal): string {
  if (hashText(fileText) !== proposal.baseHash) {
    const at = fileText.indexOf(proposal.oldText);
    if (at < 0 || fileText.indexOf(proposal.oldText, at + 1) >= 0) throw new EditProposalError(`${proposal.file} changed since the edit was proposed; regenerate it.`);
  }
  const at = fileText.indexOf(proposal.oldText);
  if (at < 0) throw new EditProposalError(`${proposal.file} changed since the edit was proposed; regenerate it.`);
  return fileText.slice(0, at) + proposal.newText + fileText.slice(at + proposal.oldText.length);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
