import { z } from 'zod';
import { callersAndCallees, functionIndex } from '../profile/analysis';
import { location, pct, pickProfile, profileSelector, resolveFunction } from './profile-support';
import { defineTool } from './tool';

export const getCallersCallees = defineTool({
  name: 'get_callers_callees',
  description:
    "A function's direct callers and callees with the weight that flows through each (a sandwich view), plus its own self and total %. Use it to tell whether a function is slow itself or only calls something slow.",
  input: z.object({
    function: z.string().describe('Function name, or /regex/.'),
    ...profileSelector,
    top: z.number().int().min(1).max(100).default(10),
  }),
  effect: 'read',
  async run(input, context) {
    const { set } = context.profiles.get(input.profile);
    const profile = pickProfile(set, input.thread);
    const fn = resolveFunction(profile, input.function);
    const { functions } = functionIndex(profile);
    const n = callersAndCallees(profile, fn.id);
    const name = (id: number) => (id < 0 ? '(root)' : functions[id].name);
    const callers = n.callers.slice(0, input.top).map((c) => ({ name: name(c.id), weight: c.weight, percent: c.percent }));
    const callees = n.callees.slice(0, input.top).map((c) => ({ name: name(c.id), weight: c.weight, percent: c.percent }));
    const text = [
      `${fn.name} at ${location(context, fn)}: self ${pct(fn.selfPercent)}, total ${pct(fn.totalPercent)}`,
      'Callers:',
      ...callers.map((c) => `  ${c.name}: ${pct(c.percent)}`),
      'Callees:',
      ...(callees.length ? callees.map((c) => `  ${c.name}: ${pct(c.percent)}`) : ['  (none: all its time is self time)']),
    ].join('\n');
    return { text, data: { function: fn.name, self: fn.selfPercent, total: fn.totalPercent, callers, callees } };
  },
});
