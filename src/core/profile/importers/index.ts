import { ProfileImportError } from '../errors';
import { inputFromBytes, inputFromFile, type InputOptions, type ProfileInput } from '../input';
import type { ProfileSet } from '../model';
import type { Importer } from './importer';
import { cpuprofileImporter } from './cpuprofile';
import { traceEventImporter } from './trace-event';
import { speedscopeImporter } from './speedscope';
import { geckoImporter } from './gecko';
import { pprofImporter } from './pprof';
import { callgrindImporter } from './callgrind';
import { perfImporter } from './perf';
import { collapsedImporter } from './collapsed';

/**
 * Importers in sniffing order: the most specific signatures first, the loosest text
 * formats (collapsed stacks) last.
 */
export const importers: readonly Importer[] = [
  cpuprofileImporter,
  traceEventImporter,
  speedscopeImporter,
  geckoImporter,
  pprofImporter,
  callgrindImporter,
  perfImporter,
  collapsedImporter,
];

const decoder = new TextDecoder('utf-8', { fatal: false });

/** The importer whose sniff accepts the content, or undefined. */
export function detectImporter(input: ProfileInput): Importer | undefined {
  const headText = decoder.decode(input.head);
  return importers.find((imp) => imp.sniff(input.head, headText));
}

/** Imports any supported format, chosen by content. */
export async function importProfile(input: ProfileInput): Promise<ProfileSet> {
  if (input.head.length === 0) throw new ProfileImportError('file is empty', input.name, undefined);
  const importer = detectImporter(input);
  if (!importer) {
    throw new ProfileImportError(
      `unknown format (tried ${importers.map((i) => i.format).join(', ')}); the content does not look like any supported profile`,
      input.name,
      undefined,
    );
  }
  let set: ProfileSet;
  try {
    set = await importer.import(input);
  } catch (e) {
    if (e instanceof ProfileImportError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ProfileImportError(msg, input.name, importer.format);
  }
  if (set.profiles.length === 0 || set.profiles.every((p) => p.sampleCount === 0 && p.totalWeight === 0)) {
    throw new ProfileImportError('profile contains no samples', input.name, importer.format);
  }
  if (input.name && !set.source) set.source = input.name;
  return set;
}

export async function importProfileFile(path: string, options?: InputOptions): Promise<ProfileSet> {
  return importProfile(await inputFromFile(path, options));
}

export async function importProfileBytes(bytes: Uint8Array, name?: string, options?: InputOptions): Promise<ProfileSet> {
  return importProfile(inputFromBytes(bytes, name, options));
}
