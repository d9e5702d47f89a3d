import * as path from 'node:path';
import * as vscode from 'vscode';
import { LM_TOOL_PREFIX } from '../../core/tools/manifest';
import { allTools } from '../../core/tools/index';
import { invokeTool, ToolError } from '../../core/tools/tool';
import { invocationMessage } from './invocation';
import type { ExtensionToolContexts } from './toolContext';

/**
 * The read-only tools as VS Code language-model tools (`hotpath_<tool>`), so agent mode and
 * other participants can call them. package.json's `languageModelTools` (generated from the
 * same zod schemas) declares them; here they get their implementation. Hosts without
 * `vscode.lm.registerTool` get nothing, silently.
 */
export function registerLanguageModelTools(context: vscode.ExtensionContext, contexts: ExtensionToolContexts): void {
  const lm = (vscode as Partial<typeof vscode>).lm;
  if (typeof lm?.registerTool !== 'function') return;
  for (const tool of allTools.filter((t) => t.effect === 'read')) {
    context.subscriptions.push(
      lm.registerTool<Record<string, unknown>>(`${LM_TOOL_PREFIX}${tool.name}`, {
        prepareInvocation(options) {
          const profile = contexts.active.value;
          return { invocationMessage: invocationMessage(tool.name, options.input, profile ? path.basename(profile.uri.fsPath) : undefined) };
        },
        async invoke(options, token) {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          try {
            let text: string;
            try {
              const toolContext = await contexts.create({ signal: abort.signal });
              // invokeTool validates the input against the tool's zod schema and never throws
              text = (await invokeTool(tool, options.input, toolContext)).text;
            } catch (e) {
              if (!(e instanceof ToolError)) throw e;
              text = e.message;
            }
            return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
          } finally {
            cancel.dispose();
          }
        },
      }),
    );
  }
}
