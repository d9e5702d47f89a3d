import type { CliCommand } from '../command';
import { verifyCommand } from './verify';

/** Every CLI command, in the order `hotpath --help` lists them. */
export const commands: CliCommand[] = [
  verifyCommand,
];
