import * as vscode from 'vscode';
import type { ProfileSet } from '../../core/profile/model';

/** The profile the editor heat and CodeLens describe: the profile view opened or focused last. */
export class ActiveProfile implements vscode.Disposable {
  private current: { uri: vscode.Uri; set: ProfileSet } | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  get value(): { uri: vscode.Uri; set: ProfileSet } | undefined {
    return this.current;
  }

  set(uri: vscode.Uri, set: ProfileSet): void {
    if (this.current?.uri.toString() === uri.toString() && this.current.set === set) return;
    this.current = { uri, set };
    this.changed.fire();
  }

  clear(): void {
    if (!this.current) return;
    this.current = undefined;
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
