export interface Diagnostic {
  message: string;
  offset: number;
}

export function positions(text: string, diagnostics: Diagnostic[]) {
  return diagnostics.map((d) => {
    const line = text.slice(0, d.offset).split('\n').length; // hotpath-expect
    const lastNewline = text.lastIndexOf('\n', d.offset - 1);
    return { ...d, line, column: d.offset - lastNewline };
  });
}

export function lineOfToken(source: string, index: number): number {
  return (source.substring(0, index).match(/\n/g) || []).length + 1; // hotpath-expect
}
