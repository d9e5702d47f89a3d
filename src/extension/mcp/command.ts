import * as path from 'node:path';

/** The command line of the MCP server for one folder: the bundled CLI under the host's own Node. */
export function mcpServerCommand(extensionPath: string, folder: string): { command: string; args: string[]; env: Record<string, string> } {
  // process.execPath is Electron in desktop VS Code; ELECTRON_RUN_AS_NODE makes it plain Node (Node ignores it).
  return { command: process.execPath, args: [path.join(extensionPath, 'dist', 'cli.js'), 'mcp', '--workspace', folder], env: { ELECTRON_RUN_AS_NODE: '1' } };
}
