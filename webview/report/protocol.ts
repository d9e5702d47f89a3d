/**
 * The message protocol between the extension host and the Efficiency Report panel, built
 * like webview/protocol.ts: one zod map per direction, every inbound message validated;
 * unknown or malformed ones are logged and ignored by the receiver.
 */
import { z } from 'zod';
import { parseWith, type Parsed } from '../messages';

const pointSchema = z.object({
  time: z.number(),
  cpuShareSaved: z.number(),
  coresSaved: z.number().nullable(),
  fixes: z.number().int().nonnegative(),
  regressionsResolved: z.number().int().nonnegative(),
});

/** The numbers of src/core/ledger/totals.ts `LedgerTotals`. */
export const totalsSchema = z.object({
  entries: z.number().int().nonnegative(),
  fixes: z.number().int().nonnegative(),
  fixesFromSkills: z.number().int().nonnegative(),
  skillShare: z.number().nullable(),
  byProposer: z.object({ engine: z.number(), model: z.number(), person: z.number() }),
  cpuShareSaved: z.number(),
  coresSaved: z.number().nullable(),
  regressionsResolved: z.number().int().nonnegative(),
  medianTimeToMitigateMs: z.number().nullable(),
  series: z.array(pointSchema),
});
export type ReportTotals = z.output<typeof totalsSchema>;

export const reportSchema = z.object({
  totals: totalsSchema,
  /** Where the entries come from: "service http://…" or the jsonl file. */
  source: z.string(),
  /** Where the core counts come from, e.g. "service fleet config" or "hotpath.fleet.cores = 8"; absent when unknown. */
  fleet: z.string().optional(),
  /** Corrupt ledger lines and other problems met while reading, one line each. */
  problems: z.array(z.string()),
});
export type Report = z.output<typeof reportSchema>;

export const toReportSchemas = {
  'report/load': z.object({ type: z.literal('report/load'), report: reportSchema }),
  'report/error': z.object({ type: z.literal('report/error'), message: z.string() }),
} as const;

export const toHostSchemas = {
  ready: z.object({ type: z.literal('ready') }),
  /** The totals and the chart were drawn: what the panel shows, for tests. */
  rendered: z.object({
    type: z.literal('rendered'),
    fixes: z.number().int().nonnegative(),
    regressionsResolved: z.number().int().nonnegative(),
    cpuShareSaved: z.number(),
    coresSaved: z.number().nullable(),
    medianTimeToMitigateMs: z.number().nullable(),
    skillShare: z.number().nullable(),
    /** Points drawn on the chart. */
    points: z.number().int().nonnegative(),
  }),
  refresh: z.object({ type: z.literal('refresh') }),
  'webview/error': z.object({ type: z.literal('webview/error'), message: z.string() }),
} as const;

export type ToReport = { [K in keyof typeof toReportSchemas]: z.output<(typeof toReportSchemas)[K]> }[keyof typeof toReportSchemas];
export type ReportToHost = { [K in keyof typeof toHostSchemas]: z.output<(typeof toHostSchemas)[K]> }[keyof typeof toHostSchemas];

export const parseToReport = (raw: unknown): Parsed<ToReport> => parseWith<ToReport>(toReportSchemas, raw);
export const parseReportToHost = (raw: unknown): Parsed<ReportToHost> => parseWith<ReportToHost>(toHostSchemas, raw);
