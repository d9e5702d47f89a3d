import { z } from 'zod';
import { defineTool } from './tool';

export const listProfiles = defineTool({
  name: 'list_profiles',
  description:
    'Lists the profiles loaded in this session: their ids (use them as `profile` in other tools), formats, threads or sample types, units, sample counts and total weights. Call this first when you do not know which profile to look at.',
  input: z.object({}),
  effect: 'read',
  async run(_input, context) {
    const entries = context.profiles.list();
    if (entries.length === 0) return { text: 'No profiles are loaded.', data: [] };
    const data = entries.map(({ id, path, set }) => ({
      id,
      path,
      format: set.format,
      threads: set.profiles.map((p, index) => ({ index, name: p.name, unit: p.unit, sampleCount: p.sampleCount, totalWeight: p.totalWeight })),
    }));
    const text = data
      .map((e) => [`- ${e.id} (${e.format}${e.path ? `, ${e.path}` : ''})`, ...e.threads.map((t) => `  - thread ${t.index} "${t.name}": ${t.sampleCount} samples, total ${t.totalWeight} ${t.unit}`)].join('\n'))
      .join('\n');
    return { text, data };
  },
});
