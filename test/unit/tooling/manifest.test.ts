import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allTools } from '../../../src/core/tools/index';
import { languageModelToolContributions } from '../../../src/core/tools/manifest';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('package.json languageModelTools', () => {
  it('equal what the zod schemas generate (run `npx tsx scripts/sync-manifest.ts` after changing a tool)', () => {
    assert.deepEqual(manifest.contributes.languageModelTools, languageModelToolContributions());
  });

  it('offer only read-only tools, prefixed hotpath_', () => {
    const names = (manifest.contributes.languageModelTools as { name: string }[]).map((t) => t.name);
    assert.ok(names.includes('hotpath_get_hotspots'));
    assert.ok(!names.includes('hotpath_run_benchmark'), 'tools that execute are not offered to agent mode');
    for (const name of names) assert.equal(allTools.find((t) => `hotpath_${t.name}` === name)?.effect, 'read');
  });
});

describe('package.json customEditors', () => {
  const editors = manifest.contributes.customEditors as { viewType: string; priority: string; selector: { filenamePattern: string }[] }[];
  const patterns = (viewType: string) => editors.find((e) => e.viewType === viewType)?.selector.map((s) => s.filenamePattern) ?? [];

  it('open the profile-only names in the flame graph by default', () => {
    assert.equal(editors.find((e) => e.viewType === 'hotpath.profileView')?.priority, 'default');
    for (const p of ['*.cpuprofile', '*.pprof', '*.pb.gz', '*.folded', '*.collapsed', '*.perf', '*.speedscope.json', '*.trace.json']) assert.ok(patterns('hotpath.profileView').includes(p), p);
  });

  it('offer it for names other tools share (any .json: trace events, Firefox profiles), without taking them over', () => {
    const option = editors.find((e) => e.viewType === 'hotpath.profileView.anyFile');
    assert.equal(option?.priority, 'option');
    for (const p of ['*.json', '*.json.gz', '*.txt']) assert.ok(patterns('hotpath.profileView.anyFile').includes(p), p);
    assert.ok(!patterns('hotpath.profileView').includes('*.json'), 'plain .json files keep their text editor');
  });
});
