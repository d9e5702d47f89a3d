import * as path from 'node:path';
import { z } from 'zod';
import { ProfileImportError } from '../profile/errors';
import { importProfileFile } from '../profile/importers/index';
import { workspacePath } from './context';
import { defineTool, ToolError } from './tool';

export const loadProfile = defineTool({
  name: 'load_profile',
  description:
    'Loads a profile file from the workspace (.cpuprofile, pprof, speedscope, Chrome trace events, Firefox/Gecko, perf script, callgrind or collapsed stacks, gzipped or not; the format is detected from the content) and adds it to this session. Returns its id, to pass as `profile` to get_hotspots, get_hot_lines, compare_profiles and the other profile tools. Use it when the profile you need is not in list_profiles yet.',
  input: z.object({
    path: z.string().min(1).describe('Workspace-relative path of the profile file, e.g. "profiles/CPU.20240101.cpuprofile".'),
    id: z.string().min(1).max(80).optional().describe('Id to give the profile (replaces a loaded profile with the same id); defaults to the file name.'),
  }),
  effect: 'read',
  async run(input, context) {
    const rel = workspacePath(context, input.path);
    let set;
    try {
      set = await importProfileFile(path.join(context.root, rel));
    } catch (e) {
      if (e instanceof ProfileImportError) {
        const where = e.position ? ` (at ${e.position})` : '';
        throw new ToolError(`Cannot load "${rel}" as a profile: ${e.format ? `${e.format}: ` : ''}${e.message}${where}. Check the path with search_text or list_profiles, or ask the user for the profile file.`);
      }
      throw e;
    }
    const id = context.profiles.add(set, rel, input.id);
    const threads = set.profiles.map((p, index) => ({ index, name: p.name, unit: p.unit, sampleCount: p.sampleCount, totalWeight: p.totalWeight }));
    const text = [
      `Loaded ${rel} (${set.format}) as profile id "${id}".`,
      ...threads.map((t) => `- thread ${t.index} "${t.name}": ${t.sampleCount} samples, total ${t.totalWeight} ${t.unit}`),
    ].join('\n');
    return { text, data: { id, path: rel, format: set.format, threads } };
  },
});
