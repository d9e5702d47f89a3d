import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toSpeedscope } from '../../../src/core/profile/export/speedscope';
import { importProfileBytes, importProfileFile } from '../../../src/core/profile/importers/index';
import type { ProfileInput } from '../../../src/core/profile/input';
import type { Profile, ProfileSet } from '../../../src/core/profile/model';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'profiles');

/**
 * A stable text form of a profile for snapshots: a header with the totals, then the folded
 * stacks sorted, each frame as name (file:line) so location data is reviewed too.
 */
export function foldedSnapshot(profile: Profile): string {
  const lines: string[] = [];
  const labels = profile.frames.map((f) => {
    const loc = f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''}${f.column ? `:${f.column}` : ''})` : '';
    return JSON.stringify(f.name + loc).slice(1, -1);
  });
  for (let node = 1; node < profile.nodeCount; node++) {
    const self = profile.nodeSelf[node];
    if (self === 0) continue;
    const parts: string[] = [];
    for (let n = node; n > 0; n = profile.nodeParent[n]) parts.push(labels[profile.nodeFrame[n]]);
    lines.push(`${parts.reverse().join(';')} ${round(self)}`);
  }
  lines.sort();
  const header = `# ${profile.name} | unit=${profile.unit} | samples=${profile.sampleCount} | total=${round(profile.totalWeight)} | stacks=${lines.length}`;
  return `${header}\n${lines.join('\n')}\n`;
}

export function setSnapshot(set: ProfileSet): string {
  return `# format=${set.format} profiles=${set.profiles.length}\n${set.profiles.map(foldedSnapshot).join('')}`;
}

function round(n: number): string {
  return String(Number(n.toPrecision(12)));
}

/**
 * Compares `actual` with the committed snapshot file beside the fixture (`<fixture>.snap`).
 * A missing snapshot fails unless UPDATE_SNAPSHOTS=1, which writes it for review.
 */
export function assertSnapshot(fixture: string, actual: string): void {
  const snapFile = `${fixture}.snap`;
  if (process.env.UPDATE_SNAPSHOTS === '1') {
    fs.writeFileSync(snapFile, actual);
    return;
  }
  assert.ok(fs.existsSync(snapFile), `missing snapshot ${snapFile}; run with UPDATE_SNAPSHOTS=1 and review it`);
  assert.equal(actual, fs.readFileSync(snapFile, 'utf8'), `snapshot differs: ${snapFile}`);
}

export interface ImportExpectation {
  format: string;
  /** Total weight of each profile, in order (e.g. from speedscope's reference snapshot). */
  totals?: number[];
  /** Names of the profiles, in order. */
  names?: string[];
  units?: string[];
}

/**
 * The three checks every importer test makes (STYLE.md): import the real capture and compare
 * to expectations and the reviewed snapshot; re-import the bytes without the file name (the
 * format is sniffed from content); round-trip through the speedscope export.
 */
export async function checkImport(fixture: string, expect: ImportExpectation): Promise<ProfileSet> {
  const set = await importProfileFile(fixture);
  assert.equal(set.format, expect.format, 'detected format');
  if (expect.totals) {
    assert.equal(set.profiles.length, expect.totals.length, 'profile count');
    expect.totals.forEach((t, i) => assertClose(set.profiles[i].totalWeight, t, `total weight of profile ${i}`));
  }
  if (expect.names) assert.deepEqual(set.profiles.map((p) => p.name), expect.names);
  if (expect.units) assert.deepEqual(set.profiles.map((p) => p.unit), expect.units);
  for (const p of set.profiles) {
    assertClose(p.nodeTotal[0], p.totalWeight, `root total of ${p.name}`);
  }
  const snapshot = setSnapshot(set);
  assertSnapshot(fixture, snapshot);

  const anonymous = await importProfileBytes(fs.readFileSync(fixture));
  assert.equal(anonymous.format, set.format, 'format sniffed without the file name');
  assert.equal(setSnapshot(anonymous), snapshot, 'same result without the file name');

  const exported = await importProfileBytes(Buffer.from(toSpeedscope(set)));
  assert.equal(exported.format, 'speedscope', 'export re-imports as speedscope');
  assert.equal(exported.profiles.length, set.profiles.length);
  exported.profiles.forEach((p, i) => {
    assertClose(p.totalWeight, set.profiles[i].totalWeight, `round-trip total of profile ${i}`);
    assert.equal(stacksOnly(foldedSnapshot(p)), stacksOnly(foldedSnapshot(set.profiles[i])), `round-trip stacks of profile ${i}`);
  });
  return set;
}

/** The folded lines without the header (sample counts legitimately differ after export). */
function stacksOnly(snapshot: string): string {
  return snapshot.slice(snapshot.indexOf('\n') + 1);
}

export function assertClose(actual: number, expected: number, what: string): void {
  const tol = Math.max(1e-9, Math.abs(expected) * 1e-9);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual}`);
}

/**
 * `chunks` as `recycledChunks(format, buffers)` hands them out: copied into `buffers` buffers
 * used in turn, each poisoned before it is reused, so an importer that keeps a chunk longer
 * than it may reads garbage (and its test fails).
 */
export async function* recycled(chunks: AsyncIterable<Uint8Array>, buffers: number): AsyncIterable<Uint8Array> {
  const ring: Uint8Array[] = [];
  let i = 0;
  for await (const chunk of chunks) {
    const slot = i++ % Math.max(2, buffers);
    if (!ring[slot] || ring[slot].length < chunk.length) ring[slot] = new Uint8Array(Math.max(chunk.length, 16));
    ring[slot].fill(0x7e);
    ring[slot].set(chunk);
    yield ring[slot].subarray(0, chunk.length);
  }
}

/** The same bytes delivered in small chunks, as a large file would arrive from disk. */
export function chunkedInput(bytes: Uint8Array, chunkSize: number): ProfileInput {
  return {
    name: undefined,
    head: bytes.subarray(0, 64 * 1024),
    gzipped: false,
    maxBytes: Number.MAX_SAFE_INTEGER,
    bytes: async () => bytes,
    text: async () => Buffer.from(bytes).toString('utf8'),
    async *chunks() {
      for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
    },
    recycledChunks(format: string, buffers: number) {
      return recycled(this.chunks(format), buffers);
    },
  };
}
