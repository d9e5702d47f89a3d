import { topLevelStatementAt, type FunctionRange } from '../code/symbols';
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
  const oldText = text.slice(statement.startIndex, end);
  const newText = declaration + text.slice(statement.startIndex, start) + name;
  return createEditProposal(text, {
    file: finding.file,
    oldText,
    newText,
    rationale: `${finding.message} The arguments are literals, so one shared instance behaves the same.`,
    skill: finding.skill,
    expectedImpact: 'removes the construction cost from every call of the function',
  });
}
