/**
 * `hotpath` (dist/cli.js, bin/hotpath.js). The profile commands run from here, with only the
 * profile engine loaded. Every other command, `--help` and unknown commands run from the
 * whole CLI (main.ts, bundled as dist/cli-full.js), loaded when needed: it is 2.6 MB (the
 * agent, the service, MCP, zod, openai) and reading, compiling and starting it took 220 ms
 * before any command ran.
 */
import * as path from 'node:path';
import { profileConvert } from './commands/profile-convert';
import { profileDiff } from './commands/profile-diff';
import { profileLines } from './commands/profile-lines';
import { profileSummary } from './commands/profile-summary';
import { findCommand, runAsMain, runCommand, stdio } from './dispatch';

const profileCommands = [profileSummary, profileLines, profileDiff, profileConvert];

/** Runs the CLI on this process's arguments. */
export function main(): void {
  const argv = process.argv.slice(2);
  const found = findCommand(profileCommands, argv);
  if (found) {
    runAsMain(() => runCommand(found.command, found.rest, stdio));
    return;
  }
  // Not a path esbuild can follow, so the whole CLI stays out of this bundle. From the
  // sources (tsx) it is main.ts beside this file.
  const full = path.join(__dirname, __filename.endsWith('.ts') ? 'main.ts' : 'cli-full.js');
  (require(full) as typeof import('./main')).main();
}

if (require.main === module) main();
