import { parseArgs } from 'node:util';
import { ProfileImportError } from '../core/profile/errors';
import { CliError, type CliCommand, type CliIO } from './command';

export const stdio: CliIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** The command `argv` names among `commands` (the longest matching path), and the words after it. */
export function findCommand(commands: readonly CliCommand[], argv: string[]): { command: CliCommand; rest: string[] } | undefined {
  let best: { command: CliCommand; rest: string[] } | undefined;
  for (const command of commands) {
    const n = command.path.length;
    if (argv.length >= n && command.path.every((w, i) => argv[i] === w)) {
      if (!best || n > best.command.path.length) best = { command, rest: argv.slice(n) };
    }
  }
  return best;
}

/** Runs one command on the words after its path; returns the exit code. */
export async function runCommand(command: CliCommand, rest: string[], io: CliIO): Promise<number> {
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: hotpath ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  const json = rest.includes('--json');
  try {
    const parsed = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
    return await command.run({ positionals: parsed.positionals, values: parsed.values }, io);
  } catch (e) {
    return reportError(e, json, command, io);
  }
}

function reportError(e: unknown, json: boolean, command: CliCommand, io: CliIO): number {
  let message: string;
  let file: string | undefined;
  let format: string | undefined;
  if (e instanceof ProfileImportError) {
    message = e.position ? `${e.message} (at ${e.position})` : e.message;
    file = e.file;
    format = e.format;
  } else if (e instanceof CliError) {
    message = e.message;
    file = e.details.file;
    format = e.details.format;
  } else if (e instanceof Error && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    message = `${e.message}\nUsage: hotpath ${command.usage}`;
  } else {
    // An unexpected failure is still one line; HOTPATH_DEBUG=1 shows the stack.
    message = `internal error: ${e instanceof Error ? e.message : String(e)}`;
    if (process.env.HOTPATH_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
  }
  if (json) {
    io.out(JSON.stringify({ error: { message, file: file ?? null, format: format ?? null } }));
  } else {
    const prefix = [file, format].filter(Boolean).join(': ');
    io.err(`hotpath: ${prefix ? `${prefix}: ` : ''}${message}`);
  }
  return 2;
}

/** Runs `run` as the process's CLI: its exit code becomes the process's, a failure one line. */
export function runAsMain(run: () => Promise<number>): void {
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`hotpath: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
