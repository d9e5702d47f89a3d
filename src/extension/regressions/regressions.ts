/**
 * Regressions in the editor: the connection to the profile service, its event stream (with
 * back-off), a notification per new regression, the "Regressions" tree of open ones, and the
 * investigation panel behind "Investigate".
 */
import * as vscode from 'vscode';
import type { Regression, StoredDeploy } from '../service/client';
import { registerServiceCommands, ServiceConnection, type ConnectionState } from '../service/connection';
import { recordResolvedRegression } from '../ledger/ledger';
import { subscribeRegressions, type Subscription } from '../service/stream';
import { registerRegressionDocuments } from './documents';
import { regressionDetail, regressionHeadline } from './format';
import { openInvestigation, type PanelReport } from './panel';

/** What the feature has shown, for `hotpath.regressions.state` (tests and other extensions). */
export interface RegressionsState {
  connection: ConnectionState['kind'];
  stream: 'connected' | 'disconnected' | 'idle';
  open: { id: number; headline: string }[];
  notified: string[];
  rendered: PanelReport[];
}

const LAST_EVENT_KEY = 'hotpath.regressions.lastEventId';

export function registerRegressions(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const connection = new ServiceConnection(context, log);
  const changed = new vscode.EventEmitter<void>();
  context.subscriptions.push(connection, changed);
  registerServiceCommands(context);
  registerRegressionDocuments(context);

  let open: Regression[] = [];
  let deploys = new Map<string, StoredDeploy[]>();
  let stream: Subscription | undefined;
  let streamState: RegressionsState['stream'] = 'idle';
  const notified: string[] = [];
  const rendered: PanelReport[] = [];
  const seen = new Set<number>();

  const client = () => (connection.state.kind === 'ready' ? connection.state.client : undefined);
  // Per service, so a replay after a restart of VS Code is not mixed across services.
  const streamKey = () => `${LAST_EVENT_KEY}:${connection.configuredUrl() || 'local'}`;

  const deploysOf = async (service: string): Promise<StoredDeploy[]> => {
    const c = client();
    if (!c) return [];
    if (!deploys.has(service)) deploys.set(service, await c.deploys(service).catch(() => []));
    return deploys.get(service)!;
  };
  const headline = async (r: Regression) => regressionHeadline(r, await deploysOf(r.service));

  const refresh = async () => {
    const c = client();
    deploys = new Map();
    if (!c) {
      open = [];
    } else {
      try {
        open = await c.regressions({ status: 'open' });
        for (const r of open) seen.add(r.id);
        view.message = undefined;
      } catch (e) {
        open = [];
        view.message = e instanceof Error ? e.message : String(e);
      }
    }
    changed.fire();
  };

  const investigate = async (arg?: number | { id: number }) => {
    const c = client();
    if (!c) {
      void vscode.window.showErrorMessage(`Hotpath: no profile service is connected${connection.state.kind === 'failed' ? ` (${connection.state.message})` : ''}.`);
      return;
    }
    const id = typeof arg === 'number' ? arg : arg?.id;
    if (id === undefined) return;
    try {
      await openInvestigation(await c.regression(id), {
        context,
        log,
        client: c,
        onStatusChanged: (updated) => {
          void refresh();
          if (updated.status === 'fixed') void recordResolvedRegression(updated);
        },
        onRendered: (report) => rendered.push(report),
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.error(`investigate regression ${id}: ${message}`);
      void vscode.window.showErrorMessage(`Hotpath: ${message}`);
    }
  };

  const announce = async (r: Regression) => {
    if (seen.has(r.id) || r.status !== 'open') return;
    seen.add(r.id);
    open = [...open.filter((x) => x.id !== r.id), r];
    changed.fire();
    deploys.delete(r.service); // a deploy may have arrived since the cache was filled
    const text = await headline(r);
    notified.push(text);
    const choice = await vscode.window.showWarningMessage(text, 'Investigate', 'Dismiss');
    if (choice === 'Investigate') await investigate(r.id);
  };

  const provider: vscode.TreeDataProvider<Regression> = {
    onDidChangeTreeData: changed.event,
    getChildren: (parent) => (parent ? [] : [...open].sort((a, b) => b.detectedAt - a.detectedAt)),
    async getTreeItem(r) {
      const item = new vscode.TreeItem(await headline(r));
      item.description = r.service;
      item.tooltip = regressionDetail(r);
      item.iconPath = new vscode.ThemeIcon('warning');
      item.contextValue = 'hotpath.regression';
      item.command = { command: 'hotpath.investigateRegression', title: 'Investigate', arguments: [r.id] };
      return item;
    },
  };
  const view = vscode.window.createTreeView('hotpath.regressions', { treeDataProvider: provider });
  context.subscriptions.push(view);

  const onConnection = (state: ConnectionState) => {
    stream?.dispose();
    stream = undefined;
    streamState = 'idle';
    void vscode.commands.executeCommand('setContext', 'hotpath.serviceConnected', state.kind === 'ready');
    if (state.kind === 'failed') view.message = state.message;
    if (state.kind !== 'ready') {
      open = [];
      changed.fire();
      return;
    }
    void refresh();
    stream = subscribeRegressions(state.client, {
      lastEventId: context.workspaceState.get<string>(streamKey()),
      onRegression: (r) => {
        void context.workspaceState.update(streamKey(), String(r.id));
        void announce(r);
      },
      onStatus: (s) => {
        streamState = s.state;
        if (s.state === 'disconnected') log.warn(`Hotpath service stream: ${s.error}; reconnecting in ${s.retryInMs} ms`);
        else log.info(`Hotpath service stream: connected to ${state.client.url}`);
      },
    });
  };
  context.subscriptions.push(connection.onDidChange(onConnection), { dispose: () => stream?.dispose() });

  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.investigateRegression', investigate),
    vscode.commands.registerCommand('hotpath.refreshRegressions', () => refresh()),
    vscode.commands.registerCommand('hotpath.regressions.state', async (): Promise<RegressionsState> => ({
      connection: connection.state.kind,
      stream: streamState,
      open: await Promise.all(open.map(async (r) => ({ id: r.id, headline: await headline(r) }))),
      notified: [...notified],
      rendered: [...rendered],
    })),
  );
  void connection.connect();
}
