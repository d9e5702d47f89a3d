import { z } from 'zod';
import { defineTool, ToolError } from './tool';

export const findReferences = defineTool({
  name: 'find_references',
  description:
    'Finds the places that use a symbol (calls and references), with file:line and the line text. Use it to see how often and from where a hot function is called, or whether a change is safe.',
  input: z.object({
    name: z.string().min(1),
    file: z.string().optional().describe('Workspace file that defines the symbol, to disambiguate.'),
  }),
  effect: 'read',
  async run(input, context) {
    if (!context.languageServer) throw new ToolError('No language server is available here; use search_text instead.');
    const refs = await context.languageServer.findReferences(input.name, { file: input.file });
    if (refs.length === 0) return { text: `No references to ${input.name} found.`, data: [] };
    return { text: refs.map((r) => `${r.file}:${r.line}: ${r.text.trim()}`).join('\n'), data: refs };
  },
});
