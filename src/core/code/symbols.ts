import { Parser, Query, type Language } from 'web-tree-sitter';
import type { WorkspaceFiles } from '../profile/sourcemap';
import { grammarForFile, loadGrammar, type GrammarId } from '../skills/grammars';
import type { LanguageServer, ReferenceLocation, SymbolLocation } from '../tools/context';

/** A function-like definition in a file, 1-based inclusive lines. */
export interface FunctionRange {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
}

// Definitions per grammar: @def spans the definition, @name is its name.
const definitionQueries: Record<GrammarId, string> = {
  javascript: `
    (function_declaration name: (identifier) @name) @def
    (generator_function_declaration name: (identifier) @name) @def
    (method_definition name: (_) @name) @def
    (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def
    (assignment_expression left: (member_expression property: (property_identifier) @name) right: [(arrow_function) (function_expression)]) @def
    (pair key: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def
    (class_declaration name: (identifier) @name) @def`,
  typescript: '',
  tsx: '',
  python: `
    (function_definition name: (identifier) @name) @def
    (class_definition name: (identifier) @name) @def`,
  go: `
    (function_declaration name: (identifier) @name) @def
    (method_declaration name: (field_identifier) @name) @def`,
  java: `
    (method_declaration name: (identifier) @name) @def
    (constructor_declaration name: (identifier) @name) @def
    (class_declaration name: (identifier) @name) @def`,
};
definitionQueries.typescript = definitionQueries.javascript.replace('(class_declaration name: (identifier) @name) @def', '(class_declaration name: (type_identifier) @name) @def');
definitionQueries.tsx = definitionQueries.typescript;

const tools = new Map<GrammarId, Promise<{ parser: Parser; query: Query }>>();

function toolsFor(grammar: GrammarId): Promise<{ parser: Parser; query: Query }> {
  let t = tools.get(grammar);
  if (!t) {
    t = loadGrammar(grammar).then((language: Language) => {
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser, query: new Query(language, definitionQueries[grammar]) };
    });
    tools.set(grammar, t);
  }
  return t;
}

/** Function, method and class definitions of a source file (empty for unknown languages). */
export async function functionRanges(path: string, text: string): Promise<FunctionRange[]> {
  const grammar = grammarForFile(path);
  if (!grammar) return [];
  const { parser, query } = await toolsFor(grammar);
  const tree = parser.parse(text);
  if (!tree) return [];
  try {
    const out: FunctionRange[] = [];
    for (const match of query.matches(tree.rootNode)) {
      const def = match.captures.find((c) => c.name === 'def')?.node;
      const name = match.captures.find((c) => c.name === 'name')?.node;
      if (!def || !name) continue;
      out.push({ name: name.text, kind: def.type.replace(/_(declaration|definition|declarator)$/, ''), startLine: def.startPosition.row + 1, endLine: def.endPosition.row + 1 });
    }
    return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  } finally {
    tree.delete();
  }
}

/** The innermost function range that contains `line`. */
export function enclosingFunction(ranges: readonly FunctionRange[], line: number): FunctionRange | undefined {
  let best: FunctionRange | undefined;
  for (const r of ranges) {
    if (r.kind === 'class') continue;
    if (r.startLine <= line && line <= r.endLine && (!best || r.endLine - r.startLine < best.endLine - best.startLine)) best = r;
  }
  return best;
}

/**
 * The CLI's language server: definitions from syntax trees, references from a word search
 * that skips the definitions themselves. VS Code's real language server replaces it in the
 * extension.
 */
export class TreeSitterLanguageServer implements LanguageServer {
  constructor(private readonly files: WorkspaceFiles) {}

  private candidates(file?: string): string[] {
    return (file ? [file] : this.files.list()).filter((f) => grammarForFile(f) !== undefined);
  }

  async findSymbol(name: string, options: { file?: string } = {}): Promise<SymbolLocation[]> {
    const short = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
    const out: SymbolLocation[] = [];
    for (const file of this.candidates(options.file)) {
      const text = this.files.read(file);
      if (!text || !text.includes(short)) continue;
      for (const r of await functionRanges(file, text)) if (r.name === short) out.push({ name: r.name, kind: r.kind, file, line: r.startLine, endLine: r.endLine });
    }
    return out;
  }

  async findReferences(name: string, _options: { file?: string } = {}): Promise<ReferenceLocation[]> {
    const short = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
    const word = new RegExp(`(^|[^\\w$])${short.replace(/[$]/g, '\\$')}($|[^\\w$])`);
    const defs = new Set((await this.findSymbol(name)).map((d) => `${d.file}:${d.line}`));
    const out: ReferenceLocation[] = [];
    for (const file of this.candidates()) {
      const text = this.files.read(file);
      if (!text || !text.includes(short)) continue;
      text.split('\n').forEach((line, i) => {
        if (word.test(line) && !defs.has(`${file}:${i + 1}`)) out.push({ file, line: i + 1, text: line });
      });
    }
    return out;
  }
}

/**
 * The top-level statement (a child of the program node) that contains a 1-based position:
 * where a hoisted constant can be declared just before. Undefined for unknown languages.
 */
export async function topLevelStatementAt(path: string, text: string, line: number, column: number): Promise<{ startIndex: number; startLine: number; type: string } | undefined> {
  const grammar = grammarForFile(path);
  if (!grammar) return undefined;
  const { parser } = await toolsFor(grammar);
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    let node = tree.rootNode.descendantForPosition({ row: line - 1, column: Math.max(0, column - 1) });
    while (node && node.parent && node.parent.id !== tree.rootNode.id) node = node.parent;
    if (!node || node.id === tree.rootNode.id) return undefined;
    // Keep a doc comment or decorator directly above the statement attached to it.
    let start = node;
    for (let prev = start.previousSibling; prev && prev.type === 'comment' && prev.endPosition.row >= start.startPosition.row - 1; prev = prev.previousSibling) start = prev;
    return { startIndex: start.startIndex, startLine: start.startPosition.row + 1, type: node.type };
  } finally {
    tree.delete();
  }
}

const LOOP_TYPES = new Set(['for_statement', 'for_in_statement', 'for_of_statement', 'while_statement', 'do_statement']);
const FUNCTION_TYPES = new Set(['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration', 'function']);

/**
 * The innermost loop statement around a 1-based position, stopping at the enclosing function
 * (a callback's body is not the loop's body). JavaScript/TypeScript only.
 */
export async function enclosingLoopAt(path: string, text: string, line: number, column: number): Promise<{ startIndex: number; endIndex: number; startLine: number } | undefined> {
  const grammar = grammarForFile(path);
  if (grammar !== 'javascript' && grammar !== 'typescript' && grammar !== 'tsx') return undefined;
  const { parser } = await toolsFor(grammar);
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    for (let node = tree.rootNode.descendantForPosition({ row: line - 1, column: Math.max(0, column - 1) }); node; node = node.parent) {
      if (FUNCTION_TYPES.has(node.type)) return undefined;
      if (LOOP_TYPES.has(node.type)) return { startIndex: node.startIndex, endIndex: node.endIndex, startLine: node.startPosition.row + 1 };
    }
    return undefined;
  } finally {
    tree.delete();
  }
}
