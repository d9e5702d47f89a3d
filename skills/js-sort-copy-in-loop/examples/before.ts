interface Candidate {
  id: string;
  score: number;
}

export function assign(queries: string[], candidates: Candidate[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const q of queries) {
    const ranked = candidates.slice().sort((a, b) => b.score - a.score); // hotpath-expect
    out.set(q, ranked[0].id);
  }
  return out;
}

export function insertAll(sorted: number[], values: number[]): number[] {
  for (const v of values) {
    sorted.push(v);
    sorted.sort((a, b) => a - b); // hotpath-expect
  }
  return sorted;
}

export function newestFirst(rows: { at: number }[], times: number) {
  const views = [];
  for (let i = 0; i < times; i++) views.push([...rows].reverse()); // hotpath-expect
  return views;
}
