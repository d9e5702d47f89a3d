export interface Diagnostic {
  message: string;
  offset: number;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export function positions(text: string, diagnostics: Diagnostic[]) {
  const starts = lineStarts(text);
  return diagnostics.map((d) => {
    const line = lineOf(starts, d.offset);
    return { ...d, line, column: d.offset - starts[line - 1] + 1 };
  });
}

export function wordCount(text: string): number {
  return text.split(/\s+/).length;
}
