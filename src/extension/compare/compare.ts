import * as vscode from 'vscode';
import { diffTree, topChanges, type FunctionDiff } from '../../core/profile/analysis/index';
import type { ProfileSet } from '../../core/profile/model';
import { parseToHost, type ToWebview, type WireProfile } from '../../../webview/protocol';
import { importInWorker, ProfileOpenError } from '../profiles/importInWorker';
import { setUpFlameWebview, type ProfileViewReport } from '../profiles/profileEditor';
import { revealFrameSource } from '../profiles/revealSource';
import type { WorkspaceSources } from '../profiles/workspaceSources';

const fileName = (uri: vscode.Uri) => uri.path.split('/').pop() ?? uri.toString();

/** Before and after from the arguments VS Code passes (two URIs, or the explorer's selection), else from dialogs. */
async function pickPair(first?: vscode.Uri, second?: vscode.Uri | vscode.Uri[]): Promise<[vscode.Uri, vscode.Uri] | undefined> {
  if (Array.isArray(second) && second.length === 2) return [second[0], second[1]];
  if (first instanceof vscode.Uri && second instanceof vscode.Uri) return [first, second];
  const pick = async (title: string) =>
    (await vscode.window.showOpenDialog({ canSelectMany: false, title, openLabel: title.split(' ')[1] }))?.[0];
  const before = await pick('Hotpath: Before profile');
  const after = before && (await pick('Hotpath: After profile'));
  return before && after ? [before, after] : undefined;
}

/**
 * "Hotpath: Compare Profiles…": a differential flame graph of the after-profile coloured by the
 * change of each call path's share of the total, with the functions whose self share moved
 * most. Returns those changes (largest first), or undefined when cancelled or failed.
 */
export function registerCompare(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  reports: vscode.EventEmitter<ProfileViewReport>,
  sources: WorkspaceSources,
): void {
  const reportFailure = (afterUri: vscode.Uri, text: string) => {
    log.error(text);
    reports.fire({ uri: afterUri.toString(), view: 'diff', event: 'failed', message: text });
    void vscode.window.showErrorMessage(`Hotpath: ${text}`);
  };
  const compare = async (first?: vscode.Uri, second?: vscode.Uri | vscode.Uri[]): Promise<FunctionDiff[] | undefined> => {
    const pair = await pickPair(first, second);
    if (!pair) return undefined;
    const [beforeUri, afterUri] = pair;
    let sets: [ProfileSet, ProfileSet];
    try {
      sets = await Promise.all([importInWorker(context.extensionUri, beforeUri), importInWorker(context.extensionUri, afterUri)]);
    } catch (e) {
      const message = e instanceof ProfileOpenError ? e.message : 'import cancelled';
      reportFailure(afterUri, message);
      return undefined;
    }
    const before = sets[0].profiles[sets[0].activeIndex];
    const after = sets[1].profiles[sets[1].activeIndex];
    let tree: ReturnType<typeof diffTree>;
    try {
      tree = diffTree(before, after);
    } catch (e) {
      reportFailure(afterUri, `${fileName(beforeUri)} vs ${fileName(afterUri)}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
    const changes = topChanges(before, after, { by: 'self', top: 50 });
    const profile: WireProfile = {
      name: `${fileName(afterUri)} vs ${fileName(beforeUri)}`,
      unit: tree.unit,
      frames: tree.frames,
      nodeCount: tree.nodeCount,
      nodeFrame: tree.nodeFrame,
      nodeParent: tree.nodeParent,
      nodeSelf: tree.afterSelf,
      nodeTotal: tree.afterTotal,
      sampleCount: after.sampleCount,
      totalWeight: tree.afterTotalWeight,
    };
    const message: ToWebview = {
      type: 'diff/load',
      before: fileName(beforeUri),
      after: fileName(afterUri),
      profile,
      beforeTotal: tree.beforeTotal,
      beforeTotalWeight: tree.beforeTotalWeight,
      changes: changes.map((c) => ({
        name: c.name,
        ...(c.file ? { file: c.file } : {}),
        ...(c.line ? { line: c.line } : {}),
        beforePercent: c.self.beforePercent,
        afterPercent: c.self.afterPercent,
        delta: c.self.delta,
      })),
    };

    const panel = vscode.window.createWebviewPanel('hotpath.diffView', `${fileName(beforeUri)} ↔ ${fileName(afterUri)}`, vscode.ViewColumn.Active, {
      retainContextWhenHidden: true,
    });
    setUpFlameWebview(panel.webview, context.extensionUri);
    const uri = afterUri.toString();
    const subscription = panel.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = parseToHost(raw);
      if (!parsed.ok) {
        log.warn(`diff view ${uri}: ${parsed.error}`);
        return;
      }
      const m = parsed.message;
      switch (m.type) {
        case 'ready':
          reports.fire({ uri, view: 'diff', event: 'ready' });
          await panel.webview.postMessage(message);
          return;
        case 'rendered':
          reports.fire({ uri, view: 'diff', event: 'rendered', rectangles: m.rectangles, ms: m.ms });
          return;
        case 'source/reveal': {
          const frame = tree.frames[m.frame];
          const result = frame ? await revealFrameSource(frame, undefined, sources) : { ok: false as const, reason: `frame ${m.frame} does not exist` };
          if (!result.ok) {
            void vscode.window.showInformationMessage(`Hotpath: ${result.reason}`);
            await panel.webview.postMessage({ type: 'source/unavailable', frame: m.frame, reason: result.reason } satisfies ToWebview);
          }
          return;
        }
        case 'webview/error':
          log.warn(`diff view ${uri}: ${m.message}`);
          return;
      }
    });
    panel.onDidDispose(() => subscription.dispose());
    return changes;
  };
  context.subscriptions.push(vscode.commands.registerCommand('hotpath.compareProfiles', compare));
}
