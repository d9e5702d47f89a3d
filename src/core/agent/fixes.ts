import { enclosingLoopAt, topLevelStatementAt, type FunctionRange } from '../code/symbols';
import { createEditProposal, type EditProposal } from '../edits/proposal';
import type { Finding } from '../skills';
import type { ToolContext } from '../tools/context';

/**
 * Mechanical fixes: generic code transforms that a skill's detector can name in its `fix`
 * field. The skill decides when a transform applies (its query and predicates); this module
 * only knows how to perform it safely, and declines whenever safety is not evident.
 */
export async function mechanicalFix(context: ToolContext, finding: Finding, text: string, range: FunctionRange | undefined): Promise<EditProposal | undefined> {
  const spec = context.skills.readSkill(finding.skill)?.detectors.find((d) => d.id === finding.detector);
  if (spec?.fix === 'hoist-constant') return hoistConstant(finding, text, range);
  if (spec?.fix === 'index-with-set') return indexWithSet(finding, text);
  return undefined;
}

/** Offsets of a 1-based (line, column) range in `text`. */
function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

/** Literal-only argument lists: strings, numbers, regex literals, commas. */
function literalOnly(args: string): boolean {
  const stripped = args
    .replace(/(["'`])(?:\\.|(?!\1)[^\\])*\1/g, (m) => (m.startsWith('`') && m.includes('${') ? 'X' : ''))
    .replace(/\b\d+(\.\d+)?\b/g, '')
    .replace(/\b(true|false|None|nil)\b/g, '');
  return /^[\s,()]*$/.test(stripped);
}

function constantName(fn: string | undefined, language: 'js' | 'python' | 'go'): string {
  const base = (fn ?? 'shared').replace(/[^A-Za-z0-9]/g, '') || 'shared';
  if (language === 'go') return `${base[0].toLowerCase()}${base.slice(1)}Pattern`;
  const upper = base.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
  return language === 'python' ? `_${upper}_PATTERN` : `${upper}_PATTERN`;
}

/**
 * Moves a constructor call with literal-only arguments (new RegExp('…', 'g'), re.compile(r'…'),
 * regexp.MustCompile("…")) out of the function into a module-level constant. Declines when the
 * arguments are not literals, or when a global/sticky JavaScript regex is used with exec/test
 * (its lastIndex would then be shared between calls).
 */
async function hoistConstant(finding: Finding, text: string, range: FunctionRange | undefined): Promise<EditProposal | undefined> {
  const language = /\.py$/.test(finding.file) ? 'python' : /\.go$/.test(finding.file) ? 'go' : /\.[cm]?[jt]sx?$/.test(finding.file) ? 'js' : undefined;
  if (!language) return undefined;
  const start = offsetOf(text, finding.line, finding.column);
  const end = offsetOf(text, finding.endLine, finding.endColumn);
  const expression = text.slice(start, end);
  const open = expression.indexOf('(');
  if (open < 0 || !expression.endsWith(')') || !literalOnly(expression.slice(open))) return undefined;
  if (language === 'js') {
    const flags = /,\s*(["'`])([a-z]*)\1\s*\)$/.exec(expression)?.[2] ?? '';
    const body = range ? text.split('\n').slice(range.startLine - 1, range.endLine).join('\n') : '';
    if (/[gy]/.test(flags) && /\.(exec|test)\s*\(/.test(body)) return undefined;
  }
  const statement = await topLevelStatementAt(finding.file, text, finding.line, finding.column);
  if (!statement || statement.startIndex >= start) return undefined;
  const name = constantName(range?.name, language);
  if (new RegExp(`\\b${name}\\b`).test(text)) return undefined;
  const declaration = language === 'python' ? `${name} = ${expression}\n\n\n` : language === 'go' ? `var ${name} = ${expression}\n\n` : `const ${name} = ${expression};\n\n`;
  const { oldText, newText } = uniqueReplacement(text, statement.startIndex, end, declaration + text.slice(statement.startIndex, start) + name);
  return createEditProposal(text, {
    file: finding.file,
    oldText,
    newText,
    rationale: `${finding.message} The arguments are literals, so one shared instance behaves the same.`,
    skill: finding.skill,
    expectedImpact: 'removes the construction cost from every call of the function',
  });
}

const MUTATORS = 'push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin';

/**
 * `xs.includes(v)` inside a loop → a `Set` built once before the loop and `xsSet.has(v)`.
 * Both use SameValueZero, so results are equal as long as `xs` is an array that the loop does
 * not change. Declines for member receivers, names that do not read as a collection (a string
 * receiver would mean substring search), receivers declared, assigned or mutated in the loop,
 * and lookups inside callbacks.
 */
async function indexWithSet(finding: Finding, text: string): Promise<EditProposal | undefined> {
  const start = offsetOf(text, finding.line, finding.column);
  const end = offsetOf(text, finding.endLine, finding.endColumn);
  const call = /^([A-Za-z_$][\w$]*)\.includes\(([\s\S]+)\)$/.exec(text.slice(start, end));
  if (!call) return undefined;
  const [, receiver, needle] = call;
  if (receiver.includes('$') || !/(s|List|Array|Ids|Keys|Names)$/.test(receiver) || hasTopLevelComma(needle)) return undefined;
  const loop = await enclosingLoopAt(finding.file, text, finding.line, finding.column);
  if (!loop) return undefined;
  const body = text.slice(loop.startIndex, loop.endIndex);
  const name = receiver;
  const changed = new RegExp(`\\b(?:const|let|var)\\s+${name}\\b|\\b${name}\\s*(?:[-+*/%]|\\?\\?|\\|\\||&&)?=(?!=)|\\b${name}\\.(?:${MUTATORS})\\s*\\(|\\b${name}\\.length\\s*=(?!=)|\\b${name}\\[[^\\]]*\\]\\s*=(?!=)`);
  if (changed.test(body)) return undefined;
  const setName = `${receiver}Set`;
  if (new RegExp(`\\b${setName}\\b`).test(text)) return undefined;
  const lineStart = text.lastIndexOf('\n', loop.startIndex - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart, loop.startIndex))?.[0] ?? '';
  const { oldText, newText } = uniqueReplacement(text, loop.startIndex, end, `const ${setName} = new Set(${receiver});\n${indent}${text.slice(loop.startIndex, start)}${setName}.has(${needle})`);
  return createEditProposal(text, {
    file: finding.file,
    oldText,
    newText,
    rationale: `${finding.message} \`${receiver}\` is not changed inside the loop, so a Set built once answers the same membership test in O(1) (assumes \`${receiver}\` is an array, not a string).`,
    skill: finding.skill,
    expectedImpact: `turns the O(n·m) membership tests against \`${receiver}\` into O(n + m)`,
  });
}

/** True when an argument list has a second argument (`includes(x, fromIndex)` means something else). */
function hasTopLevelComma(args: string): boolean {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) return true;
  }
  return false;
}

/**
 * An edit proposal names its place by quoting it, so the quoted text must be unique: widen the
 * replaced span backwards a line at a time (e.g. to the function header) until it is.
 */
function uniqueReplacement(text: string, start: number, end: number, replacement: string): { oldText: string; newText: string } {
  let from = start;
  let prefix = '';
  for (;;) {
    const oldText = text.slice(from, end);
    const first = text.indexOf(oldText);
    if (first === from && text.indexOf(oldText, first + 1) < 0) return { oldText, newText: prefix + replacement };
    if (from === 0) return { oldText, newText: prefix + replacement };
    const lineStart = text.lastIndexOf('\n', from - 2) + 1;
    prefix = text.slice(lineStart, from) + prefix;
    from = lineStart;
  }
}
