import { z } from 'zod';
import { createEditProposal, EditProposalError } from '../edits/proposal';
import { workspacePath } from './context';
import { defineTool, ToolError } from './tool';

export const proposeEdit = defineTool({
  name: 'propose_edit',
  description:
    'Proposes a change to one file as exact old text → new text, with the rationale, the skill it follows and the expected impact. It never writes: the user sees the diff and decides. oldText must occur exactly once in the file (copy it from read_file without line numbers). Returns the unified diff.',
  input: z.object({
    file: z.string(),
    oldText: z.string().min(1),
    newText: z.string(),
    rationale: z.string().min(1).describe('Why this is faster, citing the evidence (profile numbers, hot lines).'),
    skill: z.string().optional(),
    expectedImpact: z.string().optional().describe('e.g. "removes ~30% self time of slugify".'),
  }),
  effect: 'read',
  async run(input, context) {
    const rel = workspacePath(context, input.file);
    const text = context.files.read(rel);
    if (text === undefined) throw new ToolError(`File not found: ${rel}.`);
    if (input.skill && !context.skills.readSkill(input.skill)) throw new ToolError(`Unknown skill "${input.skill}"; use list_skills.`);
    try {
      const proposal = createEditProposal(text, { ...input, file: rel });
      return { text: `Proposed edit to ${rel}:${proposal.startLine}-${proposal.endLine} (not applied; the user decides):\n${proposal.diff}`, data: proposal };
    } catch (e) {
      if (e instanceof EditProposalError) throw new ToolError(e.message);
      throw e;
    }
  },
});
