/**
 * A typed client of the profile service's HTTP API (`hotpath serve`, src/service/routes). It
 * uses only `fetch`, so it runs in the extension host and in unit tests against a real
 * service. Every failure becomes a ServiceError with one line naming the request and the
 * service's own message.
 */
import { z } from 'zod';
import type { RegressionStatus, StoredDeploy, StoredRegression } from '../../service/store/store';

export type { RegressionStatus, StoredDeploy, StoredRegression };

export class ServiceError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 when the service could not be reached. */
    readonly status: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

const functionRef = z.object({ name: z.string(), file: z.string(), line: z.number() });

/** A regression as the API returns it; the evidence fields the editor reads are checked. */
export const regressionSchema = z.object({
  id: z.number().int(),
  service: z.string(),
  type: z.string(),
  status: z.enum(['open', 'acknowledged', 'fixed', 'false_positive']),
  function: functionRef,
  changeTime: z.number(),
  detectedAt: z.number(),
  acknowledgedAt: z.number().nullable(),
  fixedAt: z.number().nullable(),
  falsePositiveAt: z.number().nullable(),
  note: z.string().nullable(),
  evidence: z.record(z.string(), z.unknown()),
});

const point = z.object({ index: z.number(), time: z.number(), windowId: z.number().optional(), commit: z.string().nullable().optional() });

/** The evidence document's known parts (src/service/detection.ts, rootcause.ts); all optional but the change point. */
export const evidenceSchema = z.object({
  changePoint: z.object({
    index: z.number(),
    before: z.number(),
    after: z.number(),
    absoluteChange: z.number(),
    relativeChange: z.number().nullable(),
    ci95: z.tuple([z.number(), z.number()]),
    pValue: z.number(),
    beforeCount: z.number(),
    afterCount: z.number(),
  }),
  lastGood: point.optional(),
  firstBad: point.optional(),
  detectedAtWindow: point.optional(),
  impact: z.object({ summary: z.string().optional() }).passthrough().optional(),
  commitRange: z.object({ from: z.string().optional(), to: z.string().optional() }).optional(),
  suspects: z
    .array(z.object({ sha: z.string(), subject: z.string(), author: z.string().optional(), time: z.union([z.number(), z.string()]).optional(), score: z.number(), evidence: z.array(z.string()) }))
    .optional(),
  related: z.array(z.object({ name: z.string(), file: z.string() }).passthrough()).optional(),
});
export type RegressionEvidence = z.output<typeof evidenceSchema>;
export type Regression = z.output<typeof regressionSchema>;

export const seriesSchema = z.object({
  service: z.string(),
  type: z.string(),
  function: z.string(),
  file: z.string(),
  points: z.array(z.object({ windowId: z.number(), time: z.number(), commit: z.string().nullable(), inclusive: z.number(), self: z.number() })),
  deploys: z.array(z.object({ id: z.number(), service: z.string(), commit: z.string(), version: z.string().nullable().optional(), time: z.number() })),
});
export type FunctionSeries = z.output<typeof seriesSchema>;

/** A merged profile in the service's own JSON form (the columnar model with plain arrays). */
export const mergedProfileSchema = z.object({
  service: z.string(),
  type: z.string(),
  profile: z.object({
    name: z.string(),
    unit: z.string(),
    frames: z.array(z.object({ name: z.string(), file: z.string().optional(), line: z.number().optional(), column: z.number().optional(), module: z.string().optional() })),
    nodeCount: z.number().int().positive(),
    nodeFrame: z.array(z.number()),
    nodeParent: z.array(z.number()),
    nodeSelf: z.array(z.number()),
    nodeTotal: z.array(z.number()),
    sampleCount: z.number(),
    totalWeight: z.number(),
    lineSelf: z.record(z.string(), z.record(z.string(), z.number())),
    lineTotal: z.record(z.string(), z.record(z.string(), z.number())),
  }),
});
export type MergedProfile = z.output<typeof mergedProfileSchema>['profile'];

const healthSchema = z.object({ status: z.literal('ok'), version: z.string(), schemaVersion: z.number(), profiles: z.number(), streams: z.number() });

