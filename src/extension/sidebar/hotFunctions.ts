import * as vscode from 'vscode';
import { rankHotFunctions, type HotFunction } from '../../core/profile/analysis/index';
import { costLabel } from '../heat/fileHeat';
import type { ActiveProfile } from '../profiles/activeProfile';

interface Row {
  fn: HotFunction;
  profileUri: string;
}

const TOP = 50;

/** "Hot Functions" in the Hotpath side bar: the active profile's heaviest functions by self weight. */
export function registerHotFunctionsView(context: vscode.ExtensionContext, active: ActiveProfile): void {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.TreeDataProvider<Row> = {
    onDidChangeTreeData: changed.event,
    getChildren(parent) {
      const current = active.value;
      if (parent || !current) return [];
      const profile = current.set.profiles[current.set.activeIndex];
      return rankHotFunctions(profile, { by: 'self', top: TOP }).map((fn) => ({ fn, profileUri: current.uri.toString() }));
    },
    getTreeItem({ fn, profileUri }) {
      const item = new vscode.TreeItem(fn.name || '(anonymous)');
      item.description = costLabel(fn.selfPercent, fn.totalPercent);
      item.tooltip = fn.file ? `${fn.file}${fn.line ? `:${fn.line}` : ''}` : 'no source location';
      item.iconPath = new vscode.ThemeIcon('flame');
      item.command = { command: 'hotpath.showFunction', title: 'Show in Flame Graph', arguments: [profileUri, fn.name] };
      return item;
    },
  };
  context.subscriptions.push(
    changed,
    vscode.window.registerTreeDataProvider('hotpath.hotFunctions', provider),
    active.onDidChange(() => changed.fire()),
  );
}
