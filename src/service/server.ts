import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceConfig } from './config';
import { ProfileService, type ServiceDeps } from './service';
import { SqliteProfileStore } from './store/sqlite';
import type { ProfileStore } from './store/store';

export interface RunningService {
  service: ProfileService;
  server: http.Server;
  /** http://host:port, with the port actually bound (useful with port 0). */
  url: string;
  /** Stops accepting, finishes requests in flight, ends streams, closes the store. */
  close(): Promise<void>;
}

/** Starts the HTTP server on config.host:config.port with the SQLite store in config.dataDir (or the given store). */
export async function startService(config: ServiceConfig, deps: ServiceDeps & { store?: ProfileStore } = {}): Promise<RunningService> {
  const store = deps.store ?? new SqliteProfileStore(config.dataDir);
  const service = new ProfileService(config, store, deps);
  const server = http.createServer((req, res) => {
    void service.handle(req, res);
  });
  // Uploads of large profiles over slow links must not be cut, but a stalled client must not hold a socket forever.
  server.requestTimeout = 5 * 60_000;
  // Agents push every 10–60 s over one connection; closing idle ones sooner races with their
  // next request (the client writes into a socket the server is closing).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    store.close();
    throw e;
  }
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    service,
    server,
    url: `http://${host}:${port}`,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Streams never end on their own; ending them lets server.close complete.
        service.stream.close();
        await service.drain();
        server.closeIdleConnections();
        await closed;
      })();
      return closing;
    },
  };
}
