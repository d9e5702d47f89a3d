/**
 * The Efficiency Report's numbers, from ledger entries alone (pure, unit-tested).
 *
 * CPU share saved is an estimate: a fix that makes its benchmark x% faster saves x% of the
 * function's share of the profile it was found in (only fixes with a known share and a
 * "faster" verdict count); a fixed regression gives back the share it added. Cores saved
 * multiply each share by the cores of its service's fleet (the service's config), else by
 * the default (`hotpath.fleet.cores`); without either, cores saved is unknown.
 */
import type { LedgerEntry, ResolvedRegression, VerifiedFix } from './schema';

export interface FleetCores {
  /** Cores per service name, from the service's fleet config. */
  byService?: Record<string, number>;
  /** Cores for entries without a configured service. */
  defaultCores?: number;
}

export interface LedgerPoint {
  time: number;
  /** Cumulative CPU share saved up to and including this entry. */
  cpuShareSaved: number;
  /** Cumulative cores saved (null while no entry has a fleet size). */
  coresSaved: number | null;
  fixes: number;
  regressionsResolved: number;
}

export interface LedgerTotals {
  entries: number;
  /** Verified fixes with a "faster" verdict. */
  fixes: number;
  fixesFromSkills: number;
  /** fixesFromSkills / fixes; null without fixes. */
  skillShare: number | null;
  byProposer: Record<VerifiedFix['proposer'], number>;
  cpuShareSaved: number;
  coresSaved: number | null;
  regressionsResolved: number;
  /** Median of fixed − detected over resolved regressions; null without any. */
  medianTimeToMitigateMs: number | null;
  /** One point per counted entry, oldest first, for the chart. */
  series: LedgerPoint[];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** CPU share a fix saved, or 0 when it was not faster or its function's share is unknown. */
export function fixShareSaved(fix: VerifiedFix): number {
  if (fix.verdict !== 'faster' || fix.cpuShare === undefined) return 0;
  return fix.cpuShare * Math.max(0, -fix.relativeChange);
}

export function regressionShareSaved(r: ResolvedRegression): number {
  return Math.max(0, r.magnitude);
}

export function ledgerTotals(entries: readonly LedgerEntry[], fleet: FleetCores = {}): LedgerTotals {
  const coresOf = (service: string | undefined): number | undefined => (service !== undefined ? fleet.byService?.[service] : undefined) ?? fleet.defaultCores;
  const timed = entries
    .filter((e) => e.kind === 'regression' || e.verdict === 'faster')
    .map((e) => ({ e, time: e.kind === 'fix' ? e.time : e.fixedAt }))
    .sort((a, b) => a.time - b.time);
  const byProposer = { engine: 0, model: 0, person: 0 };
  let fixes = 0;
  let fromSkills = 0;
  let regressions = 0;
  let share = 0;
  let cores: number | null = null;
  const ttm: number[] = [];
  const series: LedgerPoint[] = [];
  for (const { e, time } of timed) {
    const saved = e.kind === 'fix' ? fixShareSaved(e) : regressionShareSaved(e);
    if (e.kind === 'fix') {
      fixes++;
      byProposer[e.proposer]++;
      if (e.skill) fromSkills++;
    } else {
      regressions++;
      ttm.push(e.fixedAt - e.detectedAt);
    }
    share += saved;
    const n = coresOf(e.service);
    if (n !== undefined) cores = (cores ?? 0) + saved * n;
    series.push({ time, cpuShareSaved: share, coresSaved: cores, fixes, regressionsResolved: regressions });
  }
  return {
    entries: entries.length,
    fixes,
    fixesFromSkills: fromSkills,
    skillShare: fixes ? fromSkills / fixes : null,
    byProposer,
    cpuShareSaved: share,
    coresSaved: cores,
    regressionsResolved: regressions,
    medianTimeToMitigateMs: median(ttm),
    series,
  };
}
