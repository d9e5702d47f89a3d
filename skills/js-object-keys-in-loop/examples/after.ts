export function toCsv(rows: Record<string, unknown>[], columns: Record<string, string>): string {
  const names = Object.keys(columns);
  const lines: string[] = [];
  for (const row of rows) lines.push(names.map((c) => String(row[c] ?? '')).join(','));
  return lines.join('\n');
}

export function known(fields: string[], schema: { properties: Record<string, unknown> }): string[] {
  return fields.filter((f) => Object.hasOwn(schema.properties, f));
}

export function widths(rows: Record<string, string>[]): number[] {
  // the keys of each row are per-element work
  return rows.map((row) => Object.keys(row).length);
}
