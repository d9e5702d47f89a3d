import * as vscode from 'vscode';
import { ModelError, type ChatMessage, type ChatModel, type ChatRequest, type ChatResponse, type ToolCall } from '../../core/agent/model';

/**
 * The ChatModel port over VS Code's language models (`LanguageModelChat`, e.g. the model the
 * user picked in the chat view), so `runAgent` drives Hotpath's tools with the user's model.
 * VS Code has no system role: the system prompt goes first as a user message.
 */
export class VsCodeChatModel implements ChatModel {
  readonly id: string;

  constructor(private readonly model: vscode.LanguageModelChat) {
    this.id = `vscode:${model.vendor}/${model.family}`;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const source = new vscode.CancellationTokenSource();
    const abort = () => source.cancel();
    request.signal?.addEventListener('abort', abort);
    try {
      const response = await this.model.sendRequest(
        request.messages.map(toVsCodeMessage),
        {
          justification: 'Hotpath answers performance questions from your profile and code.',
          tools: request.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.parameters })),
          toolMode: vscode.LanguageModelChatToolMode.Auto,
        },
        source.token,
      );
      let content = '';
      const toolCalls: ToolCall[] = [];
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) {
          content += part.value;
          request.onText?.(part.value);
        } else if (part instanceof vscode.LanguageModelToolCallPart) {
          toolCalls.push({ id: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) });
        }
      }
      return { content, toolCalls };
    } catch (e) {
      throw toModelError(e, request.signal?.aborted === true);
    } finally {
      request.signal?.removeEventListener('abort', abort);
      source.dispose();
    }
  }
}

function toVsCodeMessage(message: ChatMessage): vscode.LanguageModelChatMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return vscode.LanguageModelChatMessage.User(message.content);
    case 'assistant': {
      const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
      if (message.content) parts.push(new vscode.LanguageModelTextPart(message.content));
      for (const call of message.toolCalls ?? []) parts.push(new vscode.LanguageModelToolCallPart(call.id, call.name, parseArguments(call.arguments)));
      return vscode.LanguageModelChatMessage.Assistant(parts);
    }
    case 'tool':
      return vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(message.toolCallId, [new vscode.LanguageModelTextPart(message.content)])]);
  }
}

/** The model's own arguments, echoed back; malformed JSON is kept as text so the turn stays valid. */
function parseArguments(text: string): object {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value && typeof value === 'object' ? value : { value };
  } catch {
    return { unparsed: text };
  }
}

function toModelError(e: unknown, aborted: boolean): ModelError {
  if (e instanceof ModelError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (aborted || e instanceof vscode.CancellationError) return new ModelError('cancelled', 'cancelled');
  if (e instanceof vscode.LanguageModelError) {
    const code = e.code;
    if (code === vscode.LanguageModelError.NoPermissions.name) return new ModelError(`the language model is not allowed: ${message}`, 'auth');
    if (code === vscode.LanguageModelError.Blocked.name) return new ModelError(`the language model refused the request (rate limit or quota): ${message}`, 'rate-limit');
    if (code === vscode.LanguageModelError.NotFound.name) return new ModelError(`the language model is no longer available: ${message}`, 'other');
  }
  return new ModelError(`the language model failed: ${message}`, 'other');
}
