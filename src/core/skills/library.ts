import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import YAML from 'yaml';
import { Query, type Language } from 'web-tree-sitter';
import type { z } from 'zod';
import { loadGrammar, type GrammarId } from './grammars';
import { predicateProblem } from './predicates';
import { requiredSections, SkillFrontMatterSchema, type DetectorSpec, type ProfileSignal, type Severity } from './schema';

export interface Skill {
  name: string;
  description: string;
  languages: string[];
  severity: Severity;
  tools: string[];
  signals: ProfileSignal[];
  detectors: DetectorSpec[];
  /** Markdown body after the front matter. */
  body: string;
  /** Absolute path of SKILL.md. */
  file: string;
  /** Example files (absolute paths) found in `examples/`. */
  examples: string[];
}

/** A skill that could not be loaded: the file and why. */
export interface SkillLoadError {
  file: string;
  message: string;
}

/** One detector of a skill, for one grammar. */
export interface CompiledDetector {
  skill: Skill;
  spec: DetectorSpec;
  grammar: GrammarId;
}

/**
 * One query holding the patterns of several detectors of one grammar, so a file is walked
 * once; `offsets[i]` is the first pattern index of `detectors[i]`.
 */
export interface CombinedQuery {
  query: Query;
  detectors: CompiledDetector[];
  offsets: number[];
}

/** The built-in `skills/` folder: the nearest ancestor of this module that has one next to package.json. */
export function builtinSkillsDir(from: string = __dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'skills'))) return join(dir, 'skills');
    if (dirname(dir) === dir) throw new Error(`no skills/ folder found above ${from}`);
  }
}

/** Skill folders of a workspace: `.hotpath/skills/`. */
export function workspaceSkillsDir(workspace: string): string {
  return join(workspace, '.hotpath', 'skills');
}

function zodReason(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'front matter'}: ${i.message}`)
    .join('; ');
}

/** Splits `---\nYAML\n---\nbody`; undefined when the file has no front matter. */
function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  return { yaml: m[1], body: text.slice(m[0].length) };
}

/** Skills loaded from folders, with their compiled detectors and the files that failed. */
export class SkillLibrary {
  private readonly byName = new Map<string, Skill>();
  private detectors: CompiledDetector[] = [];
  private readonly combined = new Map<string, CombinedQuery>();
  readonly errors: SkillLoadError[] = [];

  /** Every skill, sorted by name. */
  listSkills(): Skill[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** One skill by name, or undefined. */
  readSkill(name: string): Skill | undefined {
    return this.byName.get(name);
  }

  /** The full SKILL.md text (front matter and body) of a skill, for a model to read. */
  async readSkillText(name: string): Promise<string | undefined> {
    const skill = this.byName.get(name);
    return skill ? readFile(skill.file, 'utf8') : undefined;
  }

  /** Detectors of the given skills (all when omitted) for `grammar`. */
  detectorsFor(grammar: GrammarId, skills?: ReadonlySet<string>): CompiledDetector[] {
    return this.detectors.filter((d) => d.grammar === grammar && (!skills || skills.has(d.skill.name)));
  }

  /** The combined query of `detectors` (all for one grammar), compiled once per selection. */
  async combinedQuery(grammar: GrammarId, detectors: CompiledDetector[]): Promise<CombinedQuery> {
    const key = `${grammar}|${detectors.map((d) => `${d.skill.name}/${d.spec.id}`).join(',')}`;
    let entry = this.combined.get(key);
    if (!entry) {
      entry = combine(await loadGrammar(grammar), detectors);
      this.combined.set(key, entry);
    }
    return entry;
  }

  /** Loads one folder of skill folders; a missing folder is not an error. Call `compile()` afterwards. */
  async addDir(dir: string): Promise<void> {
    let entries: string[];
    try {
      entries = (await readdir(dir)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.errors.push({ file: dir, message: `cannot read skills folder: ${(e as Error).message}` });
      return;
    }
    for (const entry of entries) {
      const folder = join(dir, entry);
      const file = join(folder, 'SKILL.md');
      if (!(await stat(folder)).isDirectory()) continue;
      if (!existsSync(file)) {
        this.errors.push({ file: folder, message: 'skill folder has no SKILL.md' });
        continue;
      }
      try {
        // a later folder (the workspace) overrides a built-in skill of the same name
        const skill = await readSkillFolder(folder, file, entry);
        this.byName.set(skill.name, skill);
      } catch (e) {
        this.errors.push({ file, message: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  /**
   * Compiles every detector, one combined query per grammar (far cheaper than one query per
   * detector). A detector that breaks the combined query is found by compiling the detectors
   * one by one; its skill is reported in `errors` and left out.
   */
  async compile(): Promise<void> {
    this.combined.clear();
    const all = this.listSkills().flatMap((skill) => skill.detectors.flatMap((spec) => spec.grammars.map((grammar) => ({ skill, spec, grammar }))));
    const broken = new Map<Skill, string>();
    for (const grammar of new Set(all.map((d) => d.grammar))) {
      const language = await loadGrammar(grammar);
      let detectors = all.filter((d) => d.grammar === grammar);
      for (;;) {
        let entry: CombinedQuery;
        try {
          entry = combine(language, detectors);
        } catch {
          for (const d of detectors) {
            const problem = detectorProblem(language, d);
            if (problem && !broken.has(d.skill)) broken.set(d.skill, problem);
          }
          const before = detectors.length;
          detectors = detectors.filter((d) => !broken.has(d.skill));
          // unreachable unless the combination itself fails: give up on this grammar rather than loop
          if (detectors.length === before) break;
          continue;
        }
        const problems = shapeProblems(entry);
        if (problems.size === 0) {
          if (detectors.length) this.combined.set(`${grammar}|${detectors.map((d) => `${d.skill.name}/${d.spec.id}`).join(',')}`, entry);
          break;
        }
        entry.query.delete();
        for (const [skill, problem] of problems) if (!broken.has(skill)) broken.set(skill, problem);
        detectors = detectors.filter((d) => !broken.has(d.skill));
      }
    }
    for (const [skill, problem] of broken) {
      this.byName.delete(skill.name);
      this.errors.push({ file: skill.file, message: problem });
    }
    this.detectors = all.filter((d) => !broken.has(d.skill));
  }
}

async function readSkillFolder(folder: string, file: string, folderName: string): Promise<Skill> {
  const text = await readFile(file, 'utf8');
  const parts = splitFrontMatter(text);
  if (!parts) throw new Error('SKILL.md must start with YAML front matter between "---" lines');
  const doc = YAML.parseDocument(parts.yaml, { prettyErrors: false });
  if (doc.errors.length) {
    const err = doc.errors[0];
    // +1 for the opening "---": the line number is the one in SKILL.md
    const line = parts.yaml.slice(0, err.pos[0]).split('\n').length + 1;
    throw new Error(`invalid YAML front matter at line ${line}: ${err.message.split('\n')[0]}`);
  }
  const parsed = SkillFrontMatterSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new Error(`invalid front matter: ${zodReason(parsed.error)}`);
  const fm = parsed.data;
  if (fm.name !== folderName) throw new Error(`name "${fm.name}" must equal its folder name "${folderName}"`);
  const missing = requiredSections.filter((s) => !new RegExp(`^##\\s+${s}\\b`, 'mi').test(parts.body));
  if (missing.length) throw new Error(`body is missing section(s): ${missing.map((s) => `"## ${s}"`).join(', ')}`);
  const ids = new Set<string>();
  for (const d of fm.metadata.detectors) {
    if (ids.has(d.id)) throw new Error(`detector id "${d.id}" is used twice`);
    ids.add(d.id);
  }
  let examples: string[] = [];
  try {
    examples = (await readdir(join(folder, 'examples'))).sort().map((f) => join(folder, 'examples', f));
  } catch {
    // examples are optional for workspace skills; the built-in tests require them
  }
  return {
    name: fm.name,
    description: fm.description.trim(),
    languages: fm.metadata.languages,
    severity: fm.metadata.severity,
    tools: fm.metadata.tools,
    signals: fm.metadata.signals,
    detectors: fm.metadata.detectors,
    body: parts.body,
    file,
    examples,
  };
}

