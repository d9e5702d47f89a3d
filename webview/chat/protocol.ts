/**
 * The chat panel's message protocol, one map per direction, every inbound message validated
 * with zod. The host owns the conversation and sends it whole (`state`); the webview only
 * renders it and sends back what the user clicked or typed. Imported by both sides, so it uses
 * neither Node nor vscode.
 */
import { z } from 'zod';
import { parseWith, type Parsed } from '../messages';

export const cardStatusSchema = z.enum(['proposed', 'stale', 'applying', 'applied', 'verifying', 'verified', 'discarded', 'failed']);
export type CardStatus = z.infer<typeof cardStatusSchema>;

export const cardViewSchema = z.object({
  file: z.string(),
  startLine: z.number().int().min(1),
  diff: z.string(),
  rationale: z.string(),
  skill: z.string().optional(),
  status: cardStatusSchema,
  /** What happened last: the stale reason, the verdict, the error. Markdown. */
  note: z.string().optional(),
});
export type CardView = z.infer<typeof cardViewSchema>;

export const entrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), id: z.string(), text: z.string() }),
  z.object({ kind: z.literal('assistant'), id: z.string(), markdown: z.string(), streaming: z.boolean() }),
  z.object({
    kind: z.literal('tool'),
    id: z.string(),
    name: z.string(),
    /** "Reading hot functions of app.cpuprofile…" */
    label: z.string(),
    arguments: z.string(),
    status: z.enum(['running', 'ok', 'failed']),
    result: z.string().optional(),
  }),
  z.object({ kind: z.literal('notice'), id: z.string(), level: z.enum(['info', 'error']), text: z.string() }),
  z.object({ kind: z.literal('card'), id: z.string(), card: cardViewSchema }),
]);
export type Entry = z.infer<typeof entrySchema>;

export const chatStateSchema = z.object({
  entries: z.array(entrySchema),
  busy: z.boolean(),
  /** "offline", "openai:gpt-4o-mini", … */
  model: z.string(),
  /** What a question is about right now (the active profile), shown above the input. */
  context: z.string().optional(),
});
export type ChatState = z.infer<typeof chatStateSchema>;

export const toChatWebviewSchemas = {
  state: z.object({ type: z.literal('state'), state: chatStateSchema }),
};

const cardAction = z.enum(['openDiff', 'apply', 'applyVerify', 'discard', 'regenerate', 'createPullRequest']);
export type CardAction = z.infer<typeof cardAction>;

/** The actions a card offers in each status: the webview's buttons, enforced again by the host. */
export const CARD_ACTIONS: Record<CardStatus, readonly CardAction[]> = {
  proposed: ['openDiff', 'apply', 'applyVerify', 'discard'],
  stale: ['regenerate', 'discard'],
  applying: [],
  applied: ['openDiff'],
  verifying: [],
  verified: ['openDiff', 'createPullRequest'],
  discarded: [],
  failed: ['openDiff', 'discard'],
};

export const toChatHostSchemas = {
  ready: z.object({ type: z.literal('ready') }),
  ask: z.object({ type: z.literal('ask'), text: z.string().trim().min(1).max(20_000) }),
  cancel: z.object({ type: z.literal('cancel') }),
  newConversation: z.object({ type: z.literal('newConversation') }),
  /** A file:line link in an answer; `line` is 1-based. */
  openLocation: z.object({ type: z.literal('openLocation'), file: z.string().min(1), line: z.number().int().min(1).optional() }),
  openExternal: z.object({ type: z.literal('openExternal'), url: z.string().regex(/^https?:\/\//i, 'expected an http(s) URL') }),
  card: z.object({ type: z.literal('card'), id: z.string(), action: cardAction }),
};

export type ToChatWebview = { [K in keyof typeof toChatWebviewSchemas]: z.output<(typeof toChatWebviewSchemas)[K]> }[keyof typeof toChatWebviewSchemas];
export type ToChatHost = { [K in keyof typeof toChatHostSchemas]: z.output<(typeof toChatHostSchemas)[K]> }[keyof typeof toChatHostSchemas];

export function parseToChatWebview(raw: unknown): Parsed<ToChatWebview> {
  return parseWith(toChatWebviewSchemas, raw);
}

export function parseToChatHost(raw: unknown): Parsed<ToChatHost> {
  return parseWith(toChatHostSchemas, raw);
}
