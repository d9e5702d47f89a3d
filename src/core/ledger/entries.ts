/** Ledger entries from what the editor and the service already have: a verify report, a regression. */
import type { EditProposal } from '../edits/proposal';
import type { VerifyReport } from '../verify/verify';
import type { Proposer, ResolvedRegression, VerifiedFix } from './schema';

export function verifiedFixEntry(
  proposal: EditProposal,
  report: Pick<VerifyReport, 'relativeChange' | 'ci' | 'pValue' | 'verdict' | 'base'>,
  about: { function: string; proposer: Proposer; time: number; cpuShare?: number; service?: string },
): VerifiedFix {
  return {
    kind: 'fix',
    // One entry per proposal measured on one commit: a second verify of the same edit is not a second fix.
    id: `fix:${proposal.baseHash.slice(0, 16)}:${report.base.slice(0, 12)}`,
    time: about.time,
    ...(proposal.skill ? { skill: proposal.skill } : {}),
    function: about.function,
    file: proposal.file,
    line: proposal.startLine,
    relativeChange: report.relativeChange,
    ci: report.ci,
    pValue: Math.min(1, Math.max(0, report.pValue)),
    verdict: report.verdict,
    ...(about.cpuShare !== undefined ? { cpuShare: about.cpuShare } : {}),
    proposer: about.proposer,
    commit: report.base,
    ...(about.service ? { service: about.service } : {}),
  };
}

/** The parts of a stored regression the ledger needs (src/service/store/store.ts StoredRegression). */
export interface RegressionTimes {
  id: number;
  service: string;
  function: { name: string; file: string };
  detectedAt: number;
  acknowledgedAt: number | null;
  fixedAt: number | null;
  evidence: Record<string, unknown>;
}

/** The ledger entry of a fixed regression; undefined while it is not fixed. */
export function resolvedRegressionEntry(r: RegressionTimes): ResolvedRegression | undefined {
  if (r.fixedAt === null) return undefined;
  const cp = (r.evidence.changePoint ?? {}) as { absoluteChange?: unknown; relativeChange?: unknown };
  return {
    kind: 'regression',
    id: `regression:${r.service}:${r.id}`,
    regressionId: r.id,
    service: r.service,
    function: r.function.name,
    file: r.function.file,
    detectedAt: r.detectedAt,
    acknowledgedAt: r.acknowledgedAt,
    fixedAt: r.fixedAt,
    magnitude: typeof cp.absoluteChange === 'number' && Number.isFinite(cp.absoluteChange) ? cp.absoluteChange : 0,
    relativeChange: typeof cp.relativeChange === 'number' && Number.isFinite(cp.relativeChange) ? cp.relativeChange : null,
  };
}
