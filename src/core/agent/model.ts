/** The ChatModel port: offline engine, OpenAI-compatible endpoints and VS Code's `vscode.lm` fill it. */

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model produced it (may be malformed: the loop validates). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  signal?: AbortSignal;
  /** Streaming text as it arrives. */
  onText?: (delta: string) => void;
}

export interface ChatResponse {
  content: string;
  toolCalls: ToolCall[];
  usage?: { promptTokens: number; completionTokens: number };
}

export interface ChatModel {
  /** "openai:gpt-4o-mini", "vscode:copilot/gpt-4o", … */
  readonly id: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

/** A model failure the user should read: network, auth, rate limit, garbage output. */
export class ModelError extends Error {
  constructor(
    message: string,
    readonly kind: 'network' | 'auth' | 'rate-limit' | 'bad-response' | 'cancelled' | 'other',
  ) {
    super(message);
    this.name = 'ModelError';
  }
}
