import { HttpError, decodeContent, queryOf, readBody, readJson, sendJson, validate } from '../http';
import { importUpload, prepareProfile, profileSummary } from '../ingest';
import type { ProfileSet } from '../../core/profile/model';
import { eventsBody, metricsBody, profileUploadQuery, pyroscopeIngestQuery } from '../schemas';
import type { RequestContext, Route } from './route';

const RAW_TYPES = ['application/octet-stream', 'application/json', 'text/plain', 'application/gzip'];

async function uploadProfile({ req, res, url, app }: RequestContext): Promise<void> {
  const q = validate(profileUploadQuery, queryOf(url), 'query');
  const { maxBodyBytes, maxDecompressedBytes, storeMinShare } = app.config;
  const body = await readBody(req, maxBodyBytes);
  if (body.length === 0) throw new HttpError(400, 'body is empty; send the profile bytes', 'body');
  const content = await decodeContent(body, req.headers['content-encoding'], maxDecompressedBytes);
  const set = await importUpload(content, maxDecompressedBytes);
  const meta = { service: q.service, time: q.time ?? Date.now(), endTime: q.endTime, commit: q.commit, version: q.version, labels: q.labels ?? {}, source: 'api' };
  const prepared = await prepareProfile(body, content, set, meta, { minShare: storeMinShare, type: q.type });
  const { profile, regressions } = await app.addProfile(prepared);
  sendJson(res, 201, profileSummary(profile, prepared.windows, regressions.map((r) => r.id)));
}

/** Pyroscope profile-type suffixes of `name` (app.cpu, app.alloc_space, …). */
const PYROSCOPE_TYPES = /\.(cpu|wall|itimer|alloc_objects|alloc_space|inuse_objects|inuse_space|goroutines|mutex_count|mutex_duration|block_count|block_duration|lock_count|lock_duration|exceptions)$/;

/** Splits `app.cpu{env=prod,region=eu}` into service, type and labels. */
export function parsePyroscopeName(name: string): { service: string; type?: string; labels: Record<string, string> } {
  const brace = name.indexOf('{');
  let app = (brace < 0 ? name : name.slice(0, brace)).trim();
  const labels: Record<string, string> = {};
  if (brace >= 0) {
    for (const part of name.slice(brace + 1, name.lastIndexOf('}')).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) labels[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  }
  const m = PYROSCOPE_TYPES.exec(app);
  let type: string | undefined;
  if (m) {
    type = m[1];
    app = app.slice(0, m.index);
  }
  if (!app) throw new HttpError(400, 'name has no application name before the labels', 'name');
  return { service: app, type, labels };
}

/** Extracts the `profile` part of a multipart upload (Pyroscope's newer agents send pprof that way). */
async function multipartProfile(body: Buffer, contentType: string): Promise<Buffer> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch (e) {
    throw new HttpError(400, `malformed multipart body: ${(e as Error).message}`, 'body');
  }
  const part = form.get('profile');
  if (part === null) throw new HttpError(400, 'multipart body has no "profile" field', 'profile');
  return typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(await part.arrayBuffer());
}

/**
 * The Node agent (spyName "nodespy") renames every function to "path:name:line", with the path
 * relative to the agent's working directory. Series need the function, not the line, so the
 * name goes back to "name"; the frame keeps its file and line.
 */
export function restoreNodespyNames(set: ProfileSet): void {
  for (const profile of set.profiles) {
    for (const frame of profile.frames) {
      if (!frame.file) continue;
      const file = frame.file;
      for (let i = frame.name.indexOf(':'); i > 0; i = frame.name.indexOf(':', i + 1)) {
        const prefix = frame.name.slice(0, i);
        if (prefix !== file && !(prefix.startsWith('./') && file.endsWith(prefix.slice(1)))) continue;
        const m = /^(.*):\d+$/s.exec(frame.name.slice(i + 1));
        if (m && m[1]) frame.name = m[1];
        break;
      }
    }
  }
}

