import type { ChangePoint } from '../core/regression/changepoints';
import { impactOf, type FleetConfig } from '../core/regression/impact';
import { suspectCommits, type RegressedFunction } from '../core/regression/rootcause';
import type { GitReader } from './git';
import type { FunctionRef, StoredDeploy, StoredRegression } from './store/store';

interface Point {
  index: number;
  time: number;
  commit: string | null;
}

interface RelatedFunction {
  name: string;
  file: string;
  line: number;
  endLine: number;
  changePoint: ChangePoint;
}

export interface ExplainInputs {
  git?: GitReader;
  fleet?: FleetConfig;
  deploys: StoredDeploy[];
  /** Functions of the first bad window: where the next function starts bounds a function's body. */
  neighbours: FunctionRef[];
}

/**
 * The commit range a regression points at: from the last good window's commit to the commit
 * running when the change was detected. A change point confirmed with few points after it
 * is often located early; any commit deployed up to the detection may be the cause, and the
 * ranking by touched lines, not the range, singles it out. When profiles carry no commit, the
 * deploys in effect at those times stand in.
 */
export function commitRange(r: StoredRegression, deploys: StoredDeploy[]): { from?: string; to?: string } {
  const lastGood = r.evidence.lastGood as Point | undefined;
  const firstBad = r.evidence.firstBad as Point | undefined;
  const detected = r.evidence.detectedAtWindow as Point | undefined;
  const end = detected && (!firstBad || detected.index > firstBad.index) ? detected : firstBad;
  const deployAt = (t: number | undefined) => (t === undefined ? undefined : deploys.filter((d) => d.time <= t).at(-1)?.commit);
  return {
    from: lastGood?.commit ?? deployAt(lastGood?.time),
    to: end?.commit ?? deployAt(end?.time),
  };
}

/**
 * A regressed function as root-cause ranking sees it: its file, its line span and how much it
 * rose. Profiles know where a function starts and which of its lines were sampled, so the
 * body is taken to run to the line before the next function of the same file that the
 * profile saw, and at least to its last sampled line.
 */
function regressed(f: { name: string; file: string; line: number; endLine: number }, rise: number, neighbours: FunctionRef[]): RegressedFunction {
  const out: RegressedFunction = { function: f.name, weight: rise };
  if (f.file) out.file = f.file;
  if (f.line > 0) {
    const next = Math.min(...neighbours.filter((n) => n.file === f.file && n.line > f.line).map((n) => n.line));
    const end = Number.isFinite(next) ? Math.max(f.endLine, next - 1) : f.endLine;
    out.lines = { start: f.line, end: Math.max(f.line, end) };
  }
  return out;
}

/**
 * The regression's evidence completed with the suspect commits (when the service has a
 * repository), the impact (with the service's fleet) and the time to detect.
 */
export async function explainRegression(r: StoredRegression, inputs: ExplainInputs): Promise<Record<string, unknown>> {
  const evidence: Record<string, unknown> = { ...r.evidence };
  const cp = evidence.changePoint as ChangePoint;
  evidence.impact = inputs.fleet
    ? impactOf(cp.absoluteChange, inputs.fleet)
    : { cpuShare: cp.absoluteChange, summary: `+${(cp.absoluteChange * 100).toPrecision(2)}% of samples (configure the fleet for cores and kW)` };
  evidence.timeToDetectMs = Math.max(0, r.detectedAt - r.changeTime);
  const range = commitRange(r, inputs.deploys);
  evidence.commitRange = range;
  if (inputs.git && range.to && range.from !== range.to) {
    const related = (evidence.related as RelatedFunction[] | undefined) ?? [];
    const functions = [
      regressed({ ...r.function, endLine: (evidence.endLine as number | undefined) ?? r.function.line }, cp.absoluteChange, inputs.neighbours),
      ...related.map((f) => regressed(f, f.changePoint.absoluteChange, inputs.neighbours)),
    ];
    const commits = await inputs.git.commitsBetween(range.from, range.to);
    evidence.suspects = suspectCommits(
      functions,
      commits.map((c) => ({ id: c.sha, title: c.subject, files: c.files })),
    ).map((s) => {
      const c = commits.find((x) => x.sha === s.commit.id)!;
      return { sha: c.sha, subject: c.subject, author: c.author, time: c.time, score: s.score, evidence: s.evidence };
    });
  }
  return evidence;
}
