import { z } from 'zod';
import { defineTool, ToolError } from './tool';

export const findSymbol = defineTool({
  name: 'find_symbol',
  description:
    'Finds where a function, method or class is defined (language server in VS Code, syntax trees in the CLI). Returns file, start and end line. Use it to go from a profile frame name to the code to read.',
  input: z.object({
    name: z.string().min(1).describe('Symbol name, e.g. "parseConfig" or "Parser.parse".'),
    file: z.string().optional().describe('Limit the search to this workspace file.'),
  }),
  effect: 'read',
  async run(input, context) {
    if (!context.languageServer) throw new ToolError('No language server is available here; use search_text to find the definition.');
    const found = await context.languageServer.findSymbol(input.name, { file: input.file });
    if (found.length === 0) return { text: `No definition of ${input.name} found.`, data: [] };
    return { text: found.map((s) => `${s.kind} ${s.name} at ${s.file}:${s.line}-${s.endLine}`).join('\n'), data: found };
  },
});
