import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFrom, type ServiceConfig } from '../../../src/service/config';
import { configFileSchema } from '../../../src/service/config';
import { startService, type RunningService } from '../../../src/service/server';
import type { ServiceDeps } from '../../../src/service/service';

export function tempDir(prefix = 'hotpath-service-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A service on 127.0.0.1 with an ephemeral port and a fresh data directory. */
export async function startTestService(overrides: Partial<ServiceConfig> = {}, deps: ServiceDeps = {}): Promise<RunningService & { dataDir: string }> {
  const dataDir = overrides.dataDir ?? tempDir();
  const config = { ...configFrom(configFileSchema.parse({}), dataDir), port: 0, ...overrides };
  const running = await startService(config, { log: () => {}, ...deps });
  return { ...running, dataDir };
}

/** Collapsed stacks with the given weights per stack ("main;work;hot" → 30). */
export function folded(stacks: Record<string, number>): string {
  return Object.entries(stacks)
    .map(([stack, n]) => `${stack} ${Math.round(n)}`)
    .join('\n');
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
}

export async function upload(base: string, query: Record<string, string>, body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  const payload = typeof body === 'string' ? body : new Uint8Array(body);
  const qs = new URLSearchParams(query).toString();
  return fetch(`${base}/api/v1/profiles?${qs}`, { method: 'POST', body: payload, headers: { 'content-type': 'application/octet-stream', ...headers } });
}
