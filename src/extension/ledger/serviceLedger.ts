/**
 * The ledger kept by a configured profile service (`/api/v1/ledger`), with the service's
 * fleet cores per service. vscode-free, so it is unit-tested against a real service.
 */
import { z } from 'zod';
import { ledgerEntrySchema, zodReason, type LedgerEntry, type LedgerStore } from '../../core/ledger/schema';
import { ServiceError, type ServiceClient } from '../service/client';

export class ServiceLedger implements LedgerStore {
  constructor(
    private readonly client: ServiceClient,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get where(): string {
    return `the service at ${this.client.url}`;
  }

  async append(entry: LedgerEntry): Promise<boolean> {
    const body = await this.request('POST', z.object({ added: z.boolean() }), JSON.stringify(ledgerEntrySchema.parse(entry)));
    return body.added;
  }

  async list(): Promise<{ entries: LedgerEntry[]; problems: string[] }> {
    const { entries, problems } = await this.listWithFleet();
    return { entries, problems };
  }

  /** Entries (each validated; a bad one is a problem, not a failure) and cores per service. */
  async listWithFleet(): Promise<{ entries: LedgerEntry[]; problems: string[]; fleet: Record<string, number> }> {
    const body = await this.request('GET', z.object({ entries: z.array(z.unknown()), fleet: z.record(z.string(), z.number()).default({}) }));
    const entries: LedgerEntry[] = [];
    const problems: string[] = [];
    body.entries.forEach((raw, i) => {
      const parsed = ledgerEntrySchema.safeParse(raw);
      if (parsed.success) entries.push(parsed.data);
      else problems.push(`${this.where}: ledger entry ${i + 1}: ${zodReason(parsed.error)}; skipped`);
    });
    return { entries, problems, fleet: body.fleet };
  }

  private async request<S extends z.ZodType>(method: 'GET' | 'POST', schema: S, body?: string): Promise<z.output<S>> {
    const what = `${method} /api/v1/ledger`;
    let res: Response;
    try {
      res = await this.fetchImpl(`${this.client.url}/api/v1/ledger`, { method, body, headers: this.client.headers(body ? { 'content-type': 'application/json' } : {}) });
    } catch (e) {
      throw new ServiceError(`${what}: cannot reach the Hotpath service at ${this.client.url} (${e instanceof Error ? e.message : String(e)})`, 0);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ServiceError(`${what}: HTTP ${res.status}, expected JSON but got "${text.slice(0, 80)}"`, res.status);
    }
    if (!res.ok) {
      const message = (json as { error?: { message?: string } } | undefined)?.error?.message;
      throw new ServiceError(`${what}: HTTP ${res.status}${message ? `: ${message}` : ''}`, res.status);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ServiceError(`${what}: unexpected response: ${zodReason(parsed.error)}`, res.status);
    return parsed.data;
  }
}
