import type { ParseArgsConfig } from 'node:util';

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandArgs {
  positionals: string[];
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

/** One CLI command, e.g. `hotpath profile summary FILE`. */
export interface CliCommand {
  /** Words that select the command: ["profile", "summary"]. */
  path: string[];
  /** Usage line after `hotpath`: "profile summary FILE [--top N] [--json]". */
  usage: string;
  /** One line for the command list. */
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Returns the process exit code. */
  run(args: CommandArgs, io: CliIO): Promise<number>;
}

/** An expected failure: printed as one line (or as JSON with --json), exit code 2. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly details: { file?: string; format?: string } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}