export interface ServiceClientOptions {
  /** Base URL: http://127.0.0.1:4318 (a trailing slash is fine). */
  url: string;
  /** Bearer token, when the service requires one. */
  token?: string;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

export class ServiceClient {
  readonly url: string;
  private readonly token?: string;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ServiceClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.token = options.token || undefined;
    this.fetchImpl = options.fetch ?? fetch;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}`, ...extra } : extra;
  }

  health() {
    return this.request('GET', '/api/v1/health', healthSchema);
  }

  async regressions(filter: { service?: string; status?: RegressionStatus; limit?: number } = {}): Promise<Regression[]> {
    return (await this.request('GET', '/api/v1/regressions', z.object({ regressions: z.array(regressionSchema) }), { query: filter })).regressions;
  }

  regression(id: number): Promise<Regression> {
    return this.request('GET', `/api/v1/regressions/${id}`, regressionSchema);
  }

  setStatus(id: number, status: RegressionStatus, note?: string): Promise<Regression> {
    return this.request('PATCH', `/api/v1/regressions/${id}`, regressionSchema, { body: { status, ...(note ? { note } : {}) } });
  }

  series(service: string, fn: { name: string; file: string }, type?: string, range: { from?: number; to?: number } = {}): Promise<FunctionSeries> {
    return this.request('GET', `/api/v1/services/${encodeURIComponent(service)}/series`, seriesSchema, {
      query: { function: fn.name, file: fn.file, type, ...range },
    });
  }

  /** The merged profile of [from, to) in the service's JSON form. */
  async mergedProfile(service: string, type: string, range: { from?: number; to?: number }): Promise<MergedProfile> {
    const q = { type, format: 'hotpath', ...range };
    return (await this.request('GET', `/api/v1/services/${encodeURIComponent(service)}/profile`, mergedProfileSchema, { query: q })).profile;
  }

  async deploys(service: string): Promise<StoredDeploy[]> {
    const schema = z.object({ events: z.array(z.object({ id: z.number(), service: z.string(), commit: z.string(), version: z.string().optional().nullable(), time: z.number() })) });
    const { events } = await this.request('GET', '/api/v1/events', schema, { query: { service } });
    return events.map((e) => ({ ...e, version: e.version ?? undefined }));
  }

  /** Uploads profile bytes (tests and "push profile" flows); returns the ids of regressions it produced. */
  uploadProfile(body: Uint8Array | string, meta: { service: string; time?: number; commit?: string; version?: string; type?: string }) {
    const schema = z.object({ id: z.number(), regressions: z.array(z.number()) }).passthrough();
    return this.request('POST', '/api/v1/profiles', schema, { query: meta, raw: body });
  }

  addDeploys(events: { service: string; commit: string; version?: string; time: number }[]) {
    return this.request('POST', '/api/v1/events', z.object({ added: z.number() }), { body: { events } });
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    schema: S,
    options: { query?: Query; body?: unknown; raw?: Uint8Array | string } = {},
  ): Promise<z.output<S>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const target = `${this.url}${path}${qs.size ? `?${qs}` : ''}`;
    const what = `${method} ${path}`;
    const headers = this.headers(options.body !== undefined ? { 'content-type': 'application/json' } : options.raw !== undefined ? { 'content-type': 'application/octet-stream' } : {});
    const body = options.body !== undefined ? JSON.stringify(options.body) : typeof options.raw === 'string' ? options.raw : options.raw && new Uint8Array(options.raw);
    let res: Response;
    try {
      res = await this.fetchImpl(target, { method, headers, body });
    } catch (e) {
      throw new ServiceError(`${what}: cannot reach the Hotpath service at ${this.url} (${causeOf(e)})`, 0);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ServiceError(`${what}: HTTP ${res.status}, expected JSON but got "${text.slice(0, 80)}"`, res.status);
    }
    if (!res.ok) {
      const err = (json as { error?: { message?: string } } | undefined)?.error?.message;
      throw new ServiceError(`${what}: HTTP ${res.status}${err ? `: ${err}` : ''}`, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError(`${what}: unexpected response: ${issue.path.join('.') || '(body)'}: ${issue.message}`, res.status);
    }
    return parsed.data;
  }
}

function causeOf(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
}

/** The regression's evidence with the parts the editor reads validated; undefined when it lacks a change point. */
export function evidenceOf(r: Regression): RegressionEvidence | undefined {
  const parsed = evidenceSchema.safeParse(r.evidence);
  return parsed.success ? parsed.data : undefined;
}
