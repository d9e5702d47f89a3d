import * as path from 'node:path';
import { analyzeProfile } from '../../core/agent/engine';
import { runAgent } from '../../core/agent/loop';
import { ModelError } from '../../core/agent/model';
import { OpenAIChatModel } from '../../core/agent/openai-model';
import { renderWhy } from '../../core/agent/why';
import { CliError, type CliCommand } from '../command';
import { cliToolContext } from '../tool-context';

export const askCommand: CliCommand = {
  path: ['ask'],
  usage: 'ask "QUESTION" --profile FILE [--model offline|openai:NAME] [--base-url URL] [--workspace DIR] [--max-rounds N] [--yes] [--json]',
  summary: 'Ask the agent about a profile and the code. The API key comes from HOTPATH_API_KEY or OPENAI_API_KEY; offline uses the deterministic engine.',
  options: {
    profile: { type: 'string', multiple: true },
    model: { type: 'string' },
    'base-url': { type: 'string' },
    workspace: { type: 'string' },
    'max-rounds': { type: 'string' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    const question = positionals.join(' ').trim();
    if (!question) throw new CliError('a QUESTION is required, e.g. hotpath ask "why is parseRecord hot?" --profile app.cpuprofile');
    const profiles = (values.profile as string[] | undefined) ?? [];
    if (profiles.length === 0) throw new CliError('--profile FILE is required (repeat it to compare profiles)');
    const modelSpec = (values.model as string | undefined) ?? process.env.HOTPATH_MODEL ?? 'offline';
    const workspace = path.resolve((values.workspace as string | undefined) ?? process.cwd());
    const context = await cliToolContext({ workspace, profiles, allowExecute: values.yes === true });
    const json = values.json === true;

    const offline = async (notice?: string) => {
      const analysis = await analyzeProfile(context);
      const answer = renderWhy(analysis, { question });
      if (json) io.out(JSON.stringify({ model: 'offline', notice, answer, proposals: analysis.targets.flatMap((t) => t.findings.flatMap((f) => (f.proposal ? [f.proposal] : []))) }, null, 2));
      else io.out(`${notice ? `${notice}\n\n` : ''}${answer}`);
      return 0;
    };
    if (modelSpec === 'offline') return offline();
    const m = /^openai:(.+)$/.exec(modelSpec);
    if (!m) throw new CliError(`unknown --model "${modelSpec}"; use offline or openai:MODEL_NAME`);
    const baseURL = (values['base-url'] as string | undefined) ?? process.env.HOTPATH_BASE_URL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
    const model = new OpenAIChatModel({ baseURL, model: m[1], apiKey: process.env.HOTPATH_API_KEY ?? process.env.OPENAI_API_KEY });
    const maxRounds = values['max-rounds'] === undefined ? 12 : Number(values['max-rounds']);
    if (!(Number.isInteger(maxRounds) && maxRounds > 0)) throw new CliError(`--max-rounds expects a positive whole number, got "${values['max-rounds']}"`);
    try {
      const result = await runAgent(question, {
        model,
        context,
        maxRounds,
        onEvent: (e) => {
          if (json) return;
          if (e.type === 'text') process.stdout.write(e.delta);
          else if (e.type === 'tool-start') io.err(`· ${e.name} ${e.arguments}`);
          else if (e.type === 'tool-end' && !e.ok) io.err(`  ✗ ${e.text.split('\n')[0]}`);
          else if (e.type === 'notice') io.err(`! ${e.message}`);
        },
      });
      if (json) io.out(JSON.stringify({ model: model.id, answer: result.answer, proposals: result.proposals, rounds: result.rounds, stop: result.stop, tokens: result.tokens }, null, 2));
      else io.out('');
      return 0;
    } catch (e) {
      if (e instanceof ModelError) return offline(`The model failed (${e.message}); this is the offline analysis instead.`);
      throw e;
    }
  },
};
