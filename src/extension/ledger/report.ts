/**
 * The "Hotpath: Efficiency Report" webview panel: one per window, reusing the profile
 * view's strict CSP with a nonce; the report is loaded by the host and posted after `ready`.
 */
import * as vscode from 'vscode';
import { parseReportToHost, type Report, type ReportToHost, type ToReport } from '../../../webview/report/protocol';
import { profileViewHtml } from '../profiles/webviewHtml';

export type RenderedReport = Omit<Extract<ReportToHost, { type: 'rendered' }>, 'type'> & { source: string };

export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly drawn: RenderedReport[] = [];
  private source = '';

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly load: () => Promise<Report>,
  ) {}

  /** What the webview reported drawing, oldest first. */
  rendered(): RenderedReport[] {
    return [...this.drawn];
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
      await this.send();
      return;
    }
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('hotpath.efficiencyReport', 'Hotpath: Efficiency Report', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [dist],
    });
    this.panel = panel;
    panel.webview.html = profileViewHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'report.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'report.css')).toString(),
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => (this.panel = undefined));
  }

  /** Reloads the open panel after a new entry; nothing when it is closed. */
  refreshIfOpen(): void {
    if (this.panel) void this.send();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseReportToHost(raw);
    if (!parsed.ok) {
      this.log.warn(`efficiency report: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    switch (m.type) {
      case 'ready':
      case 'refresh':
        return this.send();
      case 'rendered': {
        const { type: _, ...numbers } = m;
        this.drawn.push({ ...numbers, source: this.source });
        return;
      }
      case 'webview/error':
        this.log.warn(`efficiency report: ${m.message}`);
        return;
    }
  }

  private async send(): Promise<void> {
    let message: ToReport;
    try {
      const report = await this.load();
      this.source = report.source;
      message = { type: 'report/load', report };
    } catch (e) {
      message = { type: 'report/error', message: e instanceof Error ? e.message : String(e) };
      this.log.warn(`efficiency report: ${message.message}`);
    }
    await this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
