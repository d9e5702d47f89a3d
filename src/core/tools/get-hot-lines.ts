import { z } from 'zod';
import { lineCost } from '../profile/analysis';
import { workspacePath } from './context';
import { pct, pickProfile, profileSelector } from './profile-support';
import { defineTool, ToolError } from './tool';

export const getHotLines = defineTool({
  name: 'get_hot_lines',
  description:
    'Per-line cost of one workspace source file from a profile: for each costly line, its self % and total % of the profile and the line text. Use it after get_hotspots to see which lines inside a hot function cost the most.',
  input: z.object({
    file: z.string().describe('Workspace-relative path of the source file.'),
    ...profileSelector,
    top: z.number().int().min(1).max(200).default(15).describe('How many lines, costliest first.'),
  }),
  effect: 'read',
  async run(input, context) {
    const rel = workspacePath(context, input.file);
    const { id, set } = context.profiles.get(input.profile);
    const profile = pickProfile(set, input.thread);
    const cost = lineCost(profile, rel, context.resolver);
    if (cost.lines.length === 0) throw new ToolError(`Profile ${id} has no samples in ${rel}. Check the path with get_hotspots (its locations are workspace paths).`);
    const source = context.files.read(rel)?.split('\n') ?? [];
    const lines = [...cost.lines].sort((a, b) => b.self - a.self || b.total - a.total).slice(0, input.top);
    const rows = lines.map((l) => ({ ...l, text: (source[l.line - 1] ?? '').trim() }));
    const text = [
      `Costliest lines of ${rel} in ${id} / "${profile.name}"${cost.usedFrameLines ? ' (some frames had no line table and are counted at their function line)' : ''}:`,
      ...rows.map((r) => `${rel}:${r.line} — self ${pct(r.selfPercent)}, total ${pct(r.totalPercent)}: ${r.text}`),
    ].join('\n');
    return { text, data: { file: rel, lines: rows } };
  },
});
