/**
 * Where a frame's source lives, decided without vscode so it can be unit-tested: runtime
 * frames (node:internal, V8 builtins) versus paths, the best workspace candidate for a path
 * recorded on another machine, and the 1-based line to show.
 */
import type { Frame, LineWeights } from '../../core/profile/model';

export type FrameSource =
  | { kind: 'path'; path: string }
  | { kind: 'unavailable'; reason: string };

/** Classifies a frame's `file`: a local path (from a path or file:// URL) or why there is none. */
export function frameSource(frame: Frame): FrameSource {
  const file = frame.file?.trim();
  if (!file) return { kind: 'unavailable', reason: `${frame.name || '(anonymous)'} has no source file in the profile` };
  if (/^file:\/\//i.test(file)) {
    try {
      return { kind: 'path', path: decodeURIComponent(new URL(file).pathname).replace(/^\/([a-zA-Z]:\/)/, '$1') };
    } catch {
      return { kind: 'unavailable', reason: `${file} is not a valid file URL` };
    }
  }
  if (/^(node|internal|native|wasm|v8|chrome-extension|extensions)[:/]/i.test(file)) {
    return { kind: 'unavailable', reason: `${file} is part of the runtime, not a source file in the workspace` };
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(file)) {
    return { kind: 'unavailable', reason: `${file} is a URL; its source is not in the workspace` };
  }
  return { kind: 'path', path: file };
}

function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((s) => s && s !== '.');
}

/** Number of trailing path segments two paths share. */
export function sharedSuffix(a: string, b: string): number {
  const x = segments(a);
  const y = segments(b);
  let n = 0;
  while (n < x.length && n < y.length && x[x.length - 1 - n] === y[y.length - 1 - n]) n++;
  return n;
}

/**
 * The candidate that shares the longest path suffix with `framePath` (at least the file name),
 * so a profile recorded in /build/app/src/x.js finds <workspace>/src/x.js. Ties keep the first.
 */
export function bestSuffixMatch(framePath: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const score = sharedSuffix(framePath, c);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The 1-based line and column to reveal: the line with the most self weight when the profile
 * recorded lines for this frame, else the frame's own line, else the top of the file.
 */
export function lineToReveal(frame: Frame, lineSelf: LineWeights | undefined): { line: number; column: number } {
  let hottest = 0;
  let weight = 0;
  for (const [line, w] of lineSelf ?? []) {
    if (w > weight) {
      weight = w;
      hottest = line;
    }
  }
  if (hottest > 0) return { line: hottest, column: 1 };
  return { line: frame.line && frame.line > 0 ? frame.line : 1, column: frame.column && frame.column > 0 ? frame.column : 1 };
}
