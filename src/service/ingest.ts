import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { ProfileImportError } from '../core/profile/errors';
import { importProfileBytes } from '../core/profile/importers/index';
import type { ProfileSet } from '../core/profile/model';
import { HttpError, isGzip } from './http';
import type { ProfileMeta, StoredProfile, WindowInput } from './store/store';
import { windowsOf } from './windows';

const gzip = promisify(zlib.gzip);

/** Imports decoded profile bytes; unreadable content is a 400 naming the body and the format tried. */
export async function importUpload(content: Buffer, maxBytes: number): Promise<ProfileSet> {
  try {
    return await importProfileBytes(content, undefined, { maxBytes });
  } catch (e) {
    if (e instanceof ProfileImportError) {
      const where = e.position ? ` (at ${e.position})` : '';
      const status = /larger than|limit/.test(e.message) ? 413 : 400;
      throw new HttpError(status, `${e.format ? `${e.format}: ` : ''}${e.message}${where}`, 'body');
    }
    throw e;
  }
}

export interface PreparedProfile {
  meta: ProfileMeta;
  format: string;
  rawGzip: Uint8Array;
  rawSize: number;
  windows: WindowInput[];
}

/** Compresses the original content for storage (reusing the client's gzip when it sent one) and computes the windows. */
export async function prepareProfile(
  body: Buffer,
  content: Buffer,
  set: ProfileSet,
  meta: ProfileMeta,
  options: { minShare: number; type?: string },
): Promise<PreparedProfile> {
  const rawGzip = isGzip(body) && body.length < content.length ? body : await gzip(content);
  const windows = windowsOf(set, options.minShare, options.type);
  if (windows.length === 0) throw new HttpError(400, `${set.format}: profile has no weighted samples`, 'body');
  return { meta, format: set.format, rawGzip, rawSize: content.length, windows };
}

export function profileSummary(p: StoredProfile, windows: WindowInput[], regressionIds: number[]) {
  return {
    id: p.id,
    service: p.service,
    time: p.time,
    commit: p.commit,
    version: p.version,
    labels: p.labels,
    format: p.format,
    rawSize: p.rawSize,
    windows: windows.map((w) => ({ type: w.type, unit: w.unit, totalWeight: w.totalWeight, sampleCount: w.sampleCount, functions: w.functions.length })),
    regressions: regressionIds,
  };
}
