/**
 * Words for a regression, shared by the notification, the tree and the panel:
 * "parseConfig +3.1% CPU since deploy 42 (commit a1b2c3d by Dev)".
 */
import { evidenceOf, type Regression, type StoredDeploy } from '../service/client';

/** Percentage points with one decimal (two below 1), signed. */
export function formatChange(fraction: number): string {
  const p = fraction * 100;
  const digits = Math.abs(p) >= 1 ? 1 : 2;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(digits)}%`;
}

/** The deploy in effect when the change began: the last one at or before changeTime. */
export function deployAt(deploys: readonly StoredDeploy[], time: number): StoredDeploy | undefined {
  let best: StoredDeploy | undefined;
  for (const d of deploys) if (d.time <= time && (!best || d.time >= best.time)) best = d;
  return best;
}

export function regressionHeadline(r: Regression, deploys: readonly StoredDeploy[] = []): string {
  const ev = evidenceOf(r);
  const change = ev ? `${formatChange(ev.changePoint.absoluteChange)} ${r.type.toUpperCase()}` : `regressed (${r.type})`;
  const deploy = deployAt(deploys, r.changeTime);
  const since = deploy ? ` since deploy ${deploy.version ?? deploy.id}` : '';
  const top = ev?.suspects?.[0];
  const commit = top ?? (ev?.firstBad?.commit ? { sha: ev.firstBad.commit, author: undefined } : deploy ? { sha: deploy.commit, author: undefined } : undefined);
  const by = commit ? ` (commit ${commit.sha.slice(0, 7)}${commit.author ? ` by ${commit.author}` : ''})` : '';
  return `${r.function.name} ${change}${since}${by}`;
}

/** Tree/tooltip detail: service, file:line and when it changed. */
export function regressionDetail(r: Regression): string {
  const where = r.function.file ? `${r.function.file}${r.function.line > 0 ? `:${r.function.line}` : ''}` : 'unknown file';
  return `${r.service} · ${where} · ${new Date(r.changeTime).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
