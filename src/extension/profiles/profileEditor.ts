import * as vscode from 'vscode';
import type { Profile, ProfileSet } from '../../core/profile/model';
import { parseToHost, type ToHost, type ToWebview, type WireProfile } from '../../../webview/protocol';
import type { ActiveProfile } from './activeProfile';
import { importInWorker, ProfileOpenError } from './importInWorker';
import { revealFrameSource } from './revealSource';
import type { WorkspaceSources } from './workspaceSources';
import { frameSource, lineToReveal } from './sourcePaths';
import { profileViewHtml } from './webviewHtml';

export const PROFILE_VIEW_TYPE = 'hotpath.profileView';
/**
 * The same editor offered, not imposed, for names that other tools also use (any .json, .txt,
 * .gz, …): "Reopen Editor With…" lists it, and the content is sniffed as everywhere else.
 */
export const PROFILE_VIEW_OPTION_TYPE = 'hotpath.profileView.anyFile';

/** The numbers a view shows: the header (total, samples, unit) and the table's top row by self weight. */
export type ShownNumbers = NonNullable<Extract<ToHost, { type: 'rendered' }>['shown']>;

/**
 * What a profile or diff view reported, for the extension API (and the tests that drive it).
 * `uri` is the profile file (the after-profile for a diff).
 */
export type ProfileViewReport = { uri: string; view: 'profile' | 'diff' } & (
  | { event: 'ready' }
  | { event: 'rendered'; rectangles: number; ms: number; shown?: ShownNumbers }
  | { event: 'failed'; message: string }
);

/** Gives a webview the strict options and HTML every Hotpath flame graph view uses. */
export function setUpFlameWebview(webview: vscode.Webview, extensionUri: vscode.Uri): void {
  const dist = vscode.Uri.joinPath(extensionUri, 'dist');
  webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(extensionUri, 'media')] };
  webview.html = profileViewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
  });
}

type Loaded = { ok: true; set: ProfileSet } | { ok: false; message: string };

class ProfileDocument implements vscode.CustomDocument {
  private errorShown = false;
  /** Open webviews of this document that have loaded the profile. */
  readonly loadedViews = new Set<vscode.Webview>();
  /** A function to focus once a view has loaded (from a CodeLens before the view existed). */
  pendingFocus: string | undefined;
  constructor(
    readonly uri: vscode.Uri,
    readonly loaded: Promise<Loaded>,
  ) {}

  /** Shows an import failure once per document, not on every webview reload. */
  showErrorOnce(message: string): void {
    if (this.errorShown) return;
    this.errorShown = true;
    void vscode.window.showErrorMessage(`Hotpath: ${message}`);
  }

  dispose(): void {
    this.loadedViews.clear();
  }
}

/** The columnar model without the per-line maps, which only the host uses. */
export function toWire(p: Profile): WireProfile {
  const wire: WireProfile = {
    name: p.name,
    unit: p.unit,
    frames: p.frames,
    nodeCount: p.nodeCount,
    nodeFrame: p.nodeFrame,
    nodeParent: p.nodeParent,
    nodeSelf: p.nodeSelf,
    nodeTotal: p.nodeTotal,
    sampleCount: p.sampleCount,
    totalWeight: p.totalWeight,
  };
  if (p.timeline) wire.timeline = p.timeline;
  return wire;
}

