/** Up to this many, the first items are picked in one pass; more are sorted. */
const KEEP_SORTED_UP_TO = 64;

/**
 * The first `top` of the ids 0…count-1 that `include` accepts, in `order` (a total order).
 * A few are kept in order as they are found: sorting 100 000 functions to show ten took
 * 20-50 ms of `hotpath profile summary`.
 */
export function topIds(count: number, include: (id: number) => boolean, order: (a: number, b: number) => number, top: number): number[] {
  const limit = Math.floor(top);
  if (limit > KEEP_SORTED_UP_TO) {
    const ids: number[] = [];
    for (let id = 0; id < count; id++) if (include(id)) ids.push(id);
    return ids.sort(order).slice(0, limit);
  }
  const best: number[] = [];
  if (limit <= 0) return best;
  for (let id = 0; id < count; id++) {
    if (!include(id) || (best.length === limit && order(id, best[limit - 1]) >= 0)) continue;
    if (best.length === limit) best.pop();
    let at = best.length;
    while (at > 0 && order(id, best[at - 1]) < 0) at--;
    best.splice(at, 0, id);
  }
  return best;
}

/** Code-unit order of two strings (the tie-break of every ranking). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
