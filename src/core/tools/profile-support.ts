import { z } from 'zod';
import { functionIndex, findFunctions, hotFunction, parseFramePattern, rankHotFunctions, type HotFunction } from '../profile/analysis';
import type { Profile, ProfileSet } from '../profile/model';
import type { ToolContext } from './context';
import { ToolError } from './tool';

/** The input fields every profile tool shares: which profile and which thread. */
export const profileSelector = {
  profile: z.string().optional().describe('Profile id from list_profiles; defaults to the first loaded profile.'),
  thread: z.union([z.string(), z.number().int().min(0)]).optional().describe('Thread name or index; defaults to the main/active one.'),
};

/** One profile of a set: by thread name or index, else the set's active one. */
export function pickProfile(set: ProfileSet, thread?: string | number): Profile {
  if (thread === undefined) return set.profiles[set.activeIndex] ?? set.profiles[0];
  const byIndex = typeof thread === 'number' ? set.profiles[thread] : undefined;
  const byName = typeof thread === 'string' ? set.profiles.find((p) => p.name === thread) : undefined;
  const found = byIndex ?? byName;
  if (!found) throw new ToolError(`Unknown thread ${JSON.stringify(thread)}; this profile has: ${set.profiles.map((p, i) => `${i} "${p.name}"`).join(', ')}.`);
  return found;
}

export const pct = (x: number): string => `${x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3)}%`;

/** "file:line" of a function, mapped into the workspace when the resolver knows the file. */
export function location(context: ToolContext, fn: { file?: string; line?: number }): string {
  if (!fn.file) return '(no source)';
  const mapped = context.resolver.resolve(fn.file, fn.line ?? 1);
  if (mapped) return `${mapped.file}:${mapped.line}`;
  return fn.line ? `${fn.file}:${fn.line}` : fn.file;
}

/** The function the model named: exact name first, then a pattern; a helpful error otherwise. */
export function resolveFunction(profile: Profile, name: string): HotFunction {
  const { functions } = functionIndex(profile);
  const exact = functions.map((f, id) => (f.name === name ? id : -1)).filter((id) => id >= 0);
  let ids = exact;
  if (ids.length === 0) {
    try {
      ids = findFunctions(profile, parseFramePattern(name));
    } catch (e) {
      throw new ToolError((e as Error).message);
    }
  }
  if (ids.length === 0) {
    const hot = rankHotFunctions(profile, { by: 'total', top: 8 }).map((f) => f.name);
    throw new ToolError(`No function matches "${name}" in profile "${profile.name}". Hottest functions by total: ${hot.join(', ')}. Use get_hotspots to list more.`);
  }
  return ids.map((id) => hotFunction(profile, id)).sort((a, b) => b.total - a.total)[0];
}
