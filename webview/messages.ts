/**
 * Validation shared by every webview ⇄ host protocol (flame graph, chat, investigation,
 * report): a message is an object with a string `type` naming its schema in one map per
 * direction. Imports only zod, so each webview bundle stays small.
 */
import type { z } from 'zod';

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

/** Validates `raw` against the schema its `type` names; the error says which field is wrong. */
export function parseWith<T>(schemas: Record<string, z.ZodType>, raw: unknown): Parsed<T> {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return { ok: false, error: 'message has no string "type"' };
  const schema = Object.prototype.hasOwnProperty.call(schemas, type) ? schemas[type] : undefined;
  if (!schema) return { ok: false, error: `unknown message type "${type}"` };
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(message)'}: ${i.message}`).join('; ');
    return { ok: false, error: `malformed "${type}" message: ${issues}` };
  }
  return { ok: true, message: result.data as T };
}
