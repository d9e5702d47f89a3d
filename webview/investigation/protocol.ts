/**
 * The message protocol between the extension host and the regression investigation panel,
 * built like webview/protocol.ts: one zod map per direction, every inbound message
 * validated; unknown or malformed ones are logged and ignored by the receiver.
 */
import { z } from 'zod';
import { wireProfileSchema } from '../protocol';
import { parseWith, type Parsed } from '../messages';

const float64s = z
  .union([z.custom<Float64Array>((v) => v instanceof Float64Array, 'expected a Float64Array'), z.array(z.number())])
  .transform((a): Float64Array => (a instanceof Float64Array ? a : Float64Array.from(a)));

export const statusSchema = z.enum(['open', 'acknowledged', 'fixed', 'false_positive']);

export const suspectSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string().optional(),
  score: z.number(),
  evidence: z.array(z.string()),
});

/** Everything the panel draws; shares are fractions of a window's total. */
export const investigationSchema = z.object({
  id: z.number().int(),
  headline: z.string(),
  status: statusSchema,
  service: z.string(),
  type: z.string(),
  function: z.object({ name: z.string(), file: z.string(), line: z.number() }),
  impact: z.string().optional(),
  points: z.array(z.object({ time: z.number(), value: z.number(), commit: z.string().nullable() })),
  changePoint: z.object({
    index: z.number().int().nonnegative(),
    time: z.number(),
    before: z.number(),
    after: z.number(),
    ci95: z.tuple([z.number(), z.number()]),
    pValue: z.number(),
  }),
  markers: z.array(z.object({ kind: z.enum(['deploy', 'commit']), time: z.number(), label: z.string() })),
  suspects: z.array(suspectSchema),
});
export type Investigation = z.output<typeof investigationSchema>;

/** A diff proposal at the end of the analysis: a fix-forward edit or a revert of a suspect. */
export const proposalSchema = z.object({ kind: z.enum(['fix', 'revert']), title: z.string(), diff: z.string() });

export const toPanelSchemas = {
  'investigation/load': z.object({ type: z.literal('investigation/load'), investigation: investigationSchema }),
  /** The differential flame graph of after vs before (as the diff view's `diff/load`), or why there is none. */
  'diff/load': z.object({
    type: z.literal('diff/load'),
    profile: wireProfileSchema,
    beforeTotal: float64s,
    beforeTotalWeight: z.number().nonnegative(),
    focus: z.string(),
  }),
  'diff/unavailable': z.object({ type: z.literal('diff/unavailable'), reason: z.string() }),
  /** The offline analysis, streamed as markdown text in pieces. */
  'analysis/chunk': z.object({ type: z.literal('analysis/chunk'), text: z.string() }),
  'analysis/done': z.object({ type: z.literal('analysis/done'), proposal: proposalSchema.optional() }),
  'analysis/error': z.object({ type: z.literal('analysis/error'), message: z.string() }),
  'status/updated': z.object({ type: z.literal('status/updated'), status: statusSchema }),
  'notice': z.object({ type: z.literal('notice'), message: z.string() }),
} as const;

export const toHostSchemas = {
  ready: z.object({ type: z.literal('ready') }),
  /** The timeline and (when loaded) the flame graph were drawn. */
  rendered: z.object({ type: z.literal('rendered'), points: z.number().int().nonnegative(), markers: z.number().int().nonnegative(), rectangles: z.number().int().nonnegative() }),
  'commit/open': z.object({ type: z.literal('commit/open'), sha: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._/-]{0,99}$/) }),
  'status/set': z.object({ type: z.literal('status/set'), status: statusSchema }),
  /** A file:line link in the analysis (workspace-relative path, 1-based line). */
  'source/open': z.object({ type: z.literal('source/open'), file: z.string().min(1), line: z.number().int().positive().optional() }),
  'proposal/open': z.object({ type: z.literal('proposal/open') }),
  'proposal/apply': z.object({ type: z.literal('proposal/apply') }),
  'proposal/pullRequest': z.object({ type: z.literal('proposal/pullRequest') }),
  'webview/error': z.object({ type: z.literal('webview/error'), message: z.string() }),
} as const;

export type ToPanel = { [K in keyof typeof toPanelSchemas]: z.output<(typeof toPanelSchemas)[K]> }[keyof typeof toPanelSchemas];
export type PanelToHost = { [K in keyof typeof toHostSchemas]: z.output<(typeof toHostSchemas)[K]> }[keyof typeof toHostSchemas];

export const parseToPanel = (raw: unknown): Parsed<ToPanel> => parseWith<ToPanel>(toPanelSchemas, raw);
export const parsePanelToHost = (raw: unknown): Parsed<PanelToHost> => parseWith<PanelToHost>(toHostSchemas, raw);
