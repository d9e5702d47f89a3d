import * as vscode from 'vscode';
import type { ActiveProfile } from '../profiles/activeProfile';
import type { WorkspaceSources } from '../profiles/workspaceSources';
import { costLabel, fileHeat, heatLevel, type FileHeat } from './fileHeat';

const THRESHOLD_SETTING = 'hotpath.heat.threshold';

function threshold(): number {
  return vscode.workspace.getConfiguration().get<number>(THRESHOLD_SETTING, 1);
}

/**
 * Editor heat for the active profile: a coloured bar and background on costly lines, an
 * end-of-line "x% self · y% total", and a CodeLens above hot functions that opens the flame
 * graph focused on them. Heat follows the active profile; "Clear Heat" removes it.
 */
export function registerHeat(context: vscode.ExtensionContext, active: ActiveProfile, sources: WorkspaceSources): void {
  const levels = (['heatLow', 'heatMedium', 'heatHigh'] as const).map((id) =>
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor(`hotpath.${id}`),
      borderColor: new vscode.ThemeColor(`hotpath.${id}Bar`),
      borderStyle: 'solid',
      borderWidth: '0 0 0 3px',
      overviewRulerColor: new vscode.ThemeColor(`hotpath.${id}Bar`),
      overviewRulerLane: vscode.OverviewRulerLane.Right,
    }),
  );
  const annotation = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  context.subscriptions.push(...levels, annotation);

  const cache = new Map<string, FileHeat>();
  const heatOf = (document: vscode.TextDocument): FileHeat | undefined => {
    const profile = active.value?.set.profiles[active.value.set.activeIndex];
    if (!profile || document.uri.scheme !== 'file') return undefined;
    const key = document.uri.toString();
    let heat = cache.get(key);
    if (!heat) cache.set(key, (heat = fileHeat(profile, document.uri.fsPath, sources.mappedFor(document.uri.fsPath))));
    return heat;
  };

  const decorate = (editor: vscode.TextEditor) => {
    const heat = heatOf(editor.document);
    const limit = threshold();
    const byLevel: vscode.Range[][] = [[], [], []];
    const notes: vscode.DecorationOptions[] = [];
    for (const line of heat?.lines ?? []) {
      if (line.line > editor.document.lineCount) continue;
      const range = editor.document.lineAt(line.line - 1).range;
      const level = heatLevel(line.selfPercent, limit);
      if (level > 0) byLevel[level - 1].push(range);
      if (Math.max(line.selfPercent, line.totalPercent) >= limit) {
        notes.push({ range, renderOptions: { after: { contentText: costLabel(line.selfPercent, line.totalPercent) } } });
      }
    }
    levels.forEach((type, i) => editor.setDecorations(type, byLevel[i]));
    editor.setDecorations(annotation, notes);
  };
  const decorateAll = () => vscode.window.visibleTextEditors.forEach(decorate);

  const lensesChanged = new vscode.EventEmitter<void>();
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(document) {
      const heat = heatOf(document);
      const profileUri = active.value?.uri.toString();
      if (!heat || !profileUri) return [];
      const limit = threshold();
      return heat.functions
        .filter((f) => f.totalPercent >= limit && f.line! <= document.lineCount)
        .map((f) => {
          const range = document.lineAt(f.line! - 1).range;
          return new vscode.CodeLens(range, {
            title: `Hotpath: ${costLabel(f.selfPercent, f.totalPercent)}`,
            tooltip: `Open the flame graph focused on ${f.name}`,
            command: 'hotpath.showFunction',
            arguments: [profileUri, f.name],
          });
        });
    },
  };

  const refresh = () => {
    cache.clear();
    decorateAll();
    lensesChanged.fire();
  };
  context.subscriptions.push(
    lensesChanged,
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, lenses),
    active.onDidChange(refresh),
    // source maps become available once the workspace is listed: heat moves to the original files
    sources.onDidChange(refresh),
    vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach(decorate)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(THRESHOLD_SETTING) && refresh()),
    // edits shift lines; the profile describes the file as it was, so drop stale heat
    vscode.workspace.onDidChangeTextDocument((e) => {
      const key = e.document.uri.toString();
      if (!e.contentChanges.length || !cache.has(key)) return;
      cache.set(key, { lines: [], functions: [] });
      vscode.window.visibleTextEditors.filter((ed) => ed.document === e.document).forEach(decorate);
      lensesChanged.fire();
    }),
    vscode.commands.registerCommand('hotpath.clearHeat', () => active.clear()),
  );
}
