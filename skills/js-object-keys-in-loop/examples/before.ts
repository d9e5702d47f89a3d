export function toCsv(rows: Record<string, unknown>[], columns: Record<string, string>): string {
  const lines: string[] = [];
  for (const row of rows) {
    const cells = Object.keys(columns).map((c) => String(row[c] ?? '')); // hotpath-expect
    lines.push(cells.join(','));
  }
  return lines.join('\n');
}

export function known(fields: string[], schema: { properties: Record<string, unknown> }): string[] {
  return fields.filter((f) => Object.keys(schema.properties).includes(f)); // hotpath-expect
}

export function header(columns: Record<string, string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < Object.keys(columns).length; i++) out.push(columns[Object.keys(columns)[i]]); // hotpath-expect
  return out;
}
