import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { topChanges } from '../../core/profile/analysis/diff';
import { mergeProfiles } from '../../core/profile/analysis/merge';
import { speedscopeChunks } from '../../core/profile/export/speedscope';
import { importProfileBytes } from '../../core/profile/importers/index';
import type { Profile } from '../../core/profile/model';
import { HttpError, queryOf, sendJson, validate } from '../http';
import type { ProfileService } from '../service';
import {
  deploysQuery,
  diffQuery,
  functionsQuery,
  idParam,
  listProfilesQuery,
  mergedProfileQuery,
  metricSeriesQuery,
  serviceParam,
  seriesQuery,
} from '../schemas';
import { seriesProfiles } from '../windows';
import type { Route } from './route';

const gunzip = promisify(zlib.gunzip);

/** Most profiles one merge or diff reads back (each is decompressed and imported again). */
const MAX_MERGE = 2000;

/** The stored profiles of a service and type in [from, to), re-imported and merged into one. */
async function mergedRange(app: ProfileService, service: string, type: string, from: number, to: number, field: string): Promise<Profile> {
  const stored = app.store.listProfiles(service, from, to, MAX_MERGE + 1).filter((p) => p.types.includes(type));
  if (stored.length > MAX_MERGE) throw new HttpError(400, `the range holds more than ${MAX_MERGE} profiles; narrow it`, field);
  if (stored.length === 0) throw new HttpError(404, `no "${type}" profiles of "${service}" in the range`, field);
  const profiles: Profile[] = [];
  for (const p of stored) {
    const raw = app.store.getProfileRaw(p.id)!;
    const set = await importProfileBytes(await gunzip(raw), `profile ${p.id}`, { maxBytes: app.config.maxDecompressedBytes });
    const series = seriesProfiles(set);
    // A single-series upload may have been stored under a type given at upload time.
    const match = series.length === 1 ? series[0] : series.find((x) => x.type === type);
    if (match) profiles.push(match.profile);
  }
  return mergeProfiles(profiles, `${service} ${type}`);
}

/** Our JSON form of a profile: the columnar model with typed arrays as plain arrays. */
function profileJson(p: Profile) {
  const lines = (m: Map<number, Map<number, number>>) => Object.fromEntries([...m].map(([f, l]) => [f, Object.fromEntries(l)]));
  return {
    name: p.name,
    unit: p.unit,
    frames: p.frames,
    nodeCount: p.nodeCount,
    nodeFrame: Array.from(p.nodeFrame),
    nodeParent: Array.from(p.nodeParent),
    nodeSelf: Array.from(p.nodeSelf),
    nodeTotal: Array.from(p.nodeTotal),
    sampleCount: p.sampleCount,
    totalWeight: p.totalWeight,
    lineSelf: lines(p.lineSelf),
    lineTotal: lines(p.lineTotal),
  };
}

const NO_TIME = { from: -Infinity, to: Infinity };

