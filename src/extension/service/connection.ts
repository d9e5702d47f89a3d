/**
 * Which profile service the editor talks to: `hotpath.service.url` with its token from
 * SecretStorage, or — when the URL is empty — a service the extension starts itself on
 * 127.0.0.1 with its SQLite data in the workspace storage folder. Fires when the client
 * changes (settings, token, local service up or down).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ServiceClient } from './client';
import { startLocalService, type LocalService } from './localService';

export const TOKEN_SECRET = 'hotpath.service.token';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'ready'; client: ServiceClient; local: boolean }
  | { kind: 'failed'; message: string };

export class ServiceConnection implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChange = this.changed.event;
  private current: ConnectionState = { kind: 'connecting' };
  private local: LocalService | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hotpath.service') && void this.connect()),
      context.secrets.onDidChange((e) => e.key === TOKEN_SECRET && this.configuredUrl() && void this.connect()),
    );
  }

  get state(): ConnectionState {
    return this.current;
  }

  configuredUrl(): string {
    return (vscode.workspace.getConfiguration('hotpath.service').get<string>('url') ?? '').trim();
  }

  /** (Re)connects from the current settings; returns the new state. */
  async connect(): Promise<ConnectionState> {
    const generation = ++this.generation;
    this.set({ kind: 'connecting' });
    const url = this.configuredUrl();
    let next: ConnectionState;
    try {
      if (url) {
        await this.stopLocal();
        if (!/^https?:\/\//.test(url)) throw new Error(`hotpath.service.url must start with http:// or https://, got "${url}"`);
        const token = await this.context.secrets.get(TOKEN_SECRET);
        next = { kind: 'ready', client: new ServiceClient({ url, token }), local: false };
      } else {
        this.local ??= await this.startLocal();
        next = { kind: 'ready', client: new ServiceClient({ url: this.local.url, token: this.local.token }), local: true };
      }
    } catch (e) {
      next = { kind: 'failed', message: e instanceof Error ? e.message : String(e) };
      this.log.error(`Hotpath service: ${next.message}`);
    }
    // A later connect() (settings changed meanwhile) wins.
    if (generation === this.generation) this.set(next);
    return this.current;
  }

  private set(state: ConnectionState): void {
    this.current = state;
    this.changed.fire(state);
  }

  private async startLocal(): Promise<LocalService> {
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const dataDir = path.join(storage.fsPath, 'service');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const repo = folder?.scheme === 'file' && fs.existsSync(path.join(folder.fsPath, '.git')) ? folder.fsPath : undefined;
    const local = await startLocalService({ cliPath: vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'cli.js').fsPath, dataDir, repo });
    this.log.info(`Hotpath service: started on ${local.url} (pid ${local.pid}, data ${dataDir})`);
    return local;
  }

  private async stopLocal(): Promise<void> {
    const local = this.local;
    this.local = undefined;
    if (local) await local.stop();
  }

  dispose(): void {
    this.generation++;
    void this.stopLocal();
    for (const d of this.disposables) d.dispose();
  }
}

/** "Hotpath: Set Service Token" (an argument sets it without the prompt, for scripts) and "Hotpath: Configure Service". */
export function registerServiceCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.setServiceToken', async (given?: string) => {
      const token =
        typeof given === 'string'
          ? given
          : await vscode.window.showInputBox({
              title: 'Hotpath: Service Token',
              prompt: 'Bearer token of the Hotpath service (stored in VS Code\'s secret storage; empty clears it)',
              password: true,
              ignoreFocusOut: true,
            });
      if (token === undefined) return;
      if (token === '') await context.secrets.delete(TOKEN_SECRET);
      else await context.secrets.store(TOKEN_SECRET, token);
    }),
    vscode.commands.registerCommand('hotpath.configureService', () => vscode.commands.executeCommand('workbench.action.openSettings', 'hotpath.service')),
  );
}
