import { execFile } from 'node:child_process';
import { z } from 'zod';
import { defineTool, ToolError } from './tool';
import type { ToolContext } from './context';

interface Match {
  file: string;
  line: number;
  text: string;
}

const SOURCE = /\.(m?[jt]sx?|cjs|cts|py|go|java|kt|rs|rb|php|cs|c|cc|cpp|h|hpp|swift|scala|sql|json|ya?ml|toml|md)$/;

export const searchText = defineTool({
  name: 'search_text',
  description:
    'Searches the workspace for text or a regular expression (ripgrep when installed, else a built-in scan; node_modules and .git are skipped). Returns file:line and the matching line. Use it to find where a function is called or a pattern is used.',
  input: z.object({
    query: z.string().min(1),
    regex: z.boolean().default(false).describe('Treat query as a regular expression.'),
    glob: z.string().optional().describe('Only files whose path contains this text (e.g. "src/" or ".ts").'),
    maxResults: z.number().int().min(1).max(500).default(50),
  }),
  effect: 'read',
  async run(input, context) {
    let re: RegExp;
    try {
      re = new RegExp(input.regex ? input.query : input.query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    } catch (e) {
      throw new ToolError(`Invalid regular expression: ${(e as Error).message}`);
    }
    const matches = (await ripgrep(input, context)) ?? scan(re, input, context);
    const shown = matches.slice(0, input.maxResults);
    const text = shown.length
      ? [`${matches.length}${matches.length > shown.length ? '+' : ''} matches for ${JSON.stringify(input.query)}:`, ...shown.map((m) => `${m.file}:${m.line}: ${m.text.trim().slice(0, 200)}`)].join('\n')
      : `No matches for ${JSON.stringify(input.query)}.`;
    return { text, data: shown };
  },
});

function scan(re: RegExp, input: { glob?: string; maxResults: number }, context: ToolContext): Match[] {
  const out: Match[] = [];
  for (const file of context.files.list()) {
    if (!SOURCE.test(file) || (input.glob && !file.includes(input.glob))) continue;
    const text = context.files.read(file);
    if (!text) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (re.test(lines[i])) {
        out.push({ file, line: i + 1, text: lines[i] });
        if (out.length > input.maxResults) return out;
      }
    }
  }
  return out;
}

/** ripgrep's JSON output, or undefined when rg is not installed. */
function ripgrep(input: { query: string; regex: boolean; glob?: string; maxResults: number }, context: ToolContext): Promise<Match[] | undefined> {
  const args = ['--json', '--max-count', String(input.maxResults), '--glob', '!node_modules', '--glob', '!.git'];
  if (!input.regex) args.push('--fixed-strings');
  args.push('--', input.query, '.');
  return new Promise((resolve) => {
    execFile('rg', args, { cwd: context.root, maxBuffer: 32 * 1024 * 1024 }, (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') return resolve(undefined);
      const out: Match[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{"type":"match"')) continue;
        const m = JSON.parse(line) as { data: { path: { text: string }; line_number: number; lines: { text?: string } } };
        const file = m.data.path.text.replace(/^\.\//, '');
        if (input.glob && !file.includes(input.glob)) continue;
        out.push({ file, line: m.data.line_number, text: m.data.lines.text ?? '' });
      }
      resolve(out);
    });
  });
}
