import { readFile } from 'node:fs/promises';
import { Parser, type Node, type Tree } from 'web-tree-sitter';
import { grammarForFile, grammarsOfLanguage, loadGrammar, type GrammarId } from './grammars';
import type { CombinedQuery, SkillLibrary } from './library';
import { PredicateContext } from './predicates';
import type { Severity } from './schema';

/** A place in code that matches a skill's detector. Lines and columns are 1-based. */
export interface Finding {
  skill: string;
  detector: string;
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  message: string;
  severity: Severity;
}

/** A file the detectors could not read or parse completely. */
export interface ScanError {
  file: string;
  message: string;
}

export interface SourceText {
  path: string;
  text: string;
}

export interface DetectorOptions {
  /** Only these skills (all when omitted). */
  skills?: readonly string[];
  /** Only files of these languages (javascript, typescript, python, go, java). */
  languages?: readonly string[];
  /** Files larger than this are skipped and reported (default 2 MB: generated or minified code). */
  maxBytes?: number;
}

export interface DetectorResult {
  findings: Finding[];
  errors: ScanError[];
  /** Files parsed and checked. */
  filesScanned: number;
  /** Lines in those files. */
  linesScanned: number;
}

const parsers = new Map<GrammarId, Parser>();

async function parserFor(grammar: GrammarId): Promise<Parser> {
  let parser = parsers.get(grammar);
  if (!parser) {
    const language = await loadGrammar(grammar);
    parser = new Parser();
    parser.setLanguage(language);
    parsers.set(grammar, parser);
  }
  return parser;
}

/** The first syntax error of a tree, as a 1-based line, or undefined. */
function firstSyntaxError(tree: Tree): number | undefined {
  if (!tree.rootNode.hasError) return undefined;
  const cursor = tree.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) return node.startPosition.row + 1;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return tree.rootNode.startPosition.row + 1;
      }
    }
  } finally {
    cursor.delete();
  }
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Runs the skills' tree-sitter detectors over files (paths are read from disk; `{path, text}`
 * entries are used as given). A file that cannot be read or parsed is reported in `errors`
 * and never stops the run.
 */
export async function runDetectors(library: SkillLibrary, files: readonly (string | SourceText)[], options: DetectorOptions = {}): Promise<DetectorResult> {
  const skillSet = options.skills ? new Set(options.skills) : undefined;
  if (skillSet) {
    const unknown = [...skillSet].filter((s) => !library.readSkill(s));
    if (unknown.length) throw new Error(`unknown skill(s): ${unknown.join(', ')}; known: ${library.listSkills().map((s) => s.name).join(', ')}`);
  }
  const grammarFilter = options.languages ? new Set(options.languages.flatMap((l) => grammarsOfLanguage[l] ?? [])) : undefined;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const result: DetectorResult = { findings: [], errors: [], filesScanned: 0, linesScanned: 0 };

  for (const input of files) {
    const path = typeof input === 'string' ? input : input.path;
    const grammar = grammarForFile(path);
    if (!grammar || (grammarFilter && !grammarFilter.has(grammar))) continue;
    const detectors = library.detectorsFor(grammar, skillSet);
    if (detectors.length === 0) continue;
    let text: string;
    try {
      text = typeof input === 'string' ? await readFile(input, 'utf8') : input.text;
    } catch (e) {
      result.errors.push({ file: path, message: `cannot read: ${(e as Error).message}` });
      continue;
    }
    if (text.length > maxBytes) {
      result.errors.push({ file: path, message: `skipped: ${Math.round(text.length / 1024)} KB is larger than the ${Math.round(maxBytes / 1024)} KB limit (generated or minified code?)` });
      continue;
    }
    const parser = await parserFor(grammar);
    const tree = parser.parse(text);
    if (!tree) {
      result.errors.push({ file: path, message: `${grammar}: the parser gave up on this file` });
      continue;
    }
    try {
      const errorLine = firstSyntaxError(tree);
      if (errorLine !== undefined) {
        result.errors.push({ file: path, message: `${grammar}: syntax error at line ${errorLine}; findings near it may be missing` });
      }
      result.filesScanned++;
      result.linesScanned += lineCount(text);
      result.findings.push(...detectInTree(await library.combinedQuery(grammar, detectors), tree, text, path, grammar));
    } finally {
      tree.delete();
    }
  }
  result.findings.sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
  return result;
}

function detectInTree({ query, detectors, offsets }: CombinedQuery, tree: Tree, text: string, path: string, grammar: GrammarId): Finding[] {
  const context = new PredicateContext(tree, text, grammar);
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const match of query.matches(tree.rootNode)) {
    let d = offsets.length - 1;
    while (offsets[d] > match.patternIndex) d--;
    const detector = detectors[d];
    const captures = new Map<string, Node>();
    for (const c of match.captures) if (!captures.has(c.name)) captures.set(c.name, c.node);
    const reported = captures.get(detector.spec.capture);
    if (!reported) continue;
    if (!query.predicatesForPattern(match.patternIndex).every((p) => context.evaluate(p, captures))) continue;
    const key = `${detector.skill.name}:${reported.startIndex}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      skill: detector.skill.name,
      detector: detector.spec.id,
      file: path,
      line: reported.startPosition.row + 1,
      endLine: reported.endPosition.row + 1,
      column: reported.startPosition.column + 1,
      endColumn: reported.endPosition.column + 1,
      message: detector.spec.message,
      severity: detector.spec.severity ?? detector.skill.severity,
    });
  }
  return findings;
}
