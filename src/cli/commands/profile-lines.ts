import * as fs from 'node:fs';
import * as path from 'node:path';
import { lineCost, type FileLineCost, type SourceLocationResolver } from '../../core/profile/analysis/index';
import type { Profile, ProfileSet } from '../../core/profile/model';
import { WorkspaceSourceResolver, diskWorkspace } from '../../core/profile/sourcemap';
import { CliError, type CliCommand } from '../command';
import { escapeControl, formatPercent, formatWeight, jsonText, roundPercent, table } from '../format';
import { loadProfileSet, positionals, readOptions } from './profile-common';
import { profileHeading } from './profile-summary';

const usage = 'profile lines FILE --source PATH [--root DIR] [--json] [--max-size SIZE]';

/** `lines --json` schema (docs/cli-json.md). */
export interface LinesJson {
  format: string;
  file: string;
  source: string;
  profiles: {
    name: string;
    unit: string;
    sampleCount: number;
    totalWeight: number;
    lines: { line: number; self: number; total: number; selfPercent: number; totalPercent: number }[];
  }[];
}

export const profileLines: CliCommand = {
  path: ['profile', 'lines'],
  usage,
  summary: 'Per-line cost of one source file (frames mapped by path suffix and source maps).',
  options: {
    ...readOptions,
    source: { type: 'string' },
    root: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [file] = positionals(args, usage, 'FILE');
    const source = args.values.source;
    if (typeof source !== 'string' || source === '') throw new CliError(`--source PATH is required\nUsage: hotpath ${usage}`);
    const root = path.resolve(typeof args.values.root === 'string' ? args.values.root : '.');
    const target = sourceTarget(source, root);
    const set = await loadProfileSet(file, args);
    const costs = set.profiles.map((profile) => lineCost(profile, target.file, target.resolver));
    if (args.values.json) {
      io.out(jsonText(linesJson(set, file, target.file, costs)));
      return 0;
    }
    io.out(linesText(set, file, target, costs));
    return 0;
  },
};

interface SourceTarget {
  /** Workspace-relative when the file is in the workspace, else the path as given. */
  file: string;
  resolver?: SourceLocationResolver;
  /** The file's text, to show beside each line. */
  text?: string;
}

/**
 * A source file inside `root` is matched through the workspace resolver (path suffix and
 * source maps). A path that is not on disk (the profile came from elsewhere) or lies outside
 * the root is compared with the frames' paths directly.
 */
function sourceTarget(source: string, root: string): SourceTarget {
  const absolute = path.resolve(source);
  const relative = path.relative(root, absolute).split(path.sep).join('/');
  let text: string | undefined;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') throw new CliError(`--source ${source} is a directory, not a source file`);
  }
  if (text === undefined) return { file: source };
  // Outside the workspace only the frames' own paths can match.
  if (relative.startsWith('../') || relative === '..' || path.isAbsolute(relative)) return { file: absolute, text };
  return { file: relative, resolver: new WorkspaceSourceResolver(diskWorkspace(root)), text };
}

function linesJson(set: ProfileSet, file: string, source: string, costs: FileLineCost[]): LinesJson {
  return {
    format: set.format,
    file,
    source,
    profiles: set.profiles.map((profile, i) => ({
      name: profile.name,
      unit: profile.unit,
      sampleCount: profile.sampleCount,
      totalWeight: profile.totalWeight,
      lines: costs[i].lines.map((l) => ({
        line: l.line,
        self: l.self,
        total: l.total,
        selfPercent: roundPercent(l.selfPercent),
        totalPercent: roundPercent(l.totalPercent),
      })),
    })),
  };
}

function linesText(set: ProfileSet, file: string, target: SourceTarget, costs: FileLineCost[]): string {
  const sourceLines = target.text?.split(/\r?\n/);
  const out: string[] = [];
  set.profiles.forEach((profile: Profile, i) => {
    if (out.length > 0) out.push('');
    out.push(profileHeading(profile, set.profiles.length > 1 && i === set.activeIndex));
    const cost = costs[i];
    if (cost.lines.length === 0) {
      out.push(escapeControl(`  no cost recorded in ${target.file}`));
      return;
    }
    if (cost.usedFrameLines) out.push('  (the profile records no per-line cost: each function\'s cost is shown at its own line)');
    out.push(
      table(
        ['LINE', 'SELF', 'SELF%', 'TOTAL', 'TOTAL%', 'SOURCE'],
        cost.lines.map((l) => [
          String(l.line),
          formatWeight(l.self, profile.unit),
          formatPercent(l.selfPercent),
          formatWeight(l.total, profile.unit),
          formatPercent(l.totalPercent),
          clip(sourceLines?.[l.line - 1]?.trim() ?? ''),
        ]),
        ['right', 'right', 'right', 'right', 'right', 'left'],
      ),
    );
  });
  return [escapeControl(`${file}: lines of ${target.file}`), ...out].join('\n');
}

function clip(text: string, max = 72): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
