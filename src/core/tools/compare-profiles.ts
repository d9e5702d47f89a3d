import { z } from 'zod';
import { topChanges } from '../profile/analysis';
import { pickProfile } from './profile-support';
import { defineTool, ToolError } from './tool';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

export const compareProfiles = defineTool({
  name: 'compare_profiles',
  description:
    'Compares two loaded profiles (before vs after) and lists the functions whose share of the total changed most, in percentage points, with before % and after %. Use it to explain a regression or to confirm that a fix moved cost.',
  input: z.object({
    before: z.string().describe('Profile id of the baseline.'),
    after: z.string().describe('Profile id of the new profile.'),
    by: z.enum(['self', 'total']).default('self'),
    top: z.number().int().min(1).max(100).default(10),
  }),
  effect: 'read',
  async run(input, context) {
    const before = pickProfile(context.profiles.get(input.before).set);
    const after = pickProfile(context.profiles.get(input.after).set);
    let changes;
    try {
      changes = topChanges(before, after, { by: input.by, top: input.top });
    } catch (e) {
      throw new ToolError(`Cannot compare ${input.before} with ${input.after}: ${(e as Error).message}`);
    }
    const rows = changes.map((c) => ({ name: c.name, file: c.file, line: c.line, before: c[input.by].beforePercent, after: c[input.by].afterPercent, delta: c[input.by].delta }));
    const text = [
      `Largest changes in ${input.by} share, ${input.before} → ${input.after} (percentage points):`,
      ...rows.map((r) => `${r.name}: ${r.before.toFixed(2)}% → ${r.after.toFixed(2)}% (${signed(r.delta)} pp)${r.file ? ` at ${r.file}${r.line ? `:${r.line}` : ''}` : ''}`),
    ].join('\n');
    return { text, data: rows };
  },
});
