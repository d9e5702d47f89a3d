import { z } from 'zod';
import { functionIndex, heaviestPaths } from '../profile/analysis';
import { pct, pickProfile, profileSelector, resolveFunction } from './profile-support';
import { defineTool } from './tool';

export const getCallPaths = defineTool({
  name: 'get_call_paths',
  description:
    'The heaviest call paths from the program entry into one function, each with its weight and % of the profile. Use it to learn which callers make a hot function hot (e.g. one request handler or a loop).',
  input: z.object({
    function: z.string().describe('Function name, or /regex/ matched against "name (file:line)".'),
    ...profileSelector,
    top: z.number().int().min(1).max(50).default(5),
  }),
  effect: 'read',
  async run(input, context) {
    const { set } = context.profiles.get(input.profile);
    const profile = pickProfile(set, input.thread);
    const fn = resolveFunction(profile, input.function);
    const { functions } = functionIndex(profile);
    const paths = heaviestPaths(profile, fn.id, input.top).map((p) => ({ path: p.path.map((id) => functions[id].name), weight: p.weight, percent: p.percent }));
    const text = [`Heaviest call paths into ${fn.name} (total ${pct(fn.totalPercent)}):`, ...paths.map((p, i) => `${i + 1}. ${pct(p.percent)}: ${p.path.join(' → ')}`)].join('\n');
    return { text, data: { function: fn.name, paths } };
  },
});
