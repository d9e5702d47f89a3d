import { allTools } from './index';
import { toolJsonSchema, type Tool } from './tool';

/** VS Code's `contributes.languageModelTools` entry for one tool. */
export interface LanguageModelToolContribution {
  name: string;
  toolReferenceName: string;
  displayName: string;
  modelDescription: string;
  canBeReferencedInPrompt: boolean;
  tags: string[];
  inputSchema: Record<string, unknown>;
}

/** Prefix of Hotpath's tools in VS Code's agent mode (names there are global). */
export const LM_TOOL_PREFIX = 'hotpath_';

const title = (name: string) => name.split('_').map((w, i) => (i === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(' ');

/**
 * The read-only tools as VS Code language-model tools, generated from the same zod schemas
 * the agent, the CLI and MCP use; package.json holds a copy that a test keeps equal.
 */
export function languageModelToolContributions(tools: readonly Tool[] = allTools): LanguageModelToolContribution[] {
  return tools
    .filter((t) => t.effect === 'read')
    .map((t) => ({
      name: `${LM_TOOL_PREFIX}${t.name}`,
      toolReferenceName: `${LM_TOOL_PREFIX}${t.name}`,
      displayName: `Hotpath: ${title(t.name)}`,
      modelDescription: t.description,
      canBeReferencedInPrompt: true,
      tags: ['hotpath', 'performance'],
      inputSchema: toolJsonSchema(t),
    }));
}
