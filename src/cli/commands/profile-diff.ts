import { topChanges, type FunctionDiff, type ShareChange } from '../../core/profile/analysis/index';
import type { Profile, ProfileSet } from '../../core/profile/model';
import { CliError, type CliCommand } from '../command';
import { escapeControl, formatDelta, formatLocation, formatPercent, formatRelative, jsonText, roundPercent, table } from '../format';
import { choiceOption, intOption, loadProfileSet, positionals, readOptions, selectProfile } from './profile-common';

const usage = 'profile diff BEFORE AFTER [--top N] [--by self|total] [--profile NAME] [--json] [--max-size SIZE]';

interface SideJson {
  file: string;
  format: string;
  profile: string;
  unit: string;
  sampleCount: number;
  totalWeight: number;
}

interface ShareChangeJson {
  before: number;
  after: number;
  beforePercent: number;
  afterPercent: number;
  delta: number;
  relative: number | null;
}

/** `diff --json` schema (docs/cli-json.md). */
export interface DiffJson {
  before: SideJson;
  after: SideJson;
  by: 'self' | 'total';
  functions: { name: string; file: string | null; line: number | null; self: ShareChangeJson; total: ShareChangeJson }[];
}

export const profileDiff: CliCommand = {
  path: ['profile', 'diff'],
  usage,
  summary: 'Functions whose share of the total changed most between two profiles.',
  options: {
    ...readOptions,
    top: { type: 'string' },
    by: { type: 'string' },
    profile: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [beforeFile, afterFile] = positionals(args, usage, 'BEFORE', 'AFTER');
    const top = intOption(args, 'top', 20);
    const by = choiceOption(args, 'by', ['self', 'total'] as const, 'self');
    const beforeSet = await loadProfileSet(beforeFile, args);
    const afterSet = await loadProfileSet(afterFile, args);
    const before = selectProfile(beforeSet, beforeFile, args);
    const after = selectProfile(afterSet, afterFile, args);
    if (before.unit !== after.unit) {
      throw new CliError(`cannot compare a profile in ${before.unit} (${beforeFile}) with one in ${after.unit}; pick matching profiles with --profile`, {
        file: afterFile,
        format: afterSet.format,
      });
    }
    const changes = topChanges(before, after, { by, top });
    if (args.values.json) {
      const result: DiffJson = {
        before: side(beforeFile, beforeSet, before),
        after: side(afterFile, afterSet, after),
        by,
        functions: changes.map((d) => ({
          name: d.name,
          file: d.file ?? null,
          line: d.line ?? null,
          self: changeJson(d.self),
          total: changeJson(d.total),
        })),
      };
      io.out(jsonText(result));
      return 0;
    }
    io.out(diffText(beforeFile, before, afterFile, after, changes, by));
    return 0;
  },
};

function side(file: string, set: ProfileSet, profile: Profile): SideJson {
  return { file, format: set.format, profile: profile.name, unit: profile.unit, sampleCount: profile.sampleCount, totalWeight: profile.totalWeight };
}

function changeJson(c: ShareChange): ShareChangeJson {
  return {
    before: c.before,
    after: c.after,
    beforePercent: roundPercent(c.beforePercent),
    afterPercent: roundPercent(c.afterPercent),
    delta: roundPercent(c.delta),
    relative: c.relative === null ? null : Math.round(c.relative * 1e4) / 1e4,
  };
}

function diffText(beforeFile: string, before: Profile, afterFile: string, after: Profile, changes: FunctionDiff[], by: 'self' | 'total'): string {
  const other = by === 'self' ? 'total' : 'self';
  const head = [
    `before: ${beforeFile} ("${before.name}", ${before.sampleCount.toLocaleString('en-US')} samples)`,
    `after:  ${afterFile} ("${after.name}", ${after.sampleCount.toLocaleString('en-US')} samples)`,
    `Largest changes in ${by} share of the total (percentage points):`,
  ]
    .map(escapeControl)
    .join('\n');
  if (changes.length === 0) return `${head}\n  no function changed its share`;
  const byLabel = by.toUpperCase();
  return `${head}\n${table(
    [`${byLabel} BEFORE`, `${byLabel} AFTER`, 'CHANGE', 'RELATIVE', `${other.toUpperCase()} CHANGE`, 'FUNCTION', 'LOCATION'],
    changes.map((d) => [
      formatPercent(d[by].beforePercent),
      formatPercent(d[by].afterPercent),
      formatDelta(d[by].delta),
      formatRelative(d[by].relative),
      formatDelta(d[other].delta),
      d.name || '(anonymous)',
      formatLocation(d.file, d.line),
    ]),
    ['right', 'right', 'right', 'right', 'right', 'left', 'left'],
  )}`;
}
