/**
 * What the investigation panel shows, fetched from the service and shaped for the webview:
 * the function's series with the change point and markers, the suspects, and the
 * differential flame graph of the merged after-range against the before-range.
 */
import { diffTree } from '../../core/profile/analysis/index';
import type { Profile, WeightUnit } from '../../core/profile/model';
import type { WireProfile } from '../../../webview/protocol';
import type { Investigation, ToPanel } from '../../../webview/investigation/protocol';
import { evidenceOf, type MergedProfile, type Regression, type ServiceClient, type StoredDeploy } from '../service/client';
import { regressionHeadline } from './format';

export async function loadInvestigation(client: ServiceClient, r: Regression): Promise<{ investigation: Investigation; deploys: StoredDeploy[] }> {
  const ev = evidenceOf(r);
  if (!ev) throw new Error(`regression ${r.id} has no change point in its evidence`);
  const [series, deploys] = await Promise.all([client.series(r.service, r.function, r.type), client.deploys(r.service)]);
  const points = series.points.map((p) => ({ time: p.time, value: p.inclusive, commit: p.commit }));
  const index = Math.min(Math.max(0, points.findIndex((p) => p.time >= r.changeTime)), Math.max(0, points.length - 1));
  const markers: Investigation['markers'] = deploys.map((d) => ({ kind: 'deploy', time: d.time, label: `deploy ${d.version ?? d.id} (${d.commit.slice(0, 7)})` }));
  // A commit marker where the profiled commit changes without a deploy event saying so.
  const deployed = new Set(deploys.map((d) => d.commit));
  for (let i = 1; i < points.length; i++) {
    const c = points[i].commit;
    if (c && c !== points[i - 1].commit && !deployed.has(c)) markers.push({ kind: 'commit', time: points[i].time, label: `commit ${c.slice(0, 7)}` });
  }
  const cp = ev.changePoint;
  return {
    deploys,
    investigation: {
      id: r.id,
      headline: regressionHeadline(r, deploys),
      status: r.status,
      service: r.service,
      type: r.type,
      function: r.function,
      impact: ev.impact?.summary,
      points,
      changePoint: { index, time: r.changeTime, before: cp.before, after: cp.after, ci95: cp.ci95, pValue: cp.pValue },
      markers,
      suspects: (ev.suspects ?? []).map((s) => ({ sha: s.sha, subject: s.subject, author: s.author, score: s.score, evidence: s.evidence })),
    },
  };
}

/** The service's JSON profile as the columnar model (typed arrays, line maps). */
export function profileFromJson(p: MergedProfile): Profile {
  const lines = (m: Record<string, Record<string, number>>) => new Map(Object.entries(m).map(([f, l]) => [Number(f), new Map(Object.entries(l).map(([k, v]) => [Number(k), v]))]));
  return {
    name: p.name,
    unit: p.unit as WeightUnit,
    frames: p.frames,
    nodeCount: p.nodeCount,
    nodeFrame: Int32Array.from(p.nodeFrame),
    nodeParent: Int32Array.from(p.nodeParent),
    nodeSelf: Float64Array.from(p.nodeSelf),
    nodeTotal: Float64Array.from(p.nodeTotal),
    sampleCount: p.sampleCount,
    totalWeight: p.totalWeight,
    lineSelf: lines(p.lineSelf),
    lineTotal: lines(p.lineTotal),
  };
}

/** Merged before ([.., changeTime)) and after ([changeTime, ..)) profiles of the regression's service and type. */
export async function beforeAfter(client: ServiceClient, r: Regression): Promise<{ before: Profile; after: Profile }> {
  const [before, after] = await Promise.all([
    client.mergedProfile(r.service, r.type, { to: r.changeTime }),
    client.mergedProfile(r.service, r.type, { from: r.changeTime }),
  ]);
  return { before: profileFromJson(before), after: profileFromJson(after) };
}

/** The panel's `diff/load`: the union call tree weighted by the after-profile, with each node's before weight. */
export function diffMessage(before: Profile, after: Profile, focus: string): Extract<ToPanel, { type: 'diff/load' }> {
  const tree = diffTree(before, after);
  const profile: WireProfile = {
    name: `${after.name} after vs before`,
    unit: tree.unit,
    frames: tree.frames,
    nodeCount: tree.nodeCount,
    nodeFrame: tree.nodeFrame,
    nodeParent: tree.nodeParent,
    nodeSelf: tree.afterSelf,
    nodeTotal: tree.afterTotal,
    sampleCount: after.sampleCount,
    totalWeight: tree.afterTotalWeight,
  };
  return { type: 'diff/load', profile, beforeTotal: tree.beforeTotal, beforeTotalWeight: tree.beforeTotalWeight, focus };
}
