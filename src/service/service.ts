import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceConfig } from './config';
import { LOCALIZATION_TOLERANCE, RegressionDetection } from './detection';
import { type GitReader, GitRepository } from './git';
import { HttpError, sendError } from './http';
import type { PreparedProfile } from './ingest';
import { explainRegression } from './rootcause';
import { routes } from './routes/index';
import type { Route } from './routes/route';
import type { ProfileStore, StoredProfile, StoredRegression } from './store/store';
import { RegressionStream } from './stream';

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

export interface ServiceDeps {
  /** Git access per repository path (tests pass scripted readers). */
  gitFor?: (repoPath: string) => GitReader;
  log?: (line: string) => void;
}

/**
 * The profile service: routes requests, owns the store, the detection state and the
 * regression stream. Transport-agnostic apart from Node's request/response objects, so
 * `server.ts` only adds listening and shutdown.
 */
export class ProfileService {
  readonly detection: RegressionDetection;
  readonly stream = new RegressionStream();
  private readonly compiled = routes.map(compile);
  private readonly gitFor: (repoPath: string) => GitReader;
  private readonly log: (line: string) => void;
  /** Work started by requests that must finish before the store closes. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly config: ServiceConfig,
    readonly store: ProfileStore,
    deps: ServiceDeps = {},
  ) {
    this.detection = new RegressionDetection(store, config.detection);
    this.gitFor = deps.gitFor ?? ((dir) => new GitRepository(dir));
    this.log = deps.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  get routes(): readonly Route[] {
    return routes;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const work = this.dispatch(req, res);
    this.pending.add(work);
    try {
      await work;
    } finally {
      this.pending.delete(work);
    }
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let allowed: string[] = [];
      for (const c of this.compiled) {
        const m = c.pattern.exec(url.pathname);
        if (!m) continue;
        if (c.route.method !== req.method) {
          allowed.push(c.route.method);
          continue;
        }
        if (!c.route.public) this.authorize(req);
        const params: Record<string, string> = {};
        c.names.forEach((n, i) => {
          params[n] = decodeURIComponent(m[i + 1]);
        });
        await c.route.handle({ req, res, url, params, app: this });
        return;
      }
      allowed = [...new Set(allowed)];
      if (allowed.length) {
        res.setHeader('allow', allowed.join(', '));
        throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}; use ${allowed.join(' or ')}`, 'method');
      }
      throw new HttpError(404, `no route ${req.method} ${url.pathname}; see GET /api/v1/openapi.json`, 'path');
    } catch (e) {
      if (e instanceof HttpError) {
        sendError(res, e);
        return;
      }
      const message = e instanceof Error ? e.message : String(e);
      this.log(`hotpath serve: ${req.method} ${req.url}: internal error: ${message}`);
      sendError(res, new HttpError(500, `internal error: ${message}`));
    }
  }

  private authorize(req: IncomingMessage): void {
    const token = this.config.token;
    if (!token) return;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    const given = Buffer.from(m ? m[1].trim() : '');
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, m ? 'invalid token' : 'missing Authorization: Bearer token', 'authorization');
    }
  }

  /**
   * Stores a prepared profile and runs detection on its windows in one synchronous step (so
   * concurrent uploads interleave only between whole profiles), then explains and publishes
   * the regressions found.
   */
  async addProfile(prepared: PreparedProfile): Promise<{ profile: StoredProfile; regressions: StoredRegression[] }> {
    const { profileId, windowIds } = this.store.addProfile(prepared);
    const profile = this.store.getProfile(profileId)!;
    const found: StoredRegression[] = [];
    prepared.windows.forEach((w, i) => {
      for (const r of this.detection.onWindow({
        service: profile.service,
        type: w.type,
        windowId: windowIds[i],
        time: profile.time,
        commit: profile.commit,
        totalWeight: w.totalWeight,
        functions: w.functions,
        edges: w.edges,
      })) {
        found.push(this.store.addRegression(r));
      }
    });
    // Open regressions whose level came back are closed as false positives, with the reason.
    for (const gone of this.detection.takeWentAway()) {
      for (const r of this.store.listRegressions({ service: gone.service, status: 'open', limit: 1000 })) {
        const index = (r.evidence.changePoint as { index?: number } | undefined)?.index;
        if (r.type === gone.type && r.function.name === gone.name && r.function.file === gone.file && index !== undefined && Math.abs(index - gone.index) <= LOCALIZATION_TOLERANCE) {
          this.store.setRegressionStatus(r.id, 'false_positive', Date.now(), `went away by itself: ${gone.evidence}`);
        }
      }
    }
    const explained = await Promise.all(found.map((r) => this.explain(r)));
    for (const r of explained) this.stream.publish(r);
    return { profile, regressions: explained };
  }

  /** Adds suspect commits (from the service's repository) and impact to a regression's evidence. */
  private async explain(r: StoredRegression): Promise<StoredRegression> {
    const repo = this.config.repos[r.service] ?? this.config.repos['*'];
    try {
      const firstBad = r.evidence.firstBad as { windowId: number } | undefined;
      const evidence = await explainRegression(r, {
        git: repo ? this.gitFor(repo) : undefined,
        fleet: this.config.fleet[r.service],
        deploys: this.store.listDeploys(r.service),
        neighbours: firstBad ? this.store.windowFunctions(firstBad.windowId) : [],
      });
      this.store.updateRegressionEvidence(r.id, evidence);
      return this.store.getRegression(r.id)!;
    } catch (e) {
      // The regression stands without suspects; say why in its evidence.
      const evidence = { ...r.evidence, rootCauseError: e instanceof Error ? e.message : String(e) };
      this.store.updateRegressionEvidence(r.id, evidence);
      return this.store.getRegression(r.id)!;
    }
  }

  /** The profile type a query means: the requested one, else the service's most common. */
  typeFor(service: string, requested: string | undefined): string {
    const types = this.store.serviceTypes(service);
    if (types.length === 0) throw new HttpError(404, `unknown service "${service}"`, 'service');
    if (requested !== undefined) {
      if (!types.some((t) => t.type === requested)) {
        throw new HttpError(404, `service "${service}" has no "${requested}" profiles; it has ${types.map((t) => t.type).join(', ')}`, 'type');
      }
      return requested;
    }
    return types[0].type;
  }

  /** Waits for requests in flight, ends streams and closes the store. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
    this.stream.close();
    this.store.close();
  }
}
