import { HttpError, queryOf, readJson, sendJson, validate } from '../http';
import { idParam, regressionPatch, regressionsQuery } from '../schemas';
import type { Route } from './route';

export const regressionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/regressions',
    summary: 'Regressions (open, acknowledged, fixed, false_positive) with their evidence',
    tag: 'regressions',
    query: regressionsQuery,
    response: { status: 200, type: 'application/json', description: '{"regressions": [...], "filtered": [{function, type, index, time, commit, reason, evidence}]} (filtered: changes explained away by a filter since the service started; needs ?service=)' },
    handle: ({ res, url, app }) => {
      const q = validate(regressionsQuery, queryOf(url), 'query');
      // `filtered`: changes the filters explained (cost shift, went away…), for the record.
      sendJson(res, 200, { regressions: app.store.listRegressions(q), filtered: q.service ? app.detection.filteredChanges(q.service) : [] });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/regressions/:id',
    summary: 'One regression with its evidence: change point, related functions, suspect commits, impact',
    tag: 'regressions',
    params: idParam,
    response: { status: 200, type: 'application/json', description: 'the regression' },
    handle: ({ res, params, app }) => {
      const { id } = validate(idParam, params, 'path');
      const r = app.store.getRegression(id);
      if (!r) throw new HttpError(404, `no regression ${id}`, 'id');
      sendJson(res, 200, r);
    },
  },
  {
    method: 'PATCH',
    path: '/api/v1/regressions/:id',
    summary: 'Change a regression\'s status (acknowledged, fixed, false_positive, open); the first time of each status is kept, so time to mitigate is measured',
    tag: 'regressions',
    params: idParam,
    body: regressionPatch,
    response: { status: 200, type: 'application/json', description: 'the updated regression with timeToAcknowledgeMs / timeToFixMs' },
    handle: async ({ req, res, params, app }) => {
      const { id } = validate(idParam, params, 'path');
      const body = validate(regressionPatch, await readJson(req, 1024 * 1024), 'body');
      const r = app.store.setRegressionStatus(id, body.status, body.time ?? Date.now(), body.note);
      if (!r) throw new HttpError(404, `no regression ${id}`, 'id');
      sendJson(res, 200, {
        ...r,
        timeToAcknowledgeMs: r.acknowledgedAt === null ? null : r.acknowledgedAt - r.changeTime,
        timeToFixMs: r.fixedAt === null ? null : r.fixedAt - r.changeTime,
      });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/stream',
    summary: 'Server-sent events: one "regression" event per new regression (id = regression id; Last-Event-ID replays missed ones)',
    tag: 'regressions',
    response: { status: 200, type: 'text/event-stream', description: 'event: regression, data: the regression as JSON' },
    handle: ({ req, res, app }) => {
      const last = Number(req.headers['last-event-id']);
      const backlog = Number.isInteger(last) && last >= 0 ? app.store.listRegressions({ afterId: last }) : [];
      app.stream.open(req, res, backlog);
    },
  },
];
