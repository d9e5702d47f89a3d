import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted model turn: text and/or tool calls (arguments as raw text, possibly malformed). */
export type ScriptedTurn =
  | { text?: string; toolCalls?: { name: string; arguments: string }[] }
  | { status: number; body?: unknown };

export interface RecordedRequest {
  body: {
    model: string;
    messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
    tools?: { type: string; function: { name: string; description: string; parameters: unknown } }[];
    stream?: boolean;
  };
  headers: http.IncomingHttpHeaders;
}

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 that answers from a script, with
 * real HTTP and real SSE streaming, so the real `openai` client code runs in tests.
 * `next` decides the turn for each request (a fixed list, or a function for endless callers).
 */
export class ScriptedOpenAIServer {
  readonly requests: RecordedRequest[] = [];
  private server = http.createServer((req, res) => this.handle(req, res));
  private turn = 0;

  constructor(private readonly script: ScriptedTurn[] | ((index: number, request: RecordedRequest) => ScriptedTurn)) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.url}` } }));
        return;
      }
      const request: RecordedRequest = { body: JSON.parse(raw), headers: req.headers };
      this.requests.push(request);
      const index = this.turn++;
      const turn = typeof this.script === 'function' ? this.script(index, request) : this.script[index];
      if (!turn) {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `script has no turn ${index}` } }));
        return;
      }
      if ('status' in turn) {
        res.writeHead(turn.status, { 'content-type': 'application/json' }).end(JSON.stringify(turn.body ?? { error: { message: `scripted ${turn.status}` } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const base = { id: `chatcmpl-${index}`, object: 'chat.completion.chunk', created: 0, model: request.body.model };
      const send = (delta: unknown, finish: string | null = null) => res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
      send({ role: 'assistant', content: '' });
      // Stream the text in small pieces, as real servers do.
      for (const piece of (turn.text ?? '').match(/[\s\S]{1,7}/g) ?? []) send({ content: piece });
      (turn.toolCalls ?? []).forEach((call, i) => {
        const id = `call_${index}_${i}`;
        const half = Math.ceil(call.arguments.length / 2);
        send({ tool_calls: [{ index: i, id, type: 'function', function: { name: call.name, arguments: call.arguments.slice(0, half) } }] });
        send({ tool_calls: [{ index: i, function: { arguments: call.arguments.slice(half) } }] });
      });
      send({}, turn.toolCalls?.length ? 'tool_calls' : 'stop');
      res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  }
}
