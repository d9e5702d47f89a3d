/**
 * The whole CLI: every command (dist/cli-full.js). `hotpath` starts in entry.ts, which runs
 * the profile commands itself and hands everything else here.
 */
import type { CliIO } from './command';
import { commands } from './commands/index';
import { findCommand, runAsMain, runCommand, stdio } from './dispatch';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  const lines = commands.map((c) => `  hotpath ${c.usage.padEnd(width)}  ${c.summary}`);
  return ['Hotpath — a performance assistant for profiles, code and regressions.', '', 'Usage:', ...lines, '', 'Run `hotpath COMMAND --help` for one command.'].join('\n');
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(argv: string[], io: CliIO = stdio): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText());
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(commands, argv);
  if (!found) {
    io.err(`hotpath: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${helpText()}`);
    return 2;
  }
  return runCommand(found.command, found.rest, io);
}

/** Runs the CLI on this process's arguments. */
export function main(): void {
  runAsMain(() => runCli(process.argv.slice(2)));
}

if (require.main === module) main();
