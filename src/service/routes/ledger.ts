import { readJson, sendJson, validate } from '../http';
import { ledgerEntrySchema, type LedgerEntry } from '../../core/ledger/schema';
import { resolvedRegressionEntry } from '../../core/ledger/entries';
import { ledgerTotals } from '../../core/ledger/totals';
import type { ProfileService } from '../service';
import type { Route } from './route';

/**
 * The stored entries plus one for every fixed regression not stored yet: the regression's
 * status times are the record, so a fix marked through the API or CLI counts too.
 */
export function ledgerEntries(app: ProfileService): LedgerEntry[] {
  const stored = app.store.listLedgerEntries();
  const ids = new Set(stored.map((e) => e.id));
  const derived = app.store
    .listRegressions({ status: 'fixed', limit: 100_000 })
    .flatMap((r) => resolvedRegressionEntry(r) ?? [])
    .filter((e) => !ids.has(e.id));
  return [...stored, ...derived].sort((a, b) => (a.kind === 'fix' ? a.time : a.fixedAt) - (b.kind === 'fix' ? b.time : b.fixedAt));
}

/** Cores per service from the service's fleet config. */
function fleetCores(app: ProfileService): Record<string, number> {
  return Object.fromEntries(Object.entries(app.config.fleet).map(([service, f]) => [service, f.cores]));
}

export const ledgerRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/v1/ledger',
    summary: 'Record an efficiency-ledger entry: a verified fix or a resolved regression (an id already stored is not added twice)',
    tag: 'ledger',
    body: ledgerEntrySchema,
    response: { status: 201, type: 'application/json', description: '{"id", "added": true|false}' },
    handle: async ({ req, res, app }) => {
      const entry = validate(ledgerEntrySchema, await readJson(req, 1024 * 1024), 'body');
      sendJson(res, 201, { id: entry.id, added: app.store.addLedgerEntry(entry) });
    },
  },
  {
    method: 'GET',
    path: '/api/v1/ledger',
    summary: 'The efficiency ledger: verified fixes and resolved regressions (fixed ones derived from their status times), the fleet cores per service, and the totals',
    tag: 'ledger',
    response: { status: 200, type: 'application/json', description: '{"entries": [...], "fleet": {service: cores}, "totals": {fixes, skillShare, cpuShareSaved, coresSaved, regressionsResolved, medianTimeToMitigateMs, series}}' },
    handle: ({ res, app }) => {
      const entries = ledgerEntries(app);
      const fleet = fleetCores(app);
      sendJson(res, 200, { entries, fleet, totals: ledgerTotals(entries, { byService: fleet }) });
    },
  },
];
