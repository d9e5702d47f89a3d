import type { Profile } from '../profile/model';
import { runDetectors, type Finding, type ScanError } from './detectors';
import { collectSourceFiles } from './files';
import type { SkillLibrary } from './library';
import { severities } from './schema';
import { matchProfileSignals, type SignalMatch } from './signals';
import { ProfileCostIndex } from './weights';

export interface RankedFinding extends Finding {
  /** Share of the profile's total weight spent on the finding's lines (0..1); null without a profile. */
  weight: number | null;
}

export interface ScanResult {
  findings: RankedFinding[];
  errors: ScanError[];
  /** Profile-level skills whose frame signals matched, heaviest first (only with a profile). */
  signals: SignalMatch[];
  filesScanned: number;
  linesScanned: number;
}

export interface ScanOptions {
  /** Files and folders to scan. */
  paths: readonly string[];
  library: SkillLibrary;
  /** When given, findings are weighted and ranked by the profile's cost of their lines. */
  profile?: Profile;
  skills?: readonly string[];
  languages?: readonly string[];
}

const severityRank = Object.fromEntries(severities.map((s, i) => [s, i])) as Record<string, number>;

/**
 * Runs every detector over the source files under `paths` and ranks the findings: by profile
 * cost when a profile is given, then by severity, then by place.
 */
export async function scanCode(options: ScanOptions): Promise<ScanResult> {
  const files = await collectSourceFiles(options.paths);
  const detected = await runDetectors(options.library, files, { skills: options.skills, languages: options.languages });
  const costs = options.profile ? new ProfileCostIndex(options.profile, files) : undefined;
  const findings: RankedFinding[] = detected.findings.map((f) => ({ ...f, weight: costs ? costs.weightOf(f.file, f.line, f.endLine) : null }));
  findings.sort(
    (a, b) =>
      (b.weight ?? 0) - (a.weight ?? 0) ||
      severityRank[b.severity] - severityRank[a.severity] ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line),
  );
  const signals = options.profile ? profileSignals(options.library, options.profile) : [];
  return { findings, errors: detected.errors, signals, filesScanned: detected.filesScanned, linesScanned: detected.linesScanned };
}

/** Signal matches weighted by each frame's self cost, as a share of the profile. */
function profileSignals(library: SkillLibrary, profile: Profile): SignalMatch[] {
  const self = new Float64Array(profile.frames.length);
  for (let n = 1; n < profile.nodeCount; n++) if (profile.nodeFrame[n] >= 0) self[profile.nodeFrame[n]] += profile.nodeSelf[n];
  const total = profile.totalWeight || 1;
  return matchProfileSignals(
    library,
    profile.frames.map((f, i) => ({ name: f.name, file: f.file ?? f.module, weight: self[i] / total })),
  );
}
