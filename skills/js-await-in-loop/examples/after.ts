import { stat } from 'node:fs/promises';

interface Api {
  getUser(id: string): Promise<{ id: string; name: string }>;
  page(cursor?: string): Promise<{ items: string[]; next?: string }>;
}

export async function loadUsers(api: Api, ids: string[]) {
  return Promise.all(ids.map((id) => api.getUser(id)));
}

export async function sizes(files: string[]): Promise<Map<string, number>> {
  const infos = await Promise.all(files.map((f) => stat(f)));
  return new Map(files.map((f, i) => [f, infos[i].size]));
}

/** Sequential on purpose: stops at the first match. */
export async function firstExisting(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (info) return file;
  }
  return undefined;
}

/** Each step depends on the previous one. */
export async function applyMigrations(steps: ((v: number) => Promise<number>)[]): Promise<number> {
  let version = 0;
  for (const step of steps) {
    version = await step(version);
  }
  return version;
}

export async function drain(stream: AsyncIterable<string>, sink: (s: string) => Promise<void>) {
  for await (const chunk of stream) {
    await sink(chunk);
  }
}
