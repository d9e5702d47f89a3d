import { z } from 'zod';

/**
 * Every request shape of the service in one place: the routes validate with these and the
 * OpenAPI document is generated from them, so the two cannot drift.
 */

/** A time: milliseconds since the Unix epoch, or an ISO 8601 date. */
export const timeSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))])
  .describe('milliseconds since the Unix epoch, or an ISO 8601 date-time');

const name = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(200)
    .regex(/^[^\u0000-\u001f{}]+$/, `${what} must not contain control characters or braces`);

export const serviceName = name('service');
/** Starts with a letter or digit so a commit can never be read as a git option. */
export const commitSchema = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._/-]{0,99}$/, 'commit must be a commit hash or ref (letters, digits, . _ / -)');
export const labelsSchema = z.record(z.string().min(1).max(100), z.string().max(500)).default({});

/** "k=v,k2=v2" (query-string form of labels). */
const labelsText = z
  .string()
  .max(4000)
  .transform((text, ctx) => {
    const out: Record<string, string> = {};
    for (const part of text.split(',')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      if (eq <= 0) {
        ctx.addIssue({ code: 'custom', message: `label "${part}" is not key=value` });
        return z.NEVER;
      }
      out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    return out;
  });

export const profileUploadQuery = z.object({
  service: serviceName.describe('service the profile belongs to'),
  time: timeSchema.optional().describe('start of the profile window (default: now)'),
  endTime: timeSchema.optional(),
  commit: commitSchema.optional().describe('commit the profiled code was built from'),
  version: z.string().min(1).max(200).optional().describe('deploy or version identifier'),
  labels: labelsText.optional().describe('labels as k=v,k2=v2'),
  type: z.string().min(1).max(100).optional().describe('series name for a single-profile upload (default: the profile name, e.g. cpu)'),
});

export const pyroscopeIngestQuery = z.object({
  name: z
    .string()
    .min(1)
    .max(4000)
    .regex(/^[^{}]+(\{[^{}]*\})?$/, 'name must look like app.cpu{label=value,...}')
    .describe('application name with optional profile-type suffix and labels: app.cpu{env=prod}'),
  from: z.string().regex(/^\d+$/, 'from must be a Unix time in seconds').optional(),
  until: z.string().regex(/^\d+$/, 'until must be a Unix time in seconds').optional(),
  format: z.enum(['pprof', 'folded']).default('folded').describe('pprof (raw, gzip or multipart) or folded stacks; Pyroscope trie, tree, lines and jfr are not accepted'),
  sampleRate: z.string().regex(/^\d+(\.\d+)?$/, 'sampleRate must be a number').optional(),
  spyName: z.string().max(100).optional(),
  units: z.string().max(50).optional(),
  aggregationType: z.string().max(50).optional(),
});

export const metricsBody = z.object({
  points: z
    .array(
      z.object({
        series: name('series'),
        labels: labelsSchema,
        time: timeSchema,
        value: z.number().refine(Number.isFinite, 'value must be a finite number'),
        commit: commitSchema.optional(),
      }),
    )
    .min(1, 'points must not be empty')
    .max(100_000),
});

export const eventsBody = z.object({
  events: z
    .array(
      z.object({
        type: z.literal('deploy').default('deploy'),
        service: serviceName,
        commit: commitSchema,
        version: z.string().min(1).max(200).optional(),
        time: timeSchema,
      }),
    )
    .min(1, 'events must not be empty')
    .max(10_000),
});

const range = {
  from: timeSchema.optional().describe('inclusive start (default: the beginning)'),
  to: timeSchema.optional().describe('exclusive end (default: no end)'),
};
const typeParam = z.string().min(1).max(100).optional().describe('profile type (sample type), e.g. cpu or wall; default: the service\'s most common');
const intParam = (min: number, max: number, dflt: number) => z.coerce.number().int().min(min).max(max).default(dflt);

export const listProfilesQuery = z.object({ service: serviceName, ...range, limit: intParam(1, 10_000, 1000) });
export const idParam = z.object({ id: z.coerce.number().int().positive('id must be a positive integer') });
export const serviceParam = z.object({ service: serviceName });

export const functionsQuery = z.object({
  type: typeParam,
  minShare: z.coerce.number().min(0).max(1).default(0.001).describe('smallest peak inclusive share (fraction) to list'),
  limit: intParam(1, 10_000, 200),
});

export const seriesQuery = z.object({
  function: z.string().min(1).max(2000).describe('function name'),
  file: z.string().max(2000).default('').describe('source file of the function as the profiler reported it'),
  type: typeParam,
  ...range,
});

export const mergedProfileQuery = z.object({
  type: typeParam,
  ...range,
  format: z.enum(['speedscope', 'hotpath']).default('speedscope'),
});

export const diffQuery = z.object({
  type: typeParam,
  beforeFrom: timeSchema.optional(),
  beforeTo: timeSchema,
  afterFrom: timeSchema,
  afterTo: timeSchema.optional(),
  top: intParam(1, 10_000, 50),
});

export const metricSeriesQuery = z.object({ series: name('series'), labels: labelsText.optional(), ...range });
export const deploysQuery = z.object({ service: serviceName, ...range });

export const regressionStatus = z.enum(['open', 'acknowledged', 'fixed', 'false_positive']);
export const regressionsQuery = z.object({ service: serviceName.optional(), status: regressionStatus.optional(), limit: intParam(1, 10_000, 500) });
export const regressionPatch = z.object({
  status: z.enum(['acknowledged', 'fixed', 'false_positive', 'open']),
  note: z.string().max(4000).optional(),
  time: timeSchema.optional().describe('when the status changed (default: now)'),
});

export type MetricsBody = z.output<typeof metricsBody>;
