/**
 * Offers `hotpath mcp` for each workspace folder through VS Code's MCP server definition API,
 * so agent mode and other MCP clients in VS Code get Hotpath's tools. Hosts without the API
 * (older VS Code, code-server builds without it) get nothing and no error.
 */
import * as vscode from 'vscode';
import { mcpServerCommand } from './command';

export const MCP_PROVIDER_ID = 'hotpath.mcp';

/** The slice of the API this needs (finalized in VS Code 1.101; @types/vscode here is 1.100). */
interface McpApi {
  registerMcpServerDefinitionProvider(id: string, provider: { onDidChangeMcpServerDefinitions?: vscode.Event<void>; provideMcpServerDefinitions(token: vscode.CancellationToken): unknown[] }): vscode.Disposable;
}
type StdioDefinition = new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => { cwd?: vscode.Uri };

export function registerMcpServer(context: vscode.ExtensionContext): boolean {
  const lm = vscode.lm as unknown as Partial<McpApi> | undefined;
  const Stdio = (vscode as unknown as { McpStdioServerDefinition?: StdioDefinition }).McpStdioServerDefinition;
  if (typeof lm?.registerMcpServerDefinitionProvider !== 'function' || typeof Stdio !== 'function') return false;
  const changed = new vscode.EventEmitter<void>();
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '');
  let registration: vscode.Disposable;
  try {
    registration = lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () =>
        (vscode.workspace.workspaceFolders ?? [])
          .filter((f) => f.uri.scheme === 'file')
          .map((f) => {
            const { command, args, env } = mcpServerCommand(context.extensionPath, f.uri.fsPath);
            const definition = new Stdio(`Hotpath (${f.name})`, command, args, env, version);
            definition.cwd = f.uri;
            return definition;
          }),
    });
  } catch {
    // Pre-release hosts (VS Code 1.100) expose the API but reject providers under other contribution names.
    changed.dispose();
    return false;
  }
  context.subscriptions.push(changed, vscode.workspace.onDidChangeWorkspaceFolders(() => changed.fire()), registration);
  return true;
}
