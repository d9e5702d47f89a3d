import { stat } from 'node:fs/promises';

interface Api {
  getUser(id: string): Promise<{ id: string; name: string }>;
}

export async function loadUsers(api: Api, ids: string[]) {
  const users = [];
  for (const id of ids) {
    const user = await api.getUser(id); // hotpath-expect
    users.push(user);
  }
  return users;
}

export async function sizes(files: string[]): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const file of files) {
    const info = await stat(file); // hotpath-expect
    result.set(file, info.size);
  }
  return result;
}
