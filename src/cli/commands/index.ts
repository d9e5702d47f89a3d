import type { CliCommand } from '../command';
import { verifyCommand } from './verify';
import { whyCommand } from './why';
import { askCommand } from './ask';
import { serveCommand } from './serve';
import { detectCommand } from './detect';
import { scanCommand } from './scan';
import { mcpCommand } from './mcp';
import { prCommand } from './pr';
import { profileConvert } from './profile-convert';
import { profileDiff } from './profile-diff';
import { profileLines } from './profile-lines';
import { profileSummary } from './profile-summary';

/** Every CLI command, in the order `hotpath --help` lists them. */
export const commands: CliCommand[] = [
  profileSummary,
  profileLines,
  profileDiff,
  profileConvert,
  whyCommand,
  askCommand,
  verifyCommand,
  prCommand,
  serveCommand,
  detectCommand,
  scanCommand,
  mcpCommand,
];
