import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configFileSchema, configFrom, type ServiceConfig } from '../../service/config';
import { startService } from '../../service/server';
import { CliError, type CliCommand, type CommandArgs } from '../command';

function parseSize(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(text.trim());
  if (!m) throw new CliError(`${flag} must be a size such as 32M or 1G, got "${text}"`);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * scale);
}

function readConfigFile(file: string, dataDir: string): ServiceConfig {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CliError(`cannot read the config: ${(e as Error).message}`, { file });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(`${issue.path.join('.') || 'config'}: ${issue.message}`, { file });
  }
  return configFrom(parsed.data, dataDir);
}

/** Builds the service configuration from flags (over the config file, over the defaults). */
export function serveConfig(values: CommandArgs['values']): ServiceConfig {
  const str = (k: string) => values[k] as string | undefined;
  const dataDir = path.resolve(str('data') ?? process.env.HOTPATH_DATA ?? path.join(os.homedir(), '.hotpath', 'data'));
  const config = str('config') ? readConfigFile(str('config')!, dataDir) : configFrom(configFileSchema.parse({}), dataDir);
  if (str('host')) config.host = str('host')!;
  if (str('port') !== undefined) {
    const port = Number(str('port'));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer in 0..65535, got "${str('port')}"`);
    config.port = port;
  }
  const token = str('token') ?? process.env.HOTPATH_TOKEN ?? config.token;
  if (token !== undefined && token.length < 8) throw new CliError('--token must be at least 8 characters');
  config.token = token;
  if (str('max-body')) config.maxBodyBytes = parseSize(str('max-body')!, '--max-body');
  if (str('max-decompressed')) config.maxDecompressedBytes = parseSize(str('max-decompressed')!, '--max-decompressed');
  for (const spec of (values.repo as string[] | undefined) ?? []) {
    // SERVICE=PATH for one service, a bare PATH for every service.
    const eq = spec.indexOf('=');
    const [service, dir] = eq > 0 && !fs.existsSync(spec) ? [spec.slice(0, eq), spec.slice(eq + 1)] : ['*', spec];
    if (!fs.existsSync(path.join(dir, '.git')) && !fs.existsSync(path.join(dir, 'HEAD'))) throw new CliError(`--repo ${spec}: ${dir} is not a git repository`);
    config.repos[service] = path.resolve(dir);
  }
  return config;
}

export const serveCommand: CliCommand = {
  path: ['serve'],
  usage: 'serve [--port 4318] [--host 127.0.0.1] [--data DIR] [--token TOKEN] [--repo [SERVICE=]PATH] [--config FILE] [--max-body 32M] [--max-decompressed 256M] [--json]',
  summary: 'Run the profile service (ingest, series, regressions) until SIGINT/SIGTERM',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    data: { type: 'string' },
    token: { type: 'string' },
    repo: { type: 'string', multiple: true },
    config: { type: 'string' },
    'max-body': { type: 'string' },
    'max-decompressed': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }, io) {
    const config = serveConfig(values);
    let running;
    try {
      running = await startService(config);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${config.port} on ${config.host} is already in use (choose another with --port)`);
      if (code === 'EACCES') throw new CliError(`not allowed to listen on ${config.host}:${config.port}`);
      throw e;
    }
    const auth = config.token ? ', token required' : '';
    io.out(values.json ? JSON.stringify({ url: running.url, data: config.dataDir }) : `hotpath serve: listening on ${running.url} (data: ${config.dataDir}${auth})`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.err(`hotpath serve: ${signal}: finishing requests in flight`);
    await running.close();
    io.err('hotpath serve: stopped');
    return 0;
  },
};
