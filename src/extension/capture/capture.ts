/**
 * "Hotpath: Profile a Command…": runs a command in the workspace folder under a profiler, shows
 * its output in the "Hotpath Capture" channel, then opens the profile in Hotpath's editor.
 * Runs only in trusted workspaces: the command and the profiler template come from the user.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROFILE_VIEW_TYPE } from '../profiles/profileEditor';
import { CaptureError, pickProfile, planCapture } from './plan';

const LAST_COMMAND = 'hotpath.capture.lastCommand';

/** Runs `commandLine` through the shell; resolves with its exit code (or signal). */
function run(commandLine: string, cwd: string, env: Record<string, string>, output: vscode.OutputChannel, token: vscode.CancellationToken): Promise<string> {
  return new Promise((resolve, reject) => {
    // its own process group, so cancelling stops the command's children too
    const child = spawn(commandLine, { cwd, env: { ...process.env, ...env }, shell: true, detached: process.platform !== 'win32' });
    child.stdout.on('data', (b: Buffer) => output.append(b.toString()));
    child.stderr.on('data', (b: Buffer) => output.append(b.toString()));
    const cancel = token.onCancellationRequested(() => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill();
        else process.kill(-child.pid, 'SIGINT');
      } catch {
        // already exited
      }
    });
    child.on('error', (e) => {
      cancel.dispose();
      reject(new CaptureError(`${commandLine}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      cancel.dispose();
      resolve(signal ? `signal ${signal}` : `exit code ${code}`);
    });
  });
}

export function registerCapture(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  const output = vscode.window.createOutputChannel('Hotpath Capture');
  context.subscriptions.push(output);

  const profileCommand = async (arg?: unknown): Promise<vscode.Uri | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Hotpath: Profile a Command runs programs, so it is disabled in untrusted workspaces.');
      return undefined;
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file') {
      void vscode.window.showErrorMessage('Hotpath: Profile a Command needs a local workspace folder to run in.');
      return undefined;
    }
    const command =
      typeof arg === 'string'
        ? arg
        : await vscode.window.showInputBox({
            title: 'Hotpath: Profile a Command',
            prompt: `Runs in ${folder.name}: Node programs with --cpu-prof, others with hotpath.capture.profilerCommand`,
            placeHolder: 'node app.js   npm run bench   python app.py',
            value: context.workspaceState.get<string>(LAST_COMMAND),
          });
    if (!command?.trim()) return undefined;
    await context.workspaceState.update(LAST_COMMAND, command);

    const template = vscode.workspace.getConfiguration('hotpath.capture', folder).get<string>('profilerCommand', '');
    const outDir = mkdtempSync(path.join(tmpdir(), 'hotpath-capture-'));
    try {
      const plan = planCapture(command, template, outDir, { nodeOptions: process.env.NODE_OPTIONS });
      if (plan.preload) writeFileSync(plan.preload.path, plan.preload.source);
      output.show(true);
      output.appendLine(`$ ${plan.commandLine}${plan.env.NODE_OPTIONS ? `   (NODE_OPTIONS=${plan.env.NODE_OPTIONS})` : ''}`);
      const status = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Hotpath: profiling ${command}`, cancellable: true },
        (_progress, token) => run(plan.commandLine, folder.uri.fsPath, plan.env, output, token),
      );
      output.appendLine(`[${status}]`);
      const files = readdirSync(outDir).map((name) => ({ name, size: statSync(path.join(outDir, name)).size }));
      const picked = pickProfile(files, plan.profilePattern);
      if (!picked) {
        const hint = plan.env.NODE_OPTIONS ? ': it started no Node process (set hotpath.capture.profilerCommand for other runtimes)' : ` in ${outDir}`;
        throw new CaptureError(`${command}: no profile was written${hint} [${status}]`);
      }
      const uri = vscode.Uri.file(path.join(outDir, picked));
      const profiles = files.filter((f) => plan.profilePattern.test(f.name)).length;
      if (profiles > 1) output.appendLine(`opening the largest of ${profiles} profiles in ${outDir}: ${picked}`);
      await vscode.commands.executeCommand('vscode.openWith', uri, PROFILE_VIEW_TYPE);
      return uri;
    } catch (e) {
      const message = e instanceof CaptureError ? e.message : `${command}: ${e instanceof Error ? e.message : String(e)}`;
      log.error(message);
      void vscode.window.showErrorMessage(`Hotpath: ${message}`);
      return undefined;
    }
  };

  context.subscriptions.push(vscode.commands.registerCommand('hotpath.profileCommand', profileCommand));
}
