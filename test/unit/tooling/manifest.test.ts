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
