import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { importProfileFile } from '../../core/profile/importers/index';
import { builtinSkillsDir, loadSkills, scanCode, workspaceSkillsDir, type RankedFinding } from '../../core/skills/index';
import { CliError, type CliCommand } from '../command';

const usage = 'scan [DIR|FILE…] [--profile FILE] [--skill NAME…] [--top N] [--json]';

function percent(share: number): string {
  return `${(share * 100).toFixed(share >= 0.1 ? 1 : 2)}%`;
}

function textReport(findings: RankedFinding[], top: number, cwd: string): string[] {
  const shown = findings.slice(0, top);
  return shown.map((f, i) => {
    const where = `${relative(cwd, f.file) || f.file}:${f.line}`;
    const weight = f.weight === null ? '' : `${percent(f.weight).padStart(7)}  `;
    return `${String(i + 1).padStart(3)}. ${weight}${f.severity.padEnd(7)} ${where}  [${f.skill}] ${f.message}`;
  });
}

/** `hotpath scan`: ranked optimization opportunities found by the skills' detectors. */
export const scanCommand: CliCommand = {
  path: ['scan'],
  usage,
  summary: 'Find optimization opportunities in code with the skills’ detectors, ranked by profile cost when a profile is given.',
  options: {
    profile: { type: 'string' },
    skill: { type: 'string', multiple: true },
    top: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const cwd = process.cwd();
    const paths = args.positionals.length ? args.positionals : ['.'];
    for (const p of paths) {
      try {
        await stat(p);
      } catch {
        throw new CliError(`no such file or folder: ${p}\nUsage: hotpath ${usage}`, { file: p });
      }
    }
    const topRaw = args.values.top;
    const top = typeof topRaw === 'string' ? Number(topRaw) : 50;
    if (!Number.isInteger(top) || top < 1) throw new CliError(`--top expects a positive whole number, not "${topRaw}"`);

    const firstDir = (await stat(paths[0])).isDirectory() ? resolve(paths[0]) : cwd;
    const library = await loadSkills([builtinSkillsDir(), workspaceSkillsDir(firstDir)]);
    const skills = args.values.skill as string[] | undefined;
    const unknown = (skills ?? []).filter((s) => !library.readSkill(s));
    if (unknown.length) throw new CliError(`unknown skill(s) ${unknown.join(', ')}; known: ${library.listSkills().map((s) => s.name).join(', ')}`);

    const profilePath = typeof args.values.profile === 'string' ? args.values.profile : undefined;
    const set = profilePath ? await importProfileFile(profilePath) : undefined;
    const profile = set?.profiles[set.activeIndex];

    const result = await scanCode({ paths, library, profile, skills });
    const errors = [...library.errors.map((e) => ({ file: e.file, message: `skill not loaded: ${e.message}` })), ...result.errors];

    if (args.values.json) {
      io.out(
        JSON.stringify({
          findings: result.findings.map((f) => ({
            skill: f.skill,
            file: f.file,
            line: f.line,
            endLine: f.endLine,
            column: f.column,
            message: f.message,
            severity: f.severity,
            weight: f.weight,
          })),
          errors,
          ...(profile ? { signals: result.signals.map((s) => ({ skill: s.skill, meaning: s.signal.meaning, share: s.weight, frames: s.frames.slice(0, 10) })) } : {}),
          filesScanned: result.filesScanned,
          linesScanned: result.linesScanned,
        }),
      );
      return 0;
    }

    const lines = [
      `Scanned ${result.filesScanned} files (${result.linesScanned} lines) with ${library.listSkills().length} skills: ${result.findings.length} findings${profile ? `, weighted by ${profilePath}` : ''}.`,
    ];
    if (result.findings.length) lines.push('', ...textReport(result.findings, top, cwd));
    if (result.findings.length > top) lines.push(`… ${result.findings.length - top} more (use --top N or --json)`);
    const signals = result.signals.filter((s) => s.weight > 0).slice(0, 10);
    if (signals.length) {
      lines.push('', 'Profile signals:');
      for (const s of signals) lines.push(`  ${percent(s.weight).padStart(7)}  [${s.skill}] ${s.signal.meaning} (${s.frames.slice(0, 3).join(', ')}${s.frames.length > 3 ? ', …' : ''})`);
    }
    io.out(lines.join('\n'));
    if (errors.length) {
      io.err([`${errors.length} file(s) not fully scanned:`, ...errors.slice(0, 10).map((e) => `  ${relative(cwd, e.file) || e.file}: ${e.message}`), ...(errors.length > 10 ? [`  … ${errors.length - 10} more (see --json)`] : [])].join('\n'));
    }
    return 0;
  },
};