export const queryRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/services',
    summary: 'List services with their profile counts, time span and profile types (series)',
    tag: 'query',
    response: { status: 200, type: 'application/json', description: '{"services": [{name, profileCount, firstTime, lastTime, types: [{type, unit, windows}]}]}' },
    handle: ({ res, app }) => sendJson(res, 200, { services: app.store.listServices() }),
  },
  {
    method: 'GET',
    path: '/api/v1/profiles',
    summary: 'List stored profiles of a service in a time range',
    tag: 'query',
    query: listProfilesQuery,
    response: { status: 200, type: 'application/json', description: '{"profiles": [...], "total": N}' },
    handle: ({ res, url, app }) => {
      const q = validate(listProfilesQuery, queryOf(url), 'query');
      const profiles = app.store.listProfiles(q.service, q.from ?? -Infinity, q.to ?? Infinity, q.limit);
      sendJson(res, 200, { profiles, total: app.store.countProfiles(q.service) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/profiles/:id',
    summary: 'One stored profile\'s metadata',
    tag: 'query',
    params: idParam,
    response: { status: 200, type: 'application/json', description: 'the profile metadata' },
    handle: ({ res, params, app }) => {
      const { id } = validate(idParam, params, 'path');
      const p = app.store.getProfile(id);
      if (!p) throw new HttpError(404, `no profile ${id}`, 'id');
      sendJson(res, 200, p);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/profiles/:id/raw',
    summary: 'The original profile bytes, gzip-compressed',
    tag: 'query',
    params: idParam,
    response: { status: 200, type: 'application/gzip', description: 'the uploaded content, gzip-compressed' },
    handle: ({ res, params, app }) => {
      const { id } = validate(idParam, params, 'path');
      const raw = app.store.getProfileRaw(id);
      if (!raw) throw new HttpError(404, `no profile ${id}`, 'id');
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': raw.length });
      res.end(raw);
    },
  },
  {
    method: 'GET',
    path: '/api/v1/services/:service/functions',
    summary: 'Functions of a service that have a series, most expensive first',
    tag: 'query',
    params: serviceParam,
    query: functionsQuery,
    response: { status: 200, type: 'application/json', description: '{"type", "functions": [{name, file, line, maxInclusive}]}' },
    handle: ({ res, url, params, app }) => {
      const { service } = validate(serviceParam, params, 'path');
      const q = validate(functionsQuery, queryOf(url), 'query');
      const type = app.typeFor(service, q.type);
      sendJson(res, 200, { service, type, functions: app.store.listFunctions(service, type, q.minShare, q.limit) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/services/:service/series',
    summary: 'A function\'s series: its inclusive and self share of the samples in each profile window',
    tag: 'query',
    params: serviceParam,
    query: seriesQuery,
    response: { status: 200, type: 'application/json', description: '{"service", "type", "function", "file", "points": [{windowId, time, commit, inclusive, self}], "deploys": [...]}' },
    handle: ({ res, url, params, app }) => {
      const { service } = validate(serviceParam, params, 'path');
      const q = validate(seriesQuery, queryOf(url), 'query');
      const type = app.typeFor(service, q.type);
      const points = app.store.functionSeries(service, type, { name: q.function, file: q.file }, q.from, q.to);
      if (points.length === 0 && app.store.listWindows(service, type, q.from, q.to).length > 0) {
        throw new HttpError(404, `function "${q.function}"${q.file ? ` in ${q.file}` : ''} was never sampled in "${service}"`, 'function');
      }
      sendJson(res, 200, { service, type, function: q.function, file: q.file, points, deploys: app.store.listDeploys(service, q.from, q.to) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/services/:service/profile',
    summary: 'The merged profile of a service over a time range, as speedscope JSON or our JSON',
    tag: 'query',
    params: serviceParam,
    query: mergedProfileQuery,
    response: { status: 200, type: 'application/json', description: 'speedscope file format, or {"profile": our columnar model, "profiles": N}' },
    handle: async ({ res, url, params, app }) => {
      const { service } = validate(serviceParam, params, 'path');
      const q = validate(mergedProfileQuery, queryOf(url), 'query');
      const type = app.typeFor(service, q.type);
      const merged = await mergedRange(app, service, type, q.from ?? NO_TIME.from, q.to ?? NO_TIME.to, 'from');
      if (q.format === 'hotpath') {
        sendJson(res, 200, { service, type, profile: profileJson(merged) });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      for (const chunk of speedscopeChunks({ format: 'merged', profiles: [merged], activeIndex: 0, source: service })) res.write(chunk);
      res.end();
    },
  },
  {
    method: 'GET',
    path: '/api/v1/services/:service/diff',
    summary: 'Per-function change in share between two time ranges (before: [beforeFrom, beforeTo), after: [afterFrom, afterTo))',
    tag: 'query',
    params: serviceParam,
    query: diffQuery,
    response: { status: 200, type: 'application/json', description: '{"functions": [{name, file, line, self, total}]} with before/after percents and deltas in percentage points' },
    handle: async ({ res, url, params, app }) => {
      const { service } = validate(serviceParam, params, 'path');
      const q = validate(diffQuery, queryOf(url), 'query');
      const type = app.typeFor(service, q.type);
      const before = await mergedRange(app, service, type, q.beforeFrom ?? -Infinity, q.beforeTo, 'beforeTo');
      const after = await mergedRange(app, service, type, q.afterFrom, q.afterTo ?? Infinity, 'afterFrom');
      const functions = topChanges(before, after, { by: 'total', top: q.top });
      sendJson(res, 200, { service, type, before: { totalWeight: before.totalWeight }, after: { totalWeight: after.totalWeight }, functions });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/metrics',
    summary: 'List metric series with their point counts',
    tag: 'query',
    response: { status: 200, type: 'application/json', description: '{"series": [{series, labels, points}]}' },
    handle: ({ res, app }) => sendJson(res, 200, { series: app.store.listMetricSeries() }),
  },
  {
    method: 'GET',
    path: '/api/v1/metrics/series',
    summary: 'Points of one metric series (all label sets unless labels are given)',
    tag: 'query',
    query: metricSeriesQuery,
    response: { status: 200, type: 'application/json', description: '{"points": [{series, labels, time, value, commit}]}' },
    handle: ({ res, url, app }) => {
      const q = validate(metricSeriesQuery, queryOf(url), 'query');
      sendJson(res, 200, { points: app.store.metricSeries(q.series, q.labels, q.from, q.to) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/events',
    summary: 'Deploy events of a service',
    tag: 'query',
    query: deploysQuery,
    response: { status: 200, type: 'application/json', description: '{"events": [{id, service, commit, version, time}]}' },
    handle: ({ res, url, app }) => {
      const q = validate(deploysQuery, queryOf(url), 'query');
      sendJson(res, 200, { events: app.store.listDeploys(q.service, q.from, q.to) });
    },
  },
];
