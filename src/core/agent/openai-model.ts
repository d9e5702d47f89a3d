import OpenAI from 'openai';
import { ModelError, type ChatModel, type ChatRequest, type ChatResponse, type ToolCall } from './model';

export interface OpenAIModelOptions {
  /** e.g. https://api.openai.com/v1, http://127.0.0.1:11434/v1 (Ollama), an Azure or vLLM endpoint. */
  baseURL: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
}

/** Any OpenAI-compatible chat-completions endpoint, through the official `openai` client, streaming. */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAIModelOptions) {
    this.id = `openai:${options.model}`;
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey || 'not-needed',
      timeout: options.timeoutMs ?? 120_000,
      maxRetries: options.maxRetries ?? 1,
    });
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const messages = request.messages.map((m): OpenAI.Chat.ChatCompletionMessageParam => {
      switch (m.role) {
        case 'tool':
          return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
        case 'assistant':
          return m.toolCalls?.length
            ? { role: 'assistant', content: m.content || null, tool_calls: m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
            : { role: 'assistant', content: m.content };
        default:
          return { role: m.role, content: m.content };
      }
    });
    const tools = request.tools.map((t): OpenAI.Chat.ChatCompletionTool => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
    try {
      const stream = await this.client.chat.completions.create(
        { model: this.options.model, messages, tools: tools.length ? tools : undefined, stream: true, stream_options: { include_usage: true } },
        { signal: request.signal },
      );
      let content = '';
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let usage: ChatResponse['usage'];
      for await (const chunk of stream) {
        if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          content += delta.content;
          request.onText?.(delta.content);
        }
        for (const tc of delta.tool_calls ?? []) {
          const call = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.arguments += tc.function.arguments;
          calls.set(tc.index, call);
        }
      }
      const toolCalls: ToolCall[] = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([i, c]) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.arguments }));
      return { content, toolCalls, usage };
    } catch (e) {
      throw toModelError(e, this.options.baseURL);
    }
  }
}

function toModelError(e: unknown, baseURL: string): ModelError {
  if (e instanceof ModelError) return e;
  if (e instanceof OpenAI.APIUserAbortError) return new ModelError('cancelled', 'cancelled');
  if (e instanceof OpenAI.APIConnectionError) return new ModelError(`cannot reach the model endpoint ${baseURL} (${e.message})`, 'network');
  if (e instanceof OpenAI.AuthenticationError || e instanceof OpenAI.PermissionDeniedError) return new ModelError(`the model endpoint refused the API key (${e.status})`, 'auth');
  if (e instanceof OpenAI.RateLimitError) return new ModelError('the model endpoint is rate-limiting requests (429); try again later', 'rate-limit');
  if (e instanceof OpenAI.APIError) return new ModelError(`the model endpoint answered ${e.status ?? 'with an error'}: ${e.message}`, 'other');
  return new ModelError(`the model endpoint sent something unreadable: ${e instanceof Error ? e.message : String(e)}`, 'bad-response');
}
