import { z } from 'zod';
import { runDetectors } from '../skills';
import { workspacePath } from './context';
import { defineTool, ToolError } from './tool';

export const listSkills = defineTool({
  name: 'list_skills',
  description: 'Lists the performance skills (encoded expertise) with their names, languages and descriptions. Read one with read_skill before applying its fix.',
  input: z.object({ language: z.string().optional().describe('Only skills for this language, e.g. "typescript".') }),
  effect: 'read',
  async run(input, context) {
    const skills = context.skills.listSkills().filter((s) => !input.language || s.languages.includes(input.language) || s.languages.includes('any'));
    return {
      text: skills.map((s) => `- ${s.name} [${s.languages.join(', ')}]: ${s.description.replace(/\s+/g, ' ')}`).join('\n') || 'No skills match.',
      data: skills.map((s) => ({ name: s.name, languages: s.languages, description: s.description })),
    };
  },
});

export const readSkill = defineTool({
  name: 'read_skill',
  description: "Reads a skill's full text: when to use it (and when not), the evidence that proves the problem, the procedure, the edit pattern and how to verify. Read it before proposing an edit based on it.",
  input: z.object({ name: z.string() }),
  effect: 'read',
  async run(input, context) {
    const text = await context.skills.readSkillText(input.name);
    if (text === undefined) throw new ToolError(`Unknown skill "${input.name}"; use list_skills to see the names.`);
    return { text };
  },
});

export const runSkillDetectors = defineTool({
  name: 'run_skill_detectors',
  description:
    "Runs skills' syntax-tree detectors on workspace files and returns findings (skill, file:line, message). Use it on the files of hot functions to find known inefficient patterns; optionally limit to some skills.",
  input: z.object({
    paths: z.array(z.string()).min(1).max(200).describe('Workspace-relative files.'),
    skills: z.array(z.string()).optional(),
  }),
  effect: 'read',
  async run(input, context) {
    const files = input.paths.map((p) => {
      const rel = workspacePath(context, p);
      const text = context.files.read(rel);
      if (text === undefined) throw new ToolError(`File not found: ${rel}.`);
      return { path: rel, text };
    });
    let result;
    try {
      result = await runDetectors(context.skills, files, { skills: input.skills });
    } catch (e) {
      throw new ToolError((e as Error).message);
    }
    const lines = result.findings.map((f) => `${f.file}:${f.line} [${f.skill}] ${f.message}`);
    const errors = result.errors.map((e) => `could not check ${e.file}: ${e.message}`);
    return { text: [...lines, ...errors].join('\n') || `No findings in ${files.length} file(s).`, data: result };
  },
});
