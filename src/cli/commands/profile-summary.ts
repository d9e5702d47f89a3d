import { rankHotFunctions, type HotFunction } from '../../core/profile/analysis/index';
import type { Profile, ProfileSet } from '../../core/profile/model';
import type { CliCommand } from '../command';
import { escapeControl, formatLocation, formatPercent, formatWeight, jsonText, roundPercent, table } from '../format';
import { choiceOption, formatLabel, intOption, loadProfileSet, positionals, readOptions } from './profile-common';

const usage = 'profile summary FILE [--top N] [--by self|total] [--json] [--max-size SIZE]';

/** `summary --json` schema (docs/cli-json.md). */
export interface SummaryJson {
  format: string;
  file: string;
  profiles: {
    name: string;
    unit: string;
    sampleCount: number;
    totalWeight: number;
    functions: FunctionJson[];
  }[];
}

export interface FunctionJson {
  name: string;
  file: string | null;
  line: number | null;
  self: number;
  total: number;
  selfPercent: number;
  totalPercent: number;
}

export const profileSummary: CliCommand = {
  path: ['profile', 'summary'],
  usage,
  summary: 'Format, unit, totals and the hottest functions of a profile file.',
  options: {
    ...readOptions,
    top: { type: 'string' },
    by: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [file] = positionals(args, usage, 'FILE');
    const top = intOption(args, 'top', 10);
    const by = choiceOption(args, 'by', ['self', 'total'] as const, 'self');
    const set = await loadProfileSet(file, args);
    if (args.values.json) {
      io.out(jsonText(summaryJson(set, file, top, by)));
      return 0;
    }
    io.out(summaryText(set, file, top, by));
    return 0;
  },
};

export function summaryJson(set: ProfileSet, file: string, top: number, by: 'self' | 'total'): SummaryJson {
  return {
    format: set.format,
    file,
    profiles: set.profiles.map((profile) => ({
      name: profile.name,
      unit: profile.unit,
      sampleCount: profile.sampleCount,
      totalWeight: profile.totalWeight,
      functions: rankHotFunctions(profile, { by, top }).map(functionJson),
    })),
  };
}

export function functionJson(fn: HotFunction): FunctionJson {
  return {
    name: fn.name,
    file: fn.file ?? null,
    line: fn.line ?? null,
    self: fn.self,
    total: fn.total,
    selfPercent: roundPercent(fn.selfPercent),
    totalPercent: roundPercent(fn.totalPercent),
  };
}

function summaryText(set: ProfileSet, file: string, top: number, by: 'self' | 'total'): string {
  const out = [escapeControl(`${file}: ${formatLabel(set.format)}, ${set.profiles.length === 1 ? '1 profile' : `${set.profiles.length} profiles`}`)];
  set.profiles.forEach((profile, i) => {
    out.push('', profileHeading(profile, i === set.activeIndex && set.profiles.length > 1));
    const functions = rankHotFunctions(profile, { by, top });
    if (functions.length === 0) {
      out.push('  (no weight)');
      return;
    }
    out.push(
      table(
        ['SELF', 'SELF%', 'TOTAL', 'TOTAL%', 'FUNCTION', 'LOCATION'],
        functions.map((fn) => [
          formatWeight(fn.self, profile.unit),
          formatPercent(fn.selfPercent),
          formatWeight(fn.total, profile.unit),
          formatPercent(fn.totalPercent),
          fn.name || '(anonymous)',
          formatLocation(fn.file, fn.line),
        ]),
        ['right', 'right', 'right', 'right', 'left', 'left'],
      ),
    );
  });
  return out.join('\n');
}

/** `Profile "CPU" (active): 1,234 samples, total 1.23 s (unit nanoseconds)`. */
export function profileHeading(profile: Profile, active = false): string {
  return escapeControl(`Profile "${profile.name}"${active ? ' (active)' : ''}: ${profile.sampleCount.toLocaleString('en-US')} samples, total ${formatWeight(profile.totalWeight, profile.unit)} (unit ${profile.unit})`);
}
