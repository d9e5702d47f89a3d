/**
 * The service the extension starts itself when no URL is configured: `hotpath serve` from the
 * extension's own dist/cli.js, in a child process (SQLite work stays off the extension host's
 * thread), on 127.0.0.1 with an ephemeral port and a random token, so other local users
 * cannot read or write it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';

export interface LocalService {
  url: string;
  token: string;
  pid: number;
  stop(): Promise<void>;
}

export interface LocalServiceOptions {
  cliPath: string;
  dataDir: string;
  /** Git repository for root cause (the workspace folder), when it is one. */
  repo?: string;
  /** Node binary (default: this process's, run as Node when it is Electron). */
  node?: string;
  startTimeoutMs?: number;
}

export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  if (!fs.existsSync(options.cliPath)) throw new Error(`cannot start the local Hotpath service: ${options.cliPath} is missing (build the extension)`);
  fs.mkdirSync(options.dataDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  const args = [options.cliPath, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', options.dataDir, '--json'];
  if (options.repo) args.push('--repo', options.repo);
  // The token goes by environment, not argv, so `ps` does not show it.
  const child = spawn(options.node ?? process.execPath, args, {
    env: { ...process.env, HOTPATH_TOKEN: token, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`the local Hotpath service did not start within ${options.startTimeoutMs ?? 20_000} ms: ${err.trim().split('\n').pop() ?? ''}`));
    }, options.startTimeoutMs ?? 20_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line).url);
      } catch {
        reject(new Error(`the local Hotpath service printed an unexpected line: ${line.slice(0, 120)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the local Hotpath service exited with code ${code}: ${err.trim().split('\n').pop() ?? ''}`));
    });
  });
  return { url, token, pid: child.pid!, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
