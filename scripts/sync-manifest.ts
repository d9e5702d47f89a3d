// Writes `contributes.languageModelTools` in package.json from the tools' zod schemas
// (run with `npx tsx scripts/sync-manifest.ts`; test/unit/tooling/manifest.test.ts fails on drift).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { languageModelToolContributions } from '../src/core/tools/manifest';

const file = path.join(__dirname, '..', 'package.json');
const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
manifest.contributes = { ...manifest.contributes, languageModelTools: languageModelToolContributions() };
fs.writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`package.json: ${manifest.contributes.languageModelTools.length} language model tools`);
