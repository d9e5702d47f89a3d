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
import { registerChat } from './chat/chat';
import { registerQuickFixes } from './diagnostics/diagnostics';
import { registerLanguageModelTools } from './lmtools/lmTools';
import { registerModelCommands } from './models/models';
import { ExtensionToolContexts } from './lmtools/toolContext';
import { registerChatParticipant } from './participant/participant';
import { registerProposalReview } from './participant/proposals';
import { registerRegressions } from './regressions/regressions';
import { registerSpeedscope } from './speedscope/speedscope';
import { WorkspaceSources } from './profiles/workspaceSources';
import { registerCapture } from './capture/capture';
import { registerLedger } from './ledger/ledger';
import { registerPullRequests } from './pr/pr';
import { registerMcpServer } from './mcp/mcp';

export interface HotpathApi {
  /** Fires when a profile or diff view becomes ready, draws a frame, or fails to import. */
  readonly onDidReportProfileView: vscode.Event<ProfileViewReport>;
}

export function activate(context: vscode.ExtensionContext): HotpathApi {
  const log = vscode.window.createOutputChannel('Hotpath', { log: true });
  const reports = new vscode.EventEmitter<ProfileViewReport>();
  const active = new ActiveProfile();
  const sources = new WorkspaceSources(log);
  context.subscriptions.push(log, reports, active, sources);
  registerProfileEditor(context, log, active, reports, sources);
  registerOpenProfileCommand(context);
  registerHeat(context, active, sources);
  registerCompare(context, log, reports, sources);
  registerHotFunctionsView(context, active);
  const tools = new ExtensionToolContexts(active, sources);
  context.subscriptions.push(tools);
  registerProposalReview(context, tools);
  registerLanguageModelTools(context, tools);
  registerChatParticipant(context, tools, log);
  registerQuickFixes(context, tools, log);
  registerChat(context, active, tools, log);
  registerModelCommands(context);
  registerRegressions(context, log);
  registerSpeedscope(context, active, log);
  registerCapture(context, log);
  registerLedger(context, active, log);
  registerPullRequests(context, log);
  registerMcpServer(context);
  return { onDidReportProfileView: reports.event };
}

export function deactivate(): void {}
