/**
 * Composition root: one registerX(context) per feature, nothing else. The returned API lets
 * other extensions (and the tests in test/vscode) observe the profile views.
 */
import * as vscode from 'vscode';
import { registerCompare } from './compare/compare';
import { registerHeat } from './heat/heat';
import { ActiveProfile } from './profiles/activeProfile';
import { registerOpenProfileCommand, registerProfileEditor, type ProfileViewReport } from './profiles/profileEditor';
import { registerHotFunctionsView } from './sidebar/hotFunctions';

export interface HotpathApi {
  /** Fires when a profile or diff view becomes ready, draws a frame, or fails to import. */
  readonly onDidReportProfileView: vscode.Event<ProfileViewReport>;
}

export function activate(context: vscode.ExtensionContext): HotpathApi {
  const log = vscode.window.createOutputChannel('Hotpath', { log: true });
  const reports = new vscode.EventEmitter<ProfileViewReport>();
  const active = new ActiveProfile();
  context.subscriptions.push(log, reports, active);
  registerProfileEditor(context, log, active, reports);
  registerOpenProfileCommand(context);
  registerHeat(context, active);
  registerCompare(context, log, reports);
  registerHotFunctionsView(context, active);
  return { onDidReportProfileView: reports.event };
}

export function deactivate(): void {}
