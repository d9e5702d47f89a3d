import { z } from 'zod';
import { rankHotFunctions } from '../profile/analysis';
import { location, pct, pickProfile, profileSelector } from './profile-support';
import { defineTool } from './tool';

export const getHotspots = defineTool({
  name: 'get_hotspots',
  description:
    'Ranks the hottest functions of a profile by self weight (time spent in the function itself) or total weight (including callees). Returns rank, function, self %, total %, raw weights and the source location mapped into the workspace. Use it to find where time goes before reading code.',
  input: z.object({
    ...profileSelector,
    by: z.enum(['self', 'total']).default('self').describe('Rank by self or total weight.'),
    top: z.number().int().min(1).max(200).default(15).describe('How many functions to return.'),
  }),
  effect: 'read',
  async run(input, context) {
    const { id, set } = context.profiles.get(input.profile);
    const profile = pickProfile(set, input.thread);
    const hot = rankHotFunctions(profile, { by: input.by, top: input.top });
    const rows = hot.map((f, i) => ({ rank: i + 1, name: f.name, self: f.self, total: f.total, selfPercent: f.selfPercent, totalPercent: f.totalPercent, location: location(context, f) }));
    const header = `Hottest functions by ${input.by} in ${id} / "${profile.name}" (${profile.sampleCount} samples, total ${profile.totalWeight} ${profile.unit}):`;
    const lines = rows.map((r) => `${r.rank}. ${r.name} — self ${pct(r.selfPercent)}, total ${pct(r.totalPercent)} (self ${r.self}, total ${r.total} ${profile.unit}) at ${r.location}`);
    return { text: [header, ...lines].join('\n'), data: { profile: id, thread: profile.name, unit: profile.unit, totalWeight: profile.totalWeight, functions: rows } };
  },
});
