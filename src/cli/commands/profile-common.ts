import { importProfileFile, importers } from '../../core/profile/importers/index';
import type { Profile, ProfileSet } from '../../core/profile/model';
import { CliError, type CliCommand, type CommandArgs } from '../command';
import { parseSize } from '../format';

/** Options every `hotpath profile …` command that reads profiles accepts. */
export const readOptions = {
  'max-size': { type: 'string' },
} satisfies CliCommand['options'];

/** Reads and imports a profile file, honouring `--max-size`. */
export async function loadProfileSet(file: string, args: CommandArgs): Promise<ProfileSet> {
  const raw = args.values['max-size'];
  let maxBytes: number | undefined;
  if (typeof raw === 'string') {
    maxBytes = parseSize(raw);
    if (maxBytes === undefined) throw new CliError(`--max-size expects a size such as 512M, 2G or 1048576, not "${raw}"`);
  }
  return importProfileFile(file, maxBytes === undefined ? {} : { maxBytes });
}

/** The positional arguments, exactly `names.length` of them. */
export function positionals(args: CommandArgs, usage: string, ...names: string[]): string[] {
  if (args.positionals.length !== names.length) {
    const what = args.positionals.length < names.length ? `missing ${names.slice(args.positionals.length).join(' and ')}` : `unexpected argument "${args.positionals[names.length]}"`;
    throw new CliError(`${what}\nUsage: hotpath ${usage}`);
  }
  return args.positionals;
}

/** A positive integer option such as `--top`. */
export function intOption(args: CommandArgs, name: string, fallback: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`--${name} expects a positive whole number, not "${String(raw)}"`);
  }
  return n;
}

/** One of a fixed set of values, e.g. `--by self|total`. */
export function choiceOption<T extends string>(args: CommandArgs, name: string, choices: readonly T[], fallback: T): T {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new CliError(`--${name} expects ${choices.join(' or ')}, not "${String(raw)}"`);
}

/** The profile named by `--profile` (name or 0-based index), else the set's active one. */
export function selectProfile(set: ProfileSet, file: string, args: CommandArgs): Profile {
  const wanted = args.values.profile;
  if (typeof wanted !== 'string') return set.profiles[set.activeIndex] ?? set.profiles[0];
  const byName = set.profiles.find((p) => p.name === wanted);
  if (byName) return byName;
  if (/^\d+$/.test(wanted) && set.profiles[Number(wanted)]) return set.profiles[Number(wanted)];
  throw new CliError(`no profile "${wanted}" in the file; it has ${set.profiles.map((p, i) => `${i}: "${p.name}"`).join(', ')}`, {
    file,
    format: set.format,
  });
}

/** The human name of a format id: "Chrome/V8 .cpuprofile (cpuprofile)". */
export function formatLabel(format: string): string {
  const label = importers.find((i) => i.format === format)?.label;
  return label ? `${label} (${format})` : format;
}
