import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mcpServerCommand } from '../../../src/extension/mcp/command';

describe('MCP server definition for VS Code', () => {
  it('starts the bundled CLI (the esbuild output) under the host Node with `mcp --workspace FOLDER`', () => {
    const c = mcpServerCommand('/ext', '/home/u/project with space');
    assert.equal(c.command, process.execPath);
    assert.deepEqual(c.args, [path.join('/ext', 'dist', 'cli.js'), 'mcp', '--workspace', '/home/u/project with space']);
    assert.deepEqual(c.env, { ELECTRON_RUN_AS_NODE: '1' });
    const build = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'esbuild.mjs'), 'utf8');
    // dist/cli.js is the entry that hands `mcp` to the whole CLI beside it.
    assert.match(build, /entryPoints: \['src\/cli\/entry\.ts'\], outfile: 'dist\/cli\.js'/);
    assert.match(build, /entryPoints: \['src\/cli\/main\.ts'\], outfile: 'dist\/cli-full\.js'/);
  });
});
