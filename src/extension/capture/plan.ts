/**
 * How "Hotpath: Profile a Command…" runs a command: Node programs through NODE_OPTIONS (so
 * `npm run x` and every Node child process are profiled too), other runtimes through the
 * `hotpath.capture.profilerCommand` template. Pure, so it is unit-tested without VS Code.
 */
import * as path from 'node:path';

export class CaptureError extends Error {}

/** Programs whose processes are Node: NODE_OPTIONS reaches them without a template. */
const NODE_PROGRAMS = new Set(['node', 'nodejs', 'npm', 'npx', 'pnpm', 'yarn', 'tsx', 'ts-node', 'mocha', 'jest', 'vitest']);

export interface CapturePlan {
  /** The shell command line to run in the workspace folder. */
  commandLine: string;
  /** Variables to add to the inherited environment. */
  env: Record<string, string>;
  /** Which files of the output folder are profiles: .cpuprofile for Node, any for a template. */
  profilePattern: RegExp;
  /** A script to write before running (the Node preload), outside the profile pattern. */
  preload?: { path: string; source: string };
}

/**
 * What `node --cpu-prof --cpu-prof-dir=$HOTPATH_CPU_PROF_DIR` does, as a `--require` preload:
 * Node 20 refuses --cpu-prof in NODE_OPTIONS, but accepts --require. The inspector session of
 * the process itself answers synchronously, so the profile is written inside 'exit'.
 */
export const CPU_PROFILE_PRELOAD = `'use strict';
(() => {
  const dir = process.env.HOTPATH_CPU_PROF_DIR;
  if (!dir) return;
  const fs = require('fs');
  const path = require('path');
  const { Session } = require('inspector');
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      fs.writeFileSync(path.join(dir, 'CPU.' + Date.now() + '.' + process.pid + '.cpuprofile'), JSON.stringify(result.profile));
    });
  });
  // Cancelling sends SIGINT: a program without its own handler exits through 'exit', so a
  // server stopped this way still leaves its profile; one with a handler keeps its behaviour.
  process.on('SIGINT', () => {
    if (process.listenerCount('SIGINT') === 1) process.exit(130);
  });
})();
`;

/** Quotes one argument for the platform's shell (sh, or cmd.exe on Windows). */
export function quoteArg(arg: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `"${arg.replace(/"/g, '""')}"`;
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Splits a command into its arguments the way sh would for a simple command (quotes and
 * backslashes), refusing what only a shell can run (pipes, redirection, substitution), since a
 * profiler template runs the command itself, not through a shell.
 */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  let current: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (/\s/.test(c)) {
      if (current !== undefined) args.push(current);
      current = undefined;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new CaptureError(`command: unterminated ' at column ${i + 1}`);
      current = (current ?? '') + command.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        if (command[j] === '$' || command[j] === '`') throw new CaptureError(`command: expansion at column ${j + 1} needs a shell; put the command in a script`);
        if (command[j] === '\\' && j + 1 < command.length && '"\\$`'.includes(command[j + 1])) j++;
        text += command[j];
      }
      if (j >= command.length) throw new CaptureError(`command: unterminated " at column ${i + 1}`);
      current = (current ?? '') + text;
      i = j;
    } else if (c === '\\' && i + 1 < command.length) {
      current = (current ?? '') + command[++i];
    } else if ('|&;<>()$`'.includes(c)) {
      throw new CaptureError(`command: '${c}' at column ${i + 1} needs a shell; put the command in a script`);
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== undefined) args.push(current);
  if (args.length === 0) throw new CaptureError('command: expected a program to run');
  return args;
}

/** Whether the command starts a Node process (after any VAR=value assignments). */
export function isNodeCommand(command: string): boolean {
  const program = command.trim().split(/\s+/).find((word) => !/^\w+=/.test(word)) ?? '';
  const name = program.replace(/^.*[\\/]/, '').replace(/\.(exe|cmd)$/i, '');
  return NODE_PROGRAMS.has(name);
}

/** `--require <preload>` in NODE_OPTIONS syntax, where double quotes group and backslash escapes. */
function nodeOptions(preload: string, existing: string | undefined): string {
  const quoted = /[\s"\\]/.test(preload) ? `"${preload.replace(/["\\]/g, '\\$&')}"` : preload;
  return [existing?.trim(), `--require ${quoted}`].filter(Boolean).join(' ');
}

/**
 * The plan for `command` writing its profile into `outDir` (a fresh folder). A configured
 * template is used unless the command is a Node program; `{out}` becomes `outDir/profile`,
 * `{cmd}` the command's arguments, each quoted so nothing in them reaches the shell.
 */
export function planCapture(
  command: string,
  template: string,
  outDir: string,
  opts: { platform?: NodeJS.Platform; nodeOptions?: string } = {},
): CapturePlan {
  const platform = opts.platform ?? process.platform;
  if (command.trim() === '') throw new CaptureError('command: expected a program to run');
  if (template.trim() === '' || isNodeCommand(command)) {
    const preload = (platform === 'win32' ? path.win32 : path.posix).join(outDir, 'hotpath-cpu-prof.cjs');
    return {
      commandLine: command,
      env: { NODE_OPTIONS: nodeOptions(preload, opts.nodeOptions), HOTPATH_CPU_PROF_DIR: outDir },
      profilePattern: /\.cpuprofile$/,
      preload: { path: preload, source: CPU_PROFILE_PRELOAD },
    };
  }
  if (!template.includes('{out}') || !template.includes('{cmd}')) {
    throw new CaptureError(`hotpath.capture.profilerCommand: expected both {out} and {cmd} in "${template}"`);
  }
  const out = quoteArg((platform === 'win32' ? path.win32 : path.posix).join(outDir, 'profile'), platform);
  const cmd = splitCommand(command)
    .map((a) => quoteArg(a, platform))
    .join(' ');
  return { commandLine: template.replace(/\{out\}|\{cmd\}/g, (m) => (m === '{out}' ? out : cmd)), env: {}, profilePattern: /./ };
}

/** The profile to open among the files written: the largest (npm's own process writes a small one too). */
export function pickProfile(files: { name: string; size: number }[], pattern: RegExp): string | undefined {
  return files.filter((f) => pattern.test(f.name) && f.size > 0).sort((a, b) => b.size - a.size)[0]?.name;
}
