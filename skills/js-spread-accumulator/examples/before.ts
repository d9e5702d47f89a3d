interface Item {
  id: string;
  tags: string[];
}

export function indexById(items: Item[]): Record<string, Item> {
  return items.reduce((acc, item) => ({ ...acc, [item.id]: item }), {} as Record<string, Item>); // hotpath-expect
}

export function allTags(items: Item[]): string[] {
  return items.reduce((tags: string[], item) => { // hotpath-expect
    return [...tags, ...item.tags];
  }, []);
}

export function collect(pages: Item[][]): Item[] {
  let all: Item[] = [];
  for (const page of pages) {
    all = [...all, ...page]; // hotpath-expect
  }
  return all;
}

export function concatAll(chunks: number[][]): number[] {
  let out: number[] = [];
  chunks.forEach((chunk) => {
    out = out.concat(chunk); // hotpath-expect
  });
  return out;
}
