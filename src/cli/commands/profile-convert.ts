import * as fs from 'node:fs';
import { once } from 'node:events';
import { collapsedLines } from '../../core/profile/export/collapsed';
import { speedscopeChunks } from '../../core/profile/export/speedscope';
import { CliError, type CliCommand } from '../command';
import { choiceOption, loadProfileSet, positionals, readOptions, selectProfile } from './profile-common';

const usage = 'profile convert FILE --to speedscope|collapsed [-o OUT] [--profile NAME] [--max-size SIZE]';

export const profileConvert: CliCommand = {
  path: ['profile', 'convert'],
  usage,
  summary: 'Convert a profile to speedscope JSON (all profiles) or collapsed stacks (one profile).',
  options: {
    ...readOptions,
    to: { type: 'string' },
    output: { type: 'string', short: 'o' },
    profile: { type: 'string' },
  },
  async run(args, io) {
    const [file] = positionals(args, usage, 'FILE');
    if (args.values.to === undefined) throw new CliError(`--to speedscope|collapsed is required\nUsage: hotpath ${usage}`);
    const to = choiceOption(args, 'to', ['speedscope', 'collapsed'] as const, 'speedscope');
    const set = await loadProfileSet(file, args);
    // speedscope holds every profile of the file; collapsed stacks have room for one.
    const chunks = to === 'speedscope' ? speedscopeChunks(set) : withNewlines(collapsedLines(selectProfile(set, file, args)));
    const out = args.values.output;
    if (typeof out !== 'string' || out === '-') {
      let text = '';
      for (const chunk of chunks) text += chunk;
      io.out(text);
      return 0;
    }
    await writeChunks(out, chunks);
    io.err(`wrote ${to === 'speedscope' ? 'speedscope JSON' : 'collapsed stacks'} to ${out}`);
    return 0;
  },
};

function* withNewlines(lines: Iterable<string>): Generator<string> {
  for (const line of lines) yield `${line}\n`;
}

/** Streams chunks to a file, waiting on back-pressure so a large profile never sits in memory as one string. */
async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const stream = fs.createWriteStream(file);
  // `once` rejects on 'error' while it waits; this listener covers the moments in between.
  stream.on('error', () => undefined);
  try {
    for (const chunk of chunks) {
      if (!stream.write(chunk)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (e) {
    stream.destroy();
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder does not exist' : (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new CliError(`cannot write output: ${why}`, { file });
  }
}