async function pyroscopeIngest({ req, res, url, app }: RequestContext): Promise<void> {
  const q = validate(pyroscopeIngestQuery, queryOf(url), 'query');
  const { service, type, labels } = parsePyroscopeName(q.name);
  const { maxBodyBytes, maxDecompressedBytes, storeMinShare } = app.config;
  let body = await readBody(req, maxBodyBytes);
  const contentType = req.headers['content-type'] ?? '';
  if (/^multipart\/form-data/i.test(contentType)) body = await multipartProfile(body, contentType);
  if (body.length === 0) throw new HttpError(400, 'body is empty; send the profile bytes', 'body');
  const content = await decodeContent(body, req.headers['content-encoding'], maxDecompressedBytes);
  const set = await importUpload(content, maxDecompressedBytes);
  const expected = q.format === 'pprof' ? 'pprof' : 'collapsed';
  if (set.format !== expected) throw new HttpError(400, `format=${q.format} but the body is ${set.format}`, 'format');
  const time = q.from !== undefined ? Number(q.from) * 1000 : Date.now();
  const endTime = q.until !== undefined ? Number(q.until) * 1000 : undefined;
  if (endTime !== undefined && endTime < time) throw new HttpError(400, 'until is before from', 'until');
  if (q.spyName) labels.spyName ??= q.spyName;
  if (q.spyName === 'nodespy') restoreNodespyNames(set);
  const meta = { service, time, endTime, commit: labels.commit ?? labels.revision, version: labels.version, labels, source: 'pyroscope' };
  // Folded stacks carry no sample type; the name's suffix (or cpu) names the series.
  const prepared = await prepareProfile(body, content, set, meta, { minShare: storeMinShare, type: type ?? (set.format === 'collapsed' ? 'cpu' : undefined) });
  const { profile, regressions } = await app.addProfile(prepared);
  sendJson(res, 200, profileSummary(profile, prepared.windows, regressions.map((r) => r.id)));
}

export const ingestRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/profiles',
    summary: 'Upload one profile (any format the importers read, optionally gzip); stores the raw bytes compressed and per-function shares, then runs detection',
    tag: 'ingest',
    query: profileUploadQuery,
    body: { raw: RAW_TYPES, description: 'the profile file as is: pprof, .cpuprofile, speedscope, collapsed stacks, perf script, …; gzip allowed (in the content or as Content-Encoding)' },
    response: { status: 201, type: 'application/json', description: 'the stored profile: id, windows (one per sample type) and ids of regressions it revealed' },
    handle: uploadProfile,
  },
  {
    method: 'POST',
    path: '/ingest',
    summary: 'Pyroscope-compatible ingest: existing Pyroscope agents push here unchanged',
    tag: 'ingest',
    query: pyroscopeIngestQuery,
    body: { raw: ['application/octet-stream', 'text/plain', 'multipart/form-data'], description: 'pprof (raw or gzip; or a multipart form with a "profile" field) or folded stacks' },
    response: { status: 200, type: 'application/json', description: 'the stored profile' },
    handle: pyroscopeIngest,
  },
  {
    method: 'POST',
    path: '/api/v1/metrics',
    summary: 'Add metric points (series, labels, time, value, commit)',
    tag: 'ingest',
    body: metricsBody,
    response: { status: 201, type: 'application/json', description: '{"added": N}' },
    handle: async ({ req, res, app }) => {
      const body = validate(metricsBody, await readJson(req, app.config.maxBodyBytes), 'body');
      sendJson(res, 201, { added: app.store.addMetrics(body.points) });
    },
  },
  {
    method: 'POST',
    path: '/api/v1/events',
    summary: 'Add deploy events (service, commit, time)',
    tag: 'ingest',
    body: eventsBody,
    response: { status: 201, type: 'application/json', description: '{"added": N}' },
    handle: async ({ req, res, app }) => {
      const body = validate(eventsBody, await readJson(req, app.config.maxBodyBytes), 'body');
      sendJson(res, 201, { added: app.store.addDeploys(body.events) });
    },
  },
];
