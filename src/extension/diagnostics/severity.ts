/**
 * How loud a detector finding is, decided by what the profile says its lines cost. Pure, so
 * the mapping is unit-tested without VS Code.
 */

export type FindingLevel = 'warning' | 'information' | 'hint';

/** Hot (at least the heat threshold) → warning; some cost → information; none → hint. */
export function levelForCost(costPercent: number, thresholdPercent: number): FindingLevel {
  if (costPercent > 0 && costPercent >= thresholdPercent) return 'warning';
  if (costPercent > 0) return 'information';
  return 'hint';
}

export interface CostedLine {
  line: number;
  totalPercent: number;
}

export interface CostedFunction {
  line?: number;
  totalPercent: number;
}

/**
 * The share of the profile (percent) a finding on lines `line..endLine` stands for: the
 * costliest of its lines when the profiler recorded lines, else the total of the function
 * that starts nearest above it (a profile without line data still ranks the finding).
 */
export function findingCost(finding: { line: number; endLine: number }, lines: readonly CostedLine[], functions: readonly CostedFunction[]): number {
  if (lines.length) {
    let cost = 0;
    for (const l of lines) if (l.line >= finding.line && l.line <= finding.endLine) cost = Math.max(cost, l.totalPercent);
    return cost;
  }
  let enclosing: CostedFunction | undefined;
  for (const f of functions) {
    if (f.line === undefined || f.line > finding.line) continue;
    if (!enclosing || f.line > enclosing.line!) enclosing = f;
  }
  return enclosing?.totalPercent ?? 0;
}

/** "12.3% of the profile" for a diagnostic message; nothing when the profile has no cost here. */
export function costNote(costPercent: number): string {
  if (costPercent <= 0) return '';
  return ` (${costPercent >= 10 ? costPercent.toFixed(1) : costPercent.toFixed(2)}% of the profile)`;
}
