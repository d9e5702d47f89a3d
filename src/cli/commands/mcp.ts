import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { version } from '../../../package.json';
import { allTools } from '../../core/tools/index';
import { createMcpServer } from '../../mcp/server';
import { CliError, type CliCommand } from '../command';
import { cliToolContext } from '../tool-context';

/** On stdio, stdout is the protocol channel: anything a library logs must go to stderr. */
function keepStdoutForProtocol(): void {
  console.log = console.error;
  console.info = console.error;
  console.debug = console.error;
}

export const mcpCommand: CliCommand = {
  path: ['mcp'],
  usage: 'mcp [--workspace DIR] [--profile FILE]... [--allow-execute]',
  summary: 'Serve the tools to MCP clients over stdio (tools that write or execute only with --allow-execute)',
  options: {
    workspace: { type: 'string' },
    profile: { type: 'string', multiple: true },
    'allow-execute': { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"; profiles are given with --profile FILE`);
    keepStdoutForProtocol();
    const profiles = (values.profile as string[] | undefined) ?? [];
    const allowExecute = values['allow-execute'] === true;
    const context = await cliToolContext({ workspace: values.workspace as string | undefined, profiles, allowExecute });
    const log = (message: string) => io.err(`hotpath mcp: ${message}`);
    const server = createMcpServer(context, { allowExecute, version, log });

    const closed = new Promise<void>((resolve) => {
      server.onclose = resolve;
    });
    const stop = () => void server.close();
    // The client ends the session by closing our stdin (or by a signal).
    process.stdin.once('end', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await server.connect(new StdioServerTransport());
    const restricted = allTools.filter((t) => t.effect !== 'read').map((t) => t.name);
    log(
      `serving ${allTools.length} tools on stdio; workspace ${context.root}; profiles: ${context.profiles.ids().join(', ') || 'none (use load_profile)'}; ` +
        `${restricted.join(', ')} ${allowExecute ? 'allowed' : 'refused (start with --allow-execute to allow)'}`,
    );
    await closed;
    process.stdin.off('end', stop);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return 0;
  },
};
