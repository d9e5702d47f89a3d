interface Item {
  id: string;
  tags: string[];
}

export function indexById(items: Item[]): Record<string, Item> {
  return Object.fromEntries(items.map((item) => [item.id, item]));
}

export function allTags(items: Item[]): string[] {
  return items.flatMap((item) => item.tags);
}

export function collect(pages: Item[][]): Item[] {
  const all: Item[] = [];
  for (const page of pages) all.push(...page);
  return all;
}

export function markDone(items: Item[]): (Item & { done: boolean })[] {
  // a fixed-size copy per element is linear, not an accumulator
  return items.map((item) => ({ ...item, done: true }));
}

export function merged(base: Record<string, number>, extra: Record<string, number>): Record<string, number> {
  let result = { ...base };
  result = { ...result, ...extra };
  return result;
}
