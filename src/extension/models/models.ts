/**
 * Which model answers the chat: `hotpath.model` = offline (the deterministic engine),
 * vscode (VS Code's language models) or openai (an OpenAI-compatible endpoint whose API key
 * lives in SecretStorage, set by "Hotpath: Set OpenAI API Key", never in settings).
 */
import * as vscode from 'vscode';
import type { ChatModel } from '../../core/agent/model';
import { OpenAIChatModel } from '../../core/agent/openai-model';
import { VsCodeChatModel } from '../participant/lmModel';

export const MODEL_SETTING = 'hotpath.model';
export const OPENAI_KEY_SECRET = 'hotpath.openai.apiKey';

export type ModelChoice = { kind: 'offline' } | { kind: 'model'; model: ChatModel } | { kind: 'unavailable'; reason: string };

/** The configured model, or why it cannot be used (the chat then answers offline). */
export async function configuredModel(secrets: vscode.SecretStorage): Promise<ModelChoice> {
  const config = vscode.workspace.getConfiguration('hotpath');
  const kind = config.get<string>('model', 'offline');
  if (kind === 'vscode') {
    // Hosts without vscode.lm (other editors, old versions) fall back silently.
    if (typeof vscode.lm?.selectChatModels !== 'function') return { kind: 'unavailable', reason: 'this editor has no language model API (vscode.lm)' };
    const family = config.get<string>('vscode.family', '');
    const models = await vscode.lm.selectChatModels(family ? { family } : {});
    if (models.length === 0) return { kind: 'unavailable', reason: `no VS Code language model is available${family ? ` for family "${family}"` : ''} (is GitHub Copilot installed and signed in?)` };
    return { kind: 'model', model: new VsCodeChatModel(models[0]) };
  }
  if (kind === 'openai') {
    const baseURL = config.get<string>('openai.baseUrl', '').trim();
    const model = config.get<string>('openai.model', '').trim();
    if (!baseURL || !model) return { kind: 'unavailable', reason: 'set hotpath.openai.baseUrl and hotpath.openai.model to use an OpenAI-compatible endpoint' };
    const apiKey = await secrets.get(OPENAI_KEY_SECRET);
    return { kind: 'model', model: new OpenAIChatModel({ baseURL, model, apiKey, maxRetries: 0, timeoutMs: 120_000 }) };
  }
  return { kind: 'offline' };
}

/** A short name for the panel's footer. */
export function configuredModelLabel(): string {
  const config = vscode.workspace.getConfiguration('hotpath');
  const kind = config.get<string>('model', 'offline');
  if (kind === 'openai') return `openai:${config.get<string>('openai.model', '') || '(no model set)'}`;
  if (kind === 'vscode') return `vscode${config.get<string>('vscode.family', '') ? `:${config.get<string>('vscode.family')}` : ''}`;
  return 'offline';
}

export function registerModelCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.setOpenAIKey', async () => {
      const key = await vscode.window.showInputBox({
        title: 'Hotpath: OpenAI-compatible API key',
        prompt: 'Stored in VS Code SecretStorage, never in settings. Leave empty to remove the stored key.',
        password: true,
        ignoreFocusOut: true,
      });
      if (key === undefined) return;
      if (key.trim() === '') {
        await context.secrets.delete(OPENAI_KEY_SECRET);
        void vscode.window.showInformationMessage('Hotpath: the OpenAI API key was removed.');
      } else {
        await context.secrets.store(OPENAI_KEY_SECRET, key.trim());
        void vscode.window.showInformationMessage('Hotpath: the OpenAI API key is stored in SecretStorage.');
      }
    }),
  );
}
