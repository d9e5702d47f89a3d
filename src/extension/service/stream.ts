/**
 * The subscription to `GET /api/v1/stream` (server-sent events, one `regression` event per new
 * regression). It reconnects with exponential back-off and sends Last-Event-ID, so the
 * service replays what arrived while the connection was down.
 */
import { regressionSchema, type Regression, type ServiceClient } from './client';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** Incremental parser of the text/event-stream format (WHATWG HTML §9.2). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;
  /** Last `retry:` value the server sent, in ms. */
  retry: number | undefined;

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + (this.buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (this.data.length) out.push({ ...(this.id !== undefined ? { id: this.id } : {}), event: this.event || 'message', data: this.data.join('\n') });
        this.data = [];
        this.event = '';
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      else if (field === 'id' && !value.includes('\0')) this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    }
    return out;
  }
}

/** Back-off before reconnect attempt `attempt` (0-based): base·2^attempt, capped. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}

export type StreamStatus = { state: 'connected' } | { state: 'disconnected'; error: string; retryInMs: number };

export interface SubscribeOptions {
  onRegression(r: Regression): void;
  onStatus?(status: StreamStatus): void;
  /** First reconnect delay (default: the server's `retry`, else 1 s) and the cap (30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Resume after this regression id (replays newer ones). */
  lastEventId?: string;
}

export interface Subscription {
  dispose(): void;
  /** Id of the last event received. */
  readonly lastEventId: string | undefined;
}

export function subscribeRegressions(client: ServiceClient, options: SubscribeOptions): Subscription {
  let disposed = false;
  let controller: AbortController | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastEventId = options.lastEventId;
  let attempt = 0;
  let serverRetry: number | undefined;
  const maxDelay = options.maxDelayMs ?? 30_000;

  const connect = async () => {
    controller = new AbortController();
    const parser = new SseParser();
    let error = 'the stream ended';
    try {
      const headers = client.headers({ accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) });
      const res = await fetch(`${client.url}/api/v1/stream`, { headers, signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      attempt = 0;
      options.onStatus?.({ state: 'connected' });
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) {
          if (ev.id !== undefined) lastEventId = ev.id;
          if (ev.event !== 'regression') continue;
          const parsed = regressionSchema.safeParse(safeJson(ev.data));
          if (parsed.success) options.onRegression(parsed.data);
        }
        serverRetry = parser.retry ?? serverRetry;
      }
    } catch (e) {
      if (disposed) return;
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      error = cause ?? (e instanceof Error ? e.message : String(e));
    }
    if (disposed) return;
    const delay = backoffDelay(attempt++, options.baseDelayMs ?? serverRetry ?? 1000, maxDelay);
    options.onStatus?.({ state: 'disconnected', error, retryInMs: delay });
    timer = setTimeout(() => void connect(), delay);
  };
  void connect();
  return {
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      controller?.abort();
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
