/** The report's text: pure formatting of the totals (unit-tested without a DOM). */
import type { ReportTotals } from './protocol';

export function percentText(fraction: number | null): string {
  if (fraction === null) return '—';
  const p = fraction * 100;
  return `${p.toFixed(Math.abs(p) >= 10 || p === 0 ? 1 : 2)}%`;
}

export function coresText(cores: number | null): string {
  if (cores === null) return '—';
  return cores >= 100 ? cores.toFixed(0) : cores >= 10 ? cores.toFixed(1) : cores.toFixed(2);
}

/** A duration as the largest two units: "3 d 4 h", "2 h 5 min", "45 s". */
export function durationText(ms: number | null): string {
  if (ms === null) return '—';
  let rest = Math.max(0, Math.round(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) parts.push(`${n} ${unit}`);
  }
  if (parts.length === 0) return '0 s';
  return parts.slice(0, 2).join(' ');
}

export interface Tile {
  label: string;
  value: string;
  detail: string;
}

/** The headline numbers, in the order the panel shows them. */
export function tiles(t: ReportTotals, fleet?: string): Tile[] {
  return [
    { label: 'CPU share saved', value: percentText(t.cpuShareSaved), detail: 'estimated: fixes × their function\'s share, plus regressions given back' },
    { label: 'Cores saved', value: coresText(t.coresSaved), detail: fleet ?? 'set hotpath.fleet.cores or the service\'s fleet config' },
    { label: 'Verified fixes', value: String(t.fixes), detail: `engine ${t.byProposer.engine} · model ${t.byProposer.model} · person ${t.byProposer.person}` },
    { label: 'From skills', value: percentText(t.skillShare), detail: `${t.fixesFromSkills} of ${t.fixes} fixes` },
    { label: 'Regressions resolved', value: String(t.regressionsResolved), detail: 'marked fixed in the service' },
    { label: 'Median time to mitigate', value: durationText(t.medianTimeToMitigateMs), detail: 'detected → fixed' },
  ];
}
