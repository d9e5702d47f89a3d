import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { ProfileSet } from '../../core/profile/model';
import type { WorkerRequest, WorkerResponse } from '../worker';

/** A profile that could not be imported; `message` is one line for the user. */
export class ProfileOpenError extends Error {}

/**
 * Imports a profile in a worker thread (dist/worker.js) so a large file never blocks the
 * extension host, showing a cancellable progress notification meanwhile.
 */
export function importInWorker(extensionUri: vscode.Uri, uri: vscode.Uri): Promise<ProfileSet> {
  const label = uri.path.split('/').pop() ?? uri.toString();
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Hotpath: importing ${label}`, cancellable: true },
      async (_progress, token) => {
        const request: WorkerRequest =
          uri.scheme === 'file' ? { path: uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(uri), name: label };
        const worker = new Worker(vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath);
        try {
          return await new Promise<ProfileSet>((resolve, reject) => {
            token.onCancellationRequested(() => reject(new vscode.CancellationError()));
            worker.once('message', (response: WorkerResponse) =>
              response.ok ? resolve(response.set) : reject(new ProfileOpenError(response.message)),
            );
            worker.once('error', (e) => reject(new ProfileOpenError(`${label}: the import worker failed: ${e.message}`)));
            worker.once('exit', (code) => reject(new ProfileOpenError(`${label}: the import worker stopped (exit code ${code})`)));
            worker.postMessage(request);
          });
        } finally {
          void worker.terminate();
        }
      },
    ),
  );
}
