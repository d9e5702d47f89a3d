interface Candidate {
  id: string;
  score: number;
}

export function assign(queries: string[], candidates: Candidate[]): Map<string, string> {
  const best = candidates.reduce((a, b) => (b.score > a.score ? b : a));
  const out = new Map<string, string>();
  for (const q of queries) out.set(q, best.id);
  return out;
}

export function insertAll(sorted: number[], values: number[]): number[] {
  sorted.push(...values);
  return sorted.sort((a, b) => a - b);
}

export function sortGroups(groups: { items: number[] }[]): void {
  // each group's own list: one sort per group is the necessary work
  for (const group of groups) group.items.sort((a, b) => a - b);
}
