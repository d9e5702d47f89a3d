/**
 * "Hotpath: Open in speedscope": speedscope's own release (dist/speedscope, copied from the npm
 * package at build time) in a webview, given the profile file's bytes by postMessage, so every
 * format speedscope reads opens as it would on speedscope.app.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ActiveProfile } from '../profiles/activeProfile';
import { speedscopeHtml, releaseAssets } from './html';
import { parseFromSpeedscope, type ToSpeedscope } from './protocol';

export const SPEEDSCOPE_VIEW_TYPE = 'hotpath.speedscope';

/** What the command resolves to once speedscope has shown (or refused) the file. */
export type SpeedscopeResult = { ok: true; title: string; width: number; height: number } | { ok: false; message: string };

/**
 * The file the command acts on: its argument (menus), else the profile view in front, else the
 * active profile (the user may be looking at its source), else a text file in front.
 */
function currentFile(arg: unknown, active: ActiveProfile): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom) return input.uri;
  return active.value?.uri ?? (input instanceof vscode.TabInputText ? input.uri : undefined);
}

export function registerSpeedscope(context: vscode.ExtensionContext, active: ActiveProfile, log: vscode.LogOutputChannel): void {
  const root = vscode.Uri.joinPath(context.extensionUri, 'dist', 'speedscope');
  let release: ReturnType<typeof releaseAssets> | undefined;

  const open = async (arg?: unknown): Promise<SpeedscopeResult | undefined> => {
    let uri = currentFile(arg, active);
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open in speedscope' });
      if (!picked?.[0]) return undefined;
      uri = picked[0];
    }
    let bytes: Uint8Array;
    try {
      release ??= releaseAssets(readFileSync(vscode.Uri.joinPath(root, 'index.html').fsPath, 'utf8'));
      bytes = await vscode.workspace.fs.readFile(uri);
    } catch (e) {
      const message = `${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}`;
      void vscode.window.showErrorMessage(`Hotpath: ${message}`);
      return { ok: false, message };
    }
    const name = path.basename(uri.path);
    const panel = vscode.window.createWebviewPanel(SPEEDSCOPE_VIEW_TYPE, `speedscope: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // speedscope keeps the imported profile only in memory: hiding the tab must not re-import it
      retainContextWhenHidden: true,
      localResourceRoots: [root],
    });
    const webview = panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, file)).toString();
    webview.html = speedscopeHtml({
      cspSource: webview.cspSource,
      bootstrapUri: asset('hotpath-bootstrap.js'),
      scriptUri: asset(release.script),
      styleUri: asset(release.style),
    });
    return new Promise<SpeedscopeResult>((resolve) => {
      // the first outcome settles the command; the view keeps answering `ready` (a webview
      // moved to another editor group reloads) until it is closed
      const finish = resolve;
      const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
        const parsed = parseFromSpeedscope(raw);
        if (!parsed.ok) {
          log.warn(`speedscope view ${uri.fsPath}: ${parsed.error}`);
          return;
        }
        const message = parsed.message;
        switch (message.type) {
          case 'ready':
            await webview.postMessage({ type: 'load', name, base64: Buffer.from(bytes).toString('base64') } satisfies ToSpeedscope);
            return;
          case 'shown':
            log.info(`speedscope shows ${uri.fsPath} (${message.title})`);
            return finish({ ok: true, title: message.title, width: message.width, height: message.height });
          case 'failed': {
            const text = `${uri.fsPath}: speedscope: ${message.message}`;
            log.error(text);
            void vscode.window.showErrorMessage(`Hotpath: ${text}`);
            return finish({ ok: false, message: text });
          }
        }
      });
      const closed = panel.onDidDispose(() => {
        subscription.dispose();
        closed.dispose();
        finish({ ok: false, message: `${uri.fsPath}: the speedscope view was closed` });
      });
    });
  };

  context.subscriptions.push(vscode.commands.registerCommand('hotpath.openInSpeedscope', open));
}
