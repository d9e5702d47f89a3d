/**
 * "Teach this to Hotpath": a verified fix becomes data the next scan uses. The before/after
 * files go into the workspace's `.hotpath/skills/<skill>/examples/`. For a built-in skill the
 * workspace folder gets a copy of its SKILL.md (the loader needs one per folder, and the copy
 * keeps the same detectors); for a pattern no skill knows, a draft SKILL.md is written that
 * passes the loader's validation, with a detector only when one generated from the
 * before/after provably fires on the before and not on the after.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { applyEditProposal, type EditProposal } from '../edits/proposal';
import { grammarForFile, loadSkills, runDetectors, workspaceSkillsDir, type GrammarId, type SkillLibrary } from '../skills/index';

export interface TeachInput {
  workspace: string;
  proposal: EditProposal;
  /** The whole file the proposal was made against. */
  before: string;
  /** The function the fix is in (for a draft's name and profile signal). */
  function: string;
  /** What the benchmark said, one line, for the draft's body. */
  verdict: string;
  /** Skills as loaded now (built-in and workspace), to tell a known skill from a new pattern. */
  library: SkillLibrary;
}

export interface TeachResult {
  skill: string;
  /** True when a draft SKILL.md was written for a new pattern. */
  draft: boolean;
  /** For a draft: whether a detector was generated (otherwise the draft says why not). */
  detector: boolean;
  folder: string;
  examples: string[];
}

// Whole files make the best examples (a detector needs the surrounding loop); a huge file is cut to its edit.
const MAX_EXAMPLE_BYTES = 64 * 1024;

export async function teachFix(input: TeachInput): Promise<TeachResult> {
  const { proposal } = input;
  const after = applyEditProposal(input.before, proposal);
  const whole = Buffer.byteLength(input.before) <= MAX_EXAMPLE_BYTES && Buffer.byteLength(after) <= MAX_EXAMPLE_BYTES;
  const beforeText = whole ? input.before : proposal.oldText;
  const afterText = whole ? after : proposal.newText;

  const known = proposal.skill ? input.library.readSkill(proposal.skill) : undefined;
  const name = known?.name ?? draftName(input.function, proposal.file);
  const folder = join(workspaceSkillsDir(input.workspace), name);
  await mkdir(join(folder, 'examples'), { recursive: true });
  const examples = await writeExamples(folder, proposal.file, beforeText, afterText);

  if (known) {
    if (!existsSync(join(folder, 'SKILL.md'))) await copyFile(known.file, join(folder, 'SKILL.md'));
    return { skill: name, draft: false, detector: known.detectors.length > 0, folder, examples };
  }
  if (existsSync(join(folder, 'SKILL.md'))) return { skill: name, draft: false, detector: false, folder, examples };
  const detector = await preciseDetector(name, proposal, beforeText, afterText);
  await writeFile(join(folder, 'SKILL.md'), draftSkill(name, input, detector), 'utf8');
  return { skill: name, draft: true, detector: detector !== undefined, folder, examples };
}

function draftName(fn: string, file: string): string {
  const base = (fn || basename(file, extname(file)))
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `taught-${base || 'fix'}`.slice(0, 64).replace(/-+$/, '');
}

/** Writes `taught-<n>-before<ext>` and `taught-<n>-after<ext>` with the next free n. */
async function writeExamples(folder: string, file: string, before: string, after: string): Promise<string[]> {
  const dir = join(folder, 'examples');
  const taken = new Set((await readdir(dir)).map((f) => /^taught-(\d+)-/.exec(f)?.[1]).filter((n): n is string => n !== undefined).map(Number));
  let n = 1;
  while (taken.has(n)) n++;
  const ext = extname(file) || '.txt';
  const out = [join(dir, `taught-${n}-before${ext}`), join(dir, `taught-${n}-after${ext}`)];
  await writeFile(out[0], before, 'utf8');
  await writeFile(out[1], after, 'utf8');
  return out;
}

interface DraftDetector {
  id: string;
  grammars: GrammarId[];
  query: string;
  method: string;
}

const jsGrammars: GrammarId[] = ['javascript', 'typescript', 'tsx'];

/**
 * A detector for a method call the fix removed from a loop (`x.includes(y)` inside a loop,
 * gone after): kept only when it fires on the edited lines of the before and nowhere in the
 * after, checked by running it. Other languages and shapes get no detector.
 */
