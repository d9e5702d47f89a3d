import * as path from 'node:path';
import { analyzeProfile } from '../../core/agent/engine';
import { renderWhy } from '../../core/agent/why';
import { ToolError } from '../../core/tools/tool';
import { CliError, type CliCommand } from '../command';
import { cliToolContext, parseAt } from '../tool-context';

export const whyCommand: CliCommand = {
  path: ['why'],
  usage: 'why --profile FILE [--function NAME | --at FILE:LINE] [--workspace DIR] [--top N] [--json]',
  summary: '"Why is this hot?" from a profile and the code, with the skill that explains it and a proposed edit (no model needed).',
  options: {
    profile: { type: 'string' },
    function: { type: 'string' },
    at: { type: 'string' },
    workspace: { type: 'string' },
    top: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const profile = values.profile as string | undefined;
    if (!profile) throw new CliError('--profile FILE is required');
    if (values.function && values.at) throw new CliError('give either --function or --at, not both');
    const workspace = path.resolve((values.workspace as string | undefined) ?? process.cwd());
    const context = await cliToolContext({ workspace, profiles: [profile] });
    let at: { file: string; line: number } | undefined;
    if (values.at) {
      const parsed = parseAt(values.at as string);
      at = { file: path.relative(workspace, path.resolve(workspace, parsed.file)).split(path.sep).join('/'), line: parsed.line };
    }
    const top = values.top === undefined ? undefined : Number(values.top);
    if (top !== undefined && !(Number.isInteger(top) && top > 0)) throw new CliError(`--top expects a positive whole number, got "${values.top}"`);
    let analysis;
    try {
      analysis = await analyzeProfile(context, { function: values.function as string | undefined, at, top });
    } catch (e) {
      if (e instanceof ToolError) throw new CliError(e.message, { file: profile });
      throw e;
    }
    if (values.json) {
      const { profile: p, ...rest } = analysis;
      io.out(JSON.stringify({ ...rest, profile: { name: p.name, unit: p.unit, sampleCount: p.sampleCount, totalWeight: p.totalWeight } }, null, 2));
    } else {
      io.out(renderWhy(analysis));
    }
    return 0;
  },
};
