/**
 * The ledger without a service: `.hotpath/ledger.jsonl` in the workspace, append-only, one
 * JSON entry per line, so it merges well in git and a crash loses at most the line being
 * written. A corrupt line is reported with its 1-based line number and skipped; the others
 * are still read.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ledgerEntrySchema, zodReason, type LedgerEntry, type LedgerStore } from './schema';

export function workspaceLedgerFile(workspace: string): string {
  return join(workspace, '.hotpath', 'ledger.jsonl');
}

/** Parses the file's text: valid entries in file order, and one problem per bad line. */
export function parseLedgerJsonl(text: string, file: string): { entries: LedgerEntry[]; problems: string[] } {
  const entries: LedgerEntry[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      problems.push(`${file}:${i + 1}: not JSON (${(e as Error).message}); line skipped`);
      return;
    }
    const parsed = ledgerEntrySchema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else problems.push(`${file}:${i + 1}: not a ledger entry (${zodReason(parsed.error)}); line skipped`);
  });
  return { entries, problems };
}

export class JsonlLedger implements LedgerStore {
  constructor(readonly file: string) {}

  async list(): Promise<{ entries: LedgerEntry[]; problems: string[] }> {
    return parseLedgerJsonl(await this.text(), this.file);
  }

  async append(entry: LedgerEntry): Promise<boolean> {
    const valid = ledgerEntrySchema.parse(entry);
    const text = await this.text();
    if (parseLedgerJsonl(text, this.file).entries.some((e) => e.id === valid.id)) return false;
    await mkdir(dirname(this.file), { recursive: true });
    // A last line cut short by a crash must not swallow the new entry.
    const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    await appendFile(this.file, `${separator}${JSON.stringify(valid)}\n`, 'utf8');
    return true;
  }

  private async text(): Promise<string> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw new Error(`${this.file}: cannot read the ledger (${(e as Error).message})`);
    }
  }
}