/** The custom editor for profile files: imports in a worker, shows the flame graph webview. */
class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  private readonly documents = new Map<string, ProfileDocument>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly active: ActiveProfile,
    private readonly reports: vscode.EventEmitter<ProfileViewReport>,
    private readonly sources: WorkspaceSources,
  ) {}

  /** Opens the profile's flame graph and focuses it on the function `name`. */
  async showFunction(profileUri: vscode.Uri, name: string): Promise<void> {
    await vscode.commands.executeCommand('vscode.openWith', profileUri, PROFILE_VIEW_TYPE);
    const document = this.documents.get(profileUri.toString());
    if (!document) return;
    if (document.loadedViews.size === 0) document.pendingFocus = name;
    for (const view of document.loadedViews) await view.postMessage({ type: 'flame/focus', name } satisfies ToWebview);
  }

  openCustomDocument(uri: vscode.Uri): ProfileDocument {
    const loaded = importInWorker(this.extensionUri, uri).then(
      (set): Loaded => ({ ok: true, set }),
      (e): Loaded => {
        const message =
          e instanceof ProfileOpenError ? e.message : e instanceof vscode.CancellationError ? `${uri.fsPath}: import cancelled` : `${uri.fsPath}: ${String(e)}`;
        this.log.error(message);
        return { ok: false, message };
      },
    );
    const document = new ProfileDocument(uri, loaded);
    this.documents.set(uri.toString(), document);
    return document;
  }

  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    setUpFlameWebview(webview, this.extensionUri);
    const post = (message: ToWebview) => webview.postMessage(message);
    const uri = document.uri.toString();
    const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = parseToHost(raw);
      if (!parsed.ok) {
        this.log.warn(`profile view ${uri}: ${parsed.error}`);
        return;
      }
      const message = parsed.message;
      switch (message.type) {
        case 'ready': {
          this.reports.fire({ uri, view: 'profile', event: 'ready' });
          const loaded = await document.loaded;
          if (!loaded.ok) {
            document.showErrorOnce(loaded.message);
            this.reports.fire({ uri, view: 'profile', event: 'failed', message: loaded.message });
            await post({ type: 'profile/error', message: loaded.message });
            return;
          }
          const { set } = loaded;
          await post({
            type: 'profile/load',
            source: set.source ?? document.uri.fsPath,
            format: set.format,
            profiles: set.profiles.map(toWire),
            activeIndex: set.activeIndex,
          });
          document.loadedViews.add(webview);
          if (panel.active) this.active.set(document.uri, set);
          if (document.pendingFocus) {
            await post({ type: 'flame/focus', name: document.pendingFocus });
            document.pendingFocus = undefined;
          }
          return;
        }
        case 'rendered':
          this.reports.fire({ uri, view: 'profile', event: 'rendered', rectangles: message.rectangles, ms: message.ms, shown: message.shown });
          return;
        case 'source/reveal': {
          const loaded = await document.loaded;
          if (!loaded.ok) return;
          const profile = loaded.set.profiles[message.profile];
          const frame = profile?.frames[message.frame];
          const result = frame
            ? await revealFrameSource(frame, profile.lineSelf.get(message.frame), this.sources)
            : { ok: false as const, reason: `frame ${message.frame} of profile ${message.profile} does not exist` };
          if (!result.ok) {
            void vscode.window.showInformationMessage(`Hotpath: ${result.reason}`);
            await post({ type: 'source/unavailable', frame: message.frame, reason: result.reason });
          }
          return;
        }
        case 'frame/why': {
          const loaded = await document.loaded;
          const profile = loaded.ok ? loaded.set.profiles[message.profile] : undefined;
          const frame = profile?.frames[message.frame];
          if (!profile || !frame) {
            this.log.warn(`profile view ${uri}: frame ${message.frame} of profile ${message.profile} does not exist`);
            return;
          }
          // the hottest line of the frame, as "reveal" opens it; the chat maps recorded paths itself
          const source = frameSource(frame);
          const lines = profile.lineSelf.get(message.frame);
          const target = {
            function: frame.name,
            file: source.kind === 'path' ? source.path : undefined,
            line: source.kind === 'path' && (frame.line || lines?.size) ? lineToReveal(frame, lines).line : undefined,
          };
          await vscode.commands.executeCommand('hotpath.whyIsThisHot', target);
          return;
        }
        case 'webview/error':
          this.log.warn(`profile view ${uri}: ${message.message}`);
          return;
      }
    });
    let disposed = false;
    const viewState = panel.onDidChangeViewState(async () => {
      const loaded = await document.loaded;
      // The panel may have closed while the profile loaded; a disposed panel throws on `active`.
      if (!disposed && panel.active && loaded.ok) this.active.set(document.uri, loaded.set);
    });
    panel.onDidDispose(() => {
      disposed = true;
      subscription.dispose();
      viewState.dispose();
      document.loadedViews.delete(webview);
      if (this.documents.get(uri) === document && document.loadedViews.size === 0) this.documents.delete(uri);
    });
  }
}

/** Registers the profile custom editor and "show function in flame graph" (the CodeLens action). */
export function registerProfileEditor(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
  active: ActiveProfile,
  reports: vscode.EventEmitter<ProfileViewReport>,
  sources: WorkspaceSources,
): void {
  const provider = new ProfileEditorProvider(context.extensionUri, log, active, reports, sources);
  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.showFunction', (profileUri: string, name: string) =>
      provider.showFunction(vscode.Uri.parse(profileUri), name),
    ),
    // re-laying out a large profile on every tab switch would be slow
    ...[PROFILE_VIEW_TYPE, PROFILE_VIEW_OPTION_TYPE].map((viewType) => vscode.window.registerCustomEditorProvider(viewType, provider, { webviewOptions: { retainContextWhenHidden: true } })),
  );
}

/** "Hotpath: Open Profile…": any file, the format sniffed from its content. */
export function registerOpenProfileCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hotpath.openProfile', async (uri?: vscode.Uri) => {
      const target =
        uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Profile', title: 'Hotpath: Open Profile' }))?.[0];
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', target, PROFILE_VIEW_TYPE);
    }),
  );
}
