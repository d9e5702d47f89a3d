/**
 * The messages between the extension host and the speedscope webview's bootstrap script, one
 * zod schema per direction; anything else is logged and ignored.
 */
import { z } from 'zod';
import type { Parsed } from '../../../webview/messages';

export const toSpeedscopeSchema = z.object({
  type: z.literal('load'),
  /** The file name speedscope shows in its title bar (and uses to guess the format). */
  name: z.string().min(1),
  /** The profile file's bytes, base64: what speedscope's `loadFileFromBase64` takes. */
  base64: z.string(),
});
export type ToSpeedscope = z.infer<typeof toSpeedscopeSchema>;

export const fromSpeedscopeSchema = z.discriminatedUnion('type', [
  /** speedscope has mounted and exposed its loader. */
  z.object({ type: z.literal('ready') }),
  /** speedscope shows a profile: the toolbar's title and its flame chart canvas size. */
  z.object({ type: z.literal('shown'), title: z.string(), width: z.number(), height: z.number() }),
  /** speedscope could not import the file (its own alert text). */
  z.object({ type: z.literal('failed'), message: z.string() }),
]);
export type FromSpeedscope = z.infer<typeof fromSpeedscopeSchema>;

function parse<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, message: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: `malformed speedscope message at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

export const parseFromSpeedscope = (raw: unknown) => parse(fromSpeedscopeSchema, raw);
export const parseToSpeedscope = (raw: unknown) => parse(toSpeedscopeSchema, raw);
