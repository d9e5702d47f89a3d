/**
 * Imports one profile off the extension host's main thread. Receives
 * { path } or { bytes, name }, answers { ok: true, set } (typed arrays transferred, not
 * copied) or { ok: false, message } with a one-line error, never a stack.
 */
import { parentPort } from 'node:worker_threads';
import { ProfileImportError } from '../core/profile/errors';
import { importProfileBytes, importProfileFile } from '../core/profile/importers/index';
import type { ProfileSet } from '../core/profile/model';

export type WorkerRequest = { path: string; maxBytes?: number } | { bytes: Uint8Array; name: string; maxBytes?: number };
export type WorkerResponse = { ok: true; set: ProfileSet } | { ok: false; message: string };

function buffersOf(set: ProfileSet): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const p of set.profiles) {
    for (const a of [p.nodeFrame, p.nodeParent, p.nodeSelf, p.nodeTotal, p.timeline?.node, p.timeline?.weight, p.timeline?.time]) {
      // Arrays own their buffers, or are views over most of one (the builder's, a quarter
      // spare at most); a view over a small part of a larger buffer is copied instead.
      if (a && a.byteOffset === 0 && a.byteLength * 4 >= a.buffer.byteLength * 3 && !out.includes(a.buffer as ArrayBuffer)) out.push(a.buffer as ArrayBuffer);
    }
  }
  return out;
}

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  const options = request.maxBytes ? { maxBytes: request.maxBytes } : undefined;
  const name = 'path' in request ? request.path : request.name;
  try {
    const set = 'path' in request ? await importProfileFile(request.path, options) : await importProfileBytes(request.bytes, request.name, options);
    return { ok: true, set };
  } catch (e) {
    if (e instanceof ProfileImportError) return { ok: false, message: e.toLine() };
    return { ok: false, message: `${name}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

parentPort?.on('message', (request: WorkerRequest) => {
  void handle(request).then((response) => {
    parentPort!.postMessage(response, response.ok ? buffersOf(response.set) : []);
  });
});