/** Compiles the detectors' queries as one; throws when any of them does not compile. */
function combine(language: Language, detectors: CompiledDetector[]): CombinedQuery {
  const sources = detectors.map((d) => d.spec.query);
  const query = new Query(language, sources.join('\n'));
  // pattern i belongs to the detector whose source holds the pattern's first byte
  const starts: number[] = [];
  let byte = 0;
  for (const source of sources) {
    starts.push(byte);
    byte += Buffer.byteLength(source) + 1;
  }
  const offsets = detectors.map(() => -1);
  for (let i = query.patternCount() - 1; i >= 0; i--) {
    const at = query.startIndexForPattern(i);
    let d = starts.length - 1;
    while (starts[d] > at) d--;
    offsets[d] = i;
  }
  return { query, detectors, offsets };
}

/** Why one detector does not compile for its grammar, or undefined. */
function detectorProblem(language: Language, d: CompiledDetector): string | undefined {
  try {
    new Query(language, d.spec.query).delete();
    return undefined;
  } catch (e) {
    return `detector "${d.spec.id}" (${d.grammar}): query does not compile: ${(e as Error).message}`;
  }
}

/** Detectors whose capture is missing or whose predicates are malformed, by skill. */
function shapeProblems(entry: CombinedQuery): Map<Skill, string> {
  const problems = new Map<Skill, string>();
  const { query, detectors, offsets } = entry;
  const total = query.patternCount();
  detectors.forEach((d, i) => {
    const where = `detector "${d.spec.id}" (${d.grammar})`;
    const first = offsets[i];
    const end = i + 1 < offsets.length ? offsets[i + 1] : total;
    if (first < 0) {
      problems.set(d.skill, `${where}: the query has no pattern`);
      return;
    }
    const captures = new Set<string>();
    for (const m of d.spec.query.matchAll(/@([\w.-]+)/g)) captures.add(m[1]);
    if (!captures.has(d.spec.capture)) {
      problems.set(d.skill, `${where}: capture "@${d.spec.capture}" is not in the query (captures: ${[...captures].map((c) => `@${c}`).join(', ') || 'none'})`);
      return;
    }
    for (let p = first; p < end; p++) {
      for (const predicate of query.predicatesForPattern(p)) {
        const problem = predicateProblem(predicate);
        if (problem) {
          problems.set(d.skill, `${where}: ${problem}`);
          return;
        }
      }
    }
  });
  return problems;
}

/**
 * Loads skills from folders in order (built-in first, then workspace ones, which override a
 * built-in of the same name). Broken skills land in `errors`; loading never throws.
 */
export async function loadSkills(dirs: string[]): Promise<SkillLibrary> {
  const library = new SkillLibrary();
  for (const dir of dirs) await library.addDir(dir);
  await library.compile();
  return library;
}

/** Skills for a workspace: the built-in ones plus `.hotpath/skills/` when a workspace is given. */
export function loadDefaultSkills(workspace?: string): Promise<SkillLibrary> {
  return loadSkills(workspace ? [builtinSkillsDir(), workspaceSkillsDir(workspace)] : [builtinSkillsDir()]);
}
