import type { Analysis, HotTarget } from './engine';

const pct = (x: number): string => `${x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}%`;
const link = (file: string, line: number): string => `[${file}:${line}](${file}#L${line})`;
/** A markdown code span that survives backticks inside (CommonMark: a longer fence). */
const code = (s: string): string => {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return longest ? `${fence} ${s} ${fence}` : `${fence}${s}${fence}`;
};

/**
 * The offline answer to "why is this hot?", in markdown. Every number comes from the analysis
 * (the profile and the detectors); nothing is invented when evidence is missing — it says so.
 */
export function renderWhy(analysis: Analysis, options: { question?: string; limit?: number } = {}): string {
  const { profile } = analysis;
  const out: string[] = [];
  const targets = analysis.targets.slice(0, options.limit ?? 3);
  out.push(`Profile ${code(analysis.profileId)}, ${profile.name ? `thread ${code(profile.name)}, ` : ''}${profile.sampleCount.toLocaleString('en-US')} samples, total ${formatWeight(profile.totalWeight, profile.unit)}.`);
  if (targets.length === 0) out.push('', 'None of the hot functions has source in this workspace, so there is no code to examine here.');
  for (const t of targets) out.push('', ...renderTarget(t, profile.unit));
  if (analysis.signals.length) {
    out.push('', '### Profile-level signals');
    for (const s of analysis.signals.slice(0, 5)) out.push(`- ${pct(s.percent)} of the profile in ${s.frames.slice(0, 3).map(code).join(', ')}: ${s.signal.meaning} (skill ${code(s.skill)})`);
  }
  return out.join('\n');
}

function renderTarget(t: HotTarget, unit: string): string[] {
  const out: string[] = [];
  const where = t.file && t.line ? ` at ${link(t.file, t.line)}` : t.fn.file ? ` in ${code(t.fn.file)} (not in this workspace)` : '';
  out.push(`## Why is ${code(t.fn.name)} hot?`);
  out.push(`${code(t.fn.name)}${where} takes **${pct(t.fn.selfPercent)} self** and **${pct(t.fn.totalPercent)} total** of the profile (self ${formatWeight(t.fn.self, unit)}, total ${formatWeight(t.fn.total, unit)}).`);
  if (t.callPath && t.callPath.names.length > 1) {
    const shown = t.callPath.names.map(code);
    const path = t.callPath.skipped > 0 ? ['…', ...shown] : shown;
    out.push(`It is reached mostly through ${path.join(' → ')} (${pct(t.callPath.percent)}).`);
  }
  if (t.moved) out.push(`The file changed since this profile was recorded: ${code(t.fn.name)} is ${Math.abs(t.moved)} line${Math.abs(t.moved) === 1 ? '' : 's'} ${t.moved > 0 ? 'lower' : 'higher'} now, and the lines below are where its code is now.`);
  if (t.hotLines.length && t.file) {
    out.push('', '**Costliest lines**');
    for (const l of t.hotLines) out.push(`- ${link(t.file, l.line)}: ${pct(l.selfPercent)} self, ${pct(l.totalPercent)} total — ${code(l.text)}`);
  }
  if (t.findings.length === 0) {
    out.push('', t.file ? 'No skill detector matches this function’s code; the cost may be inherent to the work it does, or in its callees.' : '');
    return out;
  }
  const [top, ...rest] = t.findings;
  out.push('', `**Cause** (skill ${code(top.skill)}): ${top.message}`);
  out.push(`Found at ${link(top.file, top.line)}${top.totalPercent > 0 ? `, a line carrying ${pct(top.totalPercent)} of the profile` : ''}.`);
  if (top.proposal) {
    out.push('', `**Proposed edit** (not applied): ${top.proposal.rationale}`, '', '```diff', top.proposal.diff.trimEnd(), '```');
  } else {
    out.push('', `No mechanical edit is safe here; read the skill (${code(top.skill)}) for the procedure.`);
  }
  if (rest.length) {
    out.push('', 'Also in this function:');
    for (const f of rest.slice(0, 4)) out.push(`- ${link(f.file, f.line)} (skill ${code(f.skill)}): ${f.message}`);
  }
  return out;
}

function formatWeight(w: number, unit: string): string {
  if (unit === 'microseconds') return `${(w / 1000).toFixed(1)} ms`;
  if (unit === 'nanoseconds') return `${(w / 1e6).toFixed(1)} ms`;
  if (unit === 'milliseconds') return `${w.toFixed(1)} ms`;
  if (unit === 'seconds') return `${w.toFixed(3)} s`;
  return `${w.toLocaleString('en-US')} ${unit}`;
}
