import type { CliCommand } from '../command';

/** Every CLI command, in the order `hotpath --help` lists them. */
export const commands: CliCommand[] = [];
