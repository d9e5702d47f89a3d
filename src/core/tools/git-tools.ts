import { z } from 'zod';
import type { Git } from '../git/git';
import { workspacePath, type ToolContext } from './context';
import { defineTool, ToolError } from './tool';

function gitOf(context: ToolContext): Git {
  if (!context.git) throw new ToolError('The workspace is not a git repository; history tools are unavailable.');
  return context.git;
}

const revision = z.string().regex(/^[\w./~^@{}-]+$/, 'a commit hash, branch, tag or expression such as HEAD~3');

export const gitLog = defineTool({
  name: 'git_log',
  description: 'Recent commits (hash, author, date, subject), optionally only those touching a path or within a range such as "v1.2..HEAD". Use it to find which change may have made code slower.',
  input: z.object({
    path: z.string().optional().describe('Only commits touching this workspace path.'),
    range: revision.default('HEAD'),
    maxCount: z.number().int().min(1).max(200).default(20),
  }),
  effect: 'read',
  async run(input, context) {
    const paths = input.path ? [workspacePath(context, input.path)] : [];
    const commits = await gitOf(context).log(input.range, { maxCount: input.maxCount, paths });
    return { text: commits.map((c) => `${c.hash.slice(0, 12)} ${c.date.slice(0, 10)} ${c.author}: ${c.subject}`).join('\n') || 'No commits.', data: commits };
  },
});

export const gitBlame = defineTool({
  name: 'git_blame',
  description: 'Who last changed each line of a range of a file, and in which commit. Use it on hot lines to find the change that introduced them.',
  input: z.object({ path: z.string(), startLine: z.number().int().min(1), endLine: z.number().int().min(1) }),
  effect: 'read',
  async run(input, context) {
    if (input.endLine < input.startLine) throw new ToolError('endLine must not be before startLine.');
    const rel = workspacePath(context, input.path);
    const lines = await gitOf(context).blame(rel, input.startLine, Math.min(input.endLine, input.startLine + 199));
    return { text: lines.map((l) => `${l.line} ${l.hash.slice(0, 12)} ${l.author} (${l.summary}): ${l.text}`).join('\n'), data: lines };
  },
});

export const gitDiff = defineTool({
  name: 'git_diff',
  description: 'Unified diff between two revisions (or a revision and the working tree), optionally for one path.',
  input: z.object({ from: revision, to: revision.optional(), path: z.string().optional() }),
  effect: 'read',
  async run(input, context) {
    const paths = input.path ? [workspacePath(context, input.path)] : [];
    const diff = await gitOf(context).diff(input.from, input.to, paths);
    return { text: diff || 'No differences.' };
  },
});

export const gitShowCommit = defineTool({
  name: 'git_show_commit',
  description: "One commit's message, changed files and patch. Use it to judge whether a suspect commit touched the regressed code.",
  input: z.object({ commit: revision }),
  effect: 'read',
  async run(input, context) {
    return { text: await gitOf(context).show(input.commit) };
  },
});
