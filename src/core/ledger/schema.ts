/**
 * The efficiency ledger: what Hotpath's work saved. One zod schema per entry kind gives the
 * TypeScript type, the validation of `.hotpath/ledger.jsonl` lines and of the service's
 * `POST /api/v1/ledger` body. Times are milliseconds since the Unix epoch; shares are
 * fractions (0..1) of the profile's total weight; changes are relative (−0.2 = 20% faster).
 */
import { z } from 'zod';

export const proposers = ['engine', 'model', 'person'] as const;
export type Proposer = (typeof proposers)[number];

const time = z.number().int().nonnegative();
const name = z.string().min(1).max(500);

/** An edit whose before/after benchmark said "faster" (or at least was measured). */
export const verifiedFixSchema = z.strictObject({
  kind: z.literal('fix'),
  id: name,
  time,
  /** The skill the edit came from; absent when nobody's skill produced it. */
  skill: name.optional(),
  function: name,
  /** Workspace-relative file. */
  file: name,
  /** 1-based first line of the edit. */
  line: z.number().int().positive().optional(),
  /** candidate median / baseline median − 1 of the benchmark. */
  relativeChange: z.number().finite(),
  /** 95% confidence interval of `relativeChange`. */
  ci: z.tuple([z.number().finite(), z.number().finite()]),
  pValue: z.number().min(0).max(1).optional(),
  verdict: z.enum(['faster', 'slower', 'no significant change']),
  /** The function's inclusive share of the profile it was found in, when a profile was open. */
  cpuShare: z.number().min(0).max(1).optional(),
  proposer: z.enum(proposers),
  /** Commit the benchmark ran on (the fix is on top of it). */
  commit: z.string().min(1).max(100).optional(),
  /** The profiled service, which selects its fleet for cores saved. */
  service: name.optional(),
});

/** A regression the service found that was marked fixed. */
export const resolvedRegressionSchema = z.strictObject({
  kind: z.literal('regression'),
  id: name,
  /** The service's regression id. */
  regressionId: z.number().int().positive(),
  service: name,
  function: name,
  file: z.string().max(500),
  detectedAt: time,
  acknowledgedAt: time.nullable(),
  fixedAt: time,
  /** CPU share the regression added (after − before of the change point). */
  magnitude: z.number().finite(),
  relativeChange: z.number().finite().nullable(),
});

export const ledgerEntrySchema = z.discriminatedUnion('kind', [verifiedFixSchema, resolvedRegressionSchema]);

export type VerifiedFix = z.output<typeof verifiedFixSchema>;
export type ResolvedRegression = z.output<typeof resolvedRegressionSchema>;
export type LedgerEntry = z.output<typeof ledgerEntrySchema>;

/** Where entries are kept: the service's table or the workspace's jsonl file. */
export interface LedgerStore {
  /** Adds an entry; an entry whose id is already there is not added twice. Returns whether it was added. */
  append(entry: LedgerEntry): Promise<boolean>;
  /** Every entry, oldest first, with the problems met while reading (corrupt lines). */
  list(): Promise<{ entries: LedgerEntry[]; problems: string[] }>;
}

/** One short reason from a zod error: the first issue with its path. */
export function zodReason(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.length ? issue.path.join('.') : 'entry'}: ${issue.message}`;
}
