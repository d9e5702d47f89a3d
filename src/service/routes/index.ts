import { sendJson } from '../http';
import { openApiDocument } from '../openapi';
import { SCHEMA_VERSION } from '../store/sqlite';
import { ingestRoutes } from './ingest';
import { ledgerRoutes } from './ledger';
import { queryRoutes } from './query';
import { regressionRoutes } from './regressions';
import type { Route } from './route';

export const SERVICE_VERSION = '0.1.0';

const metaRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/v1/health',
    summary: 'Liveness and a few counts (no token needed)',
    tag: 'meta',
    public: true,
    response: { status: 200, type: 'application/json', description: '{"status": "ok", "version", "schemaVersion", "profiles", "streams"}' },
    handle: ({ res, app }) =>
      sendJson(res, 200, { status: 'ok', version: SERVICE_VERSION, schemaVersion: SCHEMA_VERSION, profiles: app.store.countProfiles(), streams: app.stream.size }),
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'meta',
    public: true,
    response: { status: 200, type: 'application/json', description: 'the OpenAPI document' },
    handle: ({ res }) => sendJson(res, 200, openApiDocument(routes, SERVICE_VERSION)),
  },
];

/** Every route of the service; the OpenAPI document lists them in this order. */
export const routes: Route[] = [...metaRoutes, ...ingestRoutes, ...queryRoutes, ...regressionRoutes, ...ledgerRoutes];
