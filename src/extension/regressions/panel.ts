/**
 * The investigation panel (host side): one webview per regression, fed from the service; the
 * analysis runs once the timeline is up and streams into it. Status buttons PATCH the service;
 * proposals are shown as diffs and applied only on a click.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyEditProposal, EditProposalError } from '../../core/edits/proposal';
import { Git } from '../../core/git/git';
import { parsePanelToHost, type ToPanel } from '../../../webview/investigation/protocol';
import { profileViewHtml } from '../profiles/webviewHtml';
import { verifyAndCreatePullRequest } from '../pr/fixForward';
import type { Regression, ServiceClient } from '../service/client';
import { analyzeRegression, type RegressionProposal } from './analysis';
import { commitUri, diffDocumentUri } from './documents';
import { beforeAfter, diffMessage, loadInvestigation } from './investigationData';

export interface PanelReport {
  regression: number;
  points: number;
  markers: number;
  rectangles: number;
}

export interface PanelDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  client: ServiceClient;
  /** Called when the status changed through the panel (the tree refreshes). */
  onStatusChanged(r: Regression): void;
  /** Called on each `rendered` report. */
  onRendered(report: PanelReport): void;
}

const panels = new Map<number, vscode.WebviewPanel>();

export async function openInvestigation(r: Regression, deps: PanelDeps): Promise<void> {
  const existing = panels.get(r.id);
  if (existing) {
    existing.reveal();
    return;
  }
  const { context, log, client } = deps;
  const { investigation } = await loadInvestigation(client, r);
  const panel = vscode.window.createWebviewPanel('hotpath.investigation', `Regression: ${r.function.name}`, vscode.ViewColumn.Active, { retainContextWhenHidden: true });
  panels.set(r.id, panel);
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
  panel.webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(context.extensionUri, 'media')] };
  panel.webview.html = profileViewHtml({
    cspSource: panel.webview.cspSource,
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'investigation.js')).toString(),
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'investigation.css')).toString(),
  }).replace('<title>Hotpath profile</title>', '<title>Hotpath regression</title>');
  const abort = new AbortController();
  const send = (m: ToPanel) => void panel.webview.postMessage(m);
  let proposal: RegressionProposal | undefined;
  let started = false;
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const rootPath = root?.scheme === 'file' ? root.fsPath : undefined;

  const start = async () => {
    send({ type: 'investigation/load', investigation });
    let after;
    try {
      const pair = await beforeAfter(client, r);
      after = pair.after;
      send(diffMessage(pair.before, pair.after, r.function.name));
    } catch (e) {
      send({ type: 'diff/unavailable', reason: `No differential flame graph: ${e instanceof Error ? e.message : String(e)}` });
    }
    if (!after) {
      send({ type: 'analysis/error', message: 'The after-profile could not be read from the service, so there is nothing to analyze.' });
      return;
    }
    try {
      proposal = await analyzeRegression({ root: rootPath, investigation, after, signal: abort.signal }, (text) => !abort.signal.aborted && send({ type: 'analysis/chunk', text }));
      send({ type: 'analysis/done', ...(proposal ? { proposal: { kind: proposal.kind, title: proposal.title, diff: proposal.diff } } : {}) });
    } catch (e) {
      send({ type: 'analysis/error', message: `The analysis failed: ${e instanceof Error ? e.message : String(e)}` });
    }
  };

  const sub = panel.webview.onDidReceiveMessage(async (raw: unknown) => {
    const parsed = parsePanelToHost(raw);
    if (!parsed.ok) {
      log.warn(`investigation ${r.id}: ${parsed.error}`);
      return;
    }
    const m = parsed.message;
    try {
      switch (m.type) {
        case 'ready':
          // A reload of the webview asks again; the analysis runs only once.
          if (started) send({ type: 'investigation/load', investigation });
          else {
            started = true;
            await start();
          }
          return;
        case 'rendered':
          deps.onRendered({ regression: r.id, points: m.points, markers: m.markers, rectangles: m.rectangles });
          return;
        case 'commit/open':
          if (!rootPath) throw new Error('open a workspace folder with the service\'s git repository to see commits');
          await vscode.window.showTextDocument(commitUri(m.sha), { preview: true, viewColumn: vscode.ViewColumn.Beside });
          return;
        case 'status/set': {
          const updated = await client.setStatus(r.id, m.status);
          investigation.status = updated.status;
          send({ type: 'status/updated', status: updated.status });
          deps.onStatusChanged(updated);
          return;
        }
        case 'source/open': {
          if (!rootPath) throw new Error(`no workspace folder is open to show ${m.file}`);
          const target = path.resolve(rootPath, m.file);
          if (path.relative(rootPath, target).startsWith('..')) throw new Error(`${m.file} is outside the workspace`);
          const at = new vscode.Position(Math.max(0, (m.line ?? 1) - 1), 0);
          await vscode.window.showTextDocument(vscode.Uri.file(target), { selection: new vscode.Range(at, at), viewColumn: vscode.ViewColumn.Beside });
          return;
        }
        case 'proposal/open':
          if (proposal) await vscode.window.showTextDocument(diffDocumentUri(proposal.title, proposal.diff), { preview: true, viewColumn: vscode.ViewColumn.Beside });
          return;
        case 'proposal/apply':
          if (proposal && rootPath) send({ type: 'notice', message: await applyProposal(proposal, rootPath) });
          return;
        case 'proposal/pullRequest':
          if (proposal?.kind === 'fix' && rootPath) send({ type: 'notice', message: await verifyAndCreatePullRequest(proposal.edit, investigation, rootPath, client.url) });
          return;
        case 'webview/error':
          log.warn(`investigation ${r.id}: ${m.message}`);
          return;
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      log.error(`investigation ${r.id}: ${message}`);
      void vscode.window.showErrorMessage(`Hotpath: ${message}`);
    }
  });
  panel.onDidDispose(() => {
    abort.abort();
    sub.dispose();
    panels.delete(r.id);
  });
}

/** Applies a proposal after the user's click: the edit as an undoable WorkspaceEdit, a revert with `git apply`. */
async function applyProposal(p: RegressionProposal, root: string): Promise<string> {
  if (p.kind === 'revert') {
    await new Git(root).applyPatch(p.diff);
    return `Applied the revert of ${p.sha.slice(0, 10)} to the working tree (not committed).`;
  }
  const uri = vscode.Uri.joinPath(vscode.Uri.file(root), p.edit.file);
  const doc = await vscode.workspace.openTextDocument(uri);
  let next: string;
  try {
    next = applyEditProposal(doc.getText(), p.edit);
  } catch (e) {
    if (e instanceof EditProposalError) return `${e.message} Close and reopen the investigation to regenerate it.`;
    throw e;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), next);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit of ${p.edit.file}`);
  return `Applied the fix to ${p.edit.file} (undo with Ctrl+Z; save to keep it).`;
}
