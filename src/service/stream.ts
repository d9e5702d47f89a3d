import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredRegression } from './store/store';

/**
 * Server-sent events for new regressions. Each event carries the regression id as its SSE id,
 * so a client that reconnects with Last-Event-ID gets what it missed (replayed by the caller).
 */
export class RegressionStream {
  private readonly clients = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(heartbeatMs = 15_000) {
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  open(req: IncomingMessage, res: ServerResponse, backlog: StoredRegression[]): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    for (const r of backlog) res.write(eventText(r));
    this.clients.add(res);
    req.on('close', () => this.clients.delete(res));
  }

  publish(regression: StoredRegression): void {
    const text = eventText(regression);
    for (const res of this.clients) res.write(text);
  }

  /** Ends every stream (at shutdown, so the server can close). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }
}

function eventText(r: StoredRegression): string {
  return `id: ${r.id}\nevent: regression\ndata: ${JSON.stringify(r)}\n\n`;
}