async function preciseDetector(name: string, proposal: EditProposal, before: string, after: string): Promise<DraftDetector | undefined> {
  const grammar = grammarForFile(proposal.file);
  if (!grammar || !jsGrammars.includes(grammar)) return undefined;
  const removed = [...new Set([...proposal.oldText.matchAll(/\.([A-Za-z_$][\w$]*)\s*\(/g)].map((m) => m[1]))].filter(
    (m) => !new RegExp(`\\.${m.replace(/\$/g, '\\$')}\\s*\\(`).test(proposal.newText),
  );
  for (const method of removed) {
    const candidate: DraftDetector = {
      id: `removed-${method.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'call'}-in-loop`,
      grammars: jsGrammars,
      method,
      query: `((call_expression function: (member_expression property: (property_identifier) @method)) @report (#eq? @method "${method}") (#inside-loop? @report))`,
    };
    if (await firesOnlyOnBefore(name, candidate, proposal, before, after)) return candidate;
  }
  return undefined;
}

async function firesOnlyOnBefore(name: string, d: DraftDetector, proposal: EditProposal, before: string, after: string): Promise<boolean> {
  const scratch = await mkdtemp(join(tmpdir(), 'hotpath-teach-'));
  try {
    await mkdir(join(scratch, name));
    await writeFile(join(scratch, name, 'SKILL.md'), draftSkill(name, { function: 'f', proposal, verdict: '' }, d), 'utf8');
    const library = await loadSkills([scratch]);
    if (!library.readSkill(name)) return false;
    const file = `example${extname(proposal.file)}`;
    const [b, a] = await Promise.all([runDetectors(library, [{ path: file, text: before }]), runDetectors(library, [{ path: file, text: after }])]);
    // The edited lines: where the proposal says in a whole file, the top of a cut-down example.
    const first = before === proposal.oldText ? 1 : proposal.startLine;
    const last = first + proposal.endLine - proposal.startLine;
    const inEdit = b.findings.some((f) => f.line >= first && f.line <= last);
    return inEdit && a.findings.length === 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const yamlString = (s: string) => JSON.stringify(s);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function draftSkill(name: string, input: Pick<TeachInput, 'function' | 'proposal' | 'verdict'>, detector: DraftDetector | undefined): string {
  const { proposal } = input;
  const grammar = grammarForFile(proposal.file);
  const language = grammar === 'tsx' ? 'typescript' : grammar ?? 'any';
  const where = `${input.function} (${proposal.file}:${proposal.startLine})`;
  const lines = [
    '---',
    `name: ${name}`,
    `description: ${yamlString(`Draft taught from a verified fix of ${where}. Use when a profile shows time in ${input.function} or code repeats the pattern of the examples.`)}`,
    'metadata:',
    `  languages: [${language}]`,
    '  severity: info',
    '  tools: [get_hot_lines, read_file, propose_edit, run_benchmark]',
    '  signals:',
    `    - frame: ${yamlString(`^${escapeRegex(input.function)}$`)}`,
    `      meaning: ${yamlString(`The function a verified fix made faster${input.verdict ? ` (${input.verdict})` : ''}.`)}`,
  ];
  if (detector) {
    lines.push(
      '  detectors:',
      `    - id: ${detector.id}`,
      `      grammars: [${detector.grammars.join(', ')}]`,
      '      capture: report',
      `      message: ${yamlString(`\`.${detector.method}()\` inside a loop: the verified fix in ${where} removed this call from the loop.`)}`,
      `      query: ${yamlString(detector.query)}`,
    );
  }
  lines.push(
    '---',
    '',
    `# ${name} (draft)`,
    '',
    `Taught by "Teach this to Hotpath" from a fix whose before/after benchmark said: ${input.verdict || 'faster'}. Review and rename it, then describe the pattern in general terms.`,
    '',
    detector
      ? `The detector \`${detector.id}\` was generated from the before/after: it reports \`.${detector.method}()\` calls inside loops, fired on the edited lines of the before and not on the after.`
      : 'No detector was generated: no query derived from this before/after could be shown to fire on the before and not on the after, so only the profile signal finds the function again. Write a detector query by hand once the pattern is clear.',
    '',
    '## When to use',
    '',
    `When a profile shows time in \`${input.function}\`, or in code shaped like \`examples/\`'s before file.`,
    '',
    '## Evidence to collect',
    '',
    'The function\'s self and total share in the profile, and its hot lines.',
    '',
    '## Procedure',
    '',
    'Compare the hot code with the examples\' before file; when it matches, apply the same change.',
    '',
    '## Edit pattern',
    '',
    'The change from the before to the after example:',
    '',
    '```diff',
    proposal.diff.trimEnd(),
    '```',
    '',
    '## Verify',
    '',
    'Run the benchmark before and after (`hotpath verify`); keep the edit only when it is faster.',
    '',
  );
  return lines.join('\n');
}
