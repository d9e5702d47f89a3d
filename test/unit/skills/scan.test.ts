import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { runCli } from '../../../src/cli/main';

const repo = join(__dirname, '..', '..', '..');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

interface ScanJson {
  findings: { skill: string; file: string; line: number; endLine: number; message: string; severity: string; weight: number | null }[];
  errors: { file: string; message: string }[];
  signals?: { skill: string; share: number; frames: string[] }[];
}

describe('hotpath scan', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotpath-scan-'));
  const write = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const clone = 'export const copy = (x) => JSON.parse(JSON.stringify(x));\n';

  before(() => {
    write('src/state.js', `'use strict';\n\n${clone}`);
    write('src/queue.ts', 'export function drain(queue: number[]) {\n  let n = 0;\n  while (queue.length) {\n    n += queue.shift()!;\n  }\n  return n;\n}\n');
    write('src/broken.js', 'function (\n');
    write('src/notes.md', clone);
    write('node_modules/dep/index.js', clone);
    write('dist/bundle.js', clone);
    write('generated/api.js', clone);
    write('.gitignore', 'generated/\n');
    write('.hotpath/skills/bad-skill/SKILL.md', '---\nname: other\n---\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('prints findings with 1-based lines, skips dependencies, build output and ignored folders, and reports unparsable files in errors', async () => {
    const { code, out } = await run(['scan', root, '--json']);
    assert.equal(code, 0);
    const result = JSON.parse(out) as ScanJson;
    assert.deepEqual(
      result.findings.map((f) => [f.skill, f.file.slice(root.length + 1), f.line, f.endLine, f.weight]),
      [
        ['js-array-shift-in-loop', 'src/queue.ts', 4, 4, null],
        ['js-json-clone', 'src/state.js', 3, 3, null],
      ],
    );
    for (const f of result.findings) assert.ok(f.message.length > 10 && ['info', 'warning', 'error'].includes(f.severity));
    const errors = result.errors.map((e) => [e.file.slice(root.length + 1), e.message]);
    assert.ok(errors.some(([file, msg]) => file === 'src/broken.js' && /javascript: syntax error at line 1/.test(msg)), JSON.stringify(errors));
    assert.ok(errors.some(([file, msg]) => file === '.hotpath/skills/bad-skill/SKILL.md' && /skill not loaded: invalid front matter: description: /.test(msg)), JSON.stringify(errors));
    assert.equal(errors.length, 2);
  });

  it('scans single files and limits to chosen skills', async () => {
    const { out } = await run(['scan', join(root, 'src/state.js'), join(root, 'src/queue.ts'), '--skill', 'js-json-clone', '--json']);
    assert.deepEqual((JSON.parse(out) as ScanJson).findings.map((f) => f.skill), ['js-json-clone']);
  });

  it('ranks findings by the profile cost of their lines', async () => {
    const program = join(repo, 'test/fixtures/programs/busy.js');
    const profile = join(repo, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');
    const { code, out } = await run(['scan', program, '--profile', profile, '--json']);
    assert.equal(code, 0);
    const result = JSON.parse(out) as ScanJson;
    assert.deepEqual(result.findings.map((f) => [f.skill, f.line]), [
      ['js-linear-lookup-in-loop', 19],
      ['js-regex-in-hot-path', 11],
    ]);
    const [lookup, regex] = result.findings;
    assert.ok(lookup.weight! > 0.05 && lookup.weight! <= 1, `weight ${lookup.weight}`);
    assert.ok(regex.weight! > 0 && regex.weight! < lookup.weight!);
    assert.ok(result.signals!.some((s) => s.skill === 'gc-pressure' && s.share > 0));
  });

  it('prints a ranked table without --json and fails with one line on a missing path', async () => {
    const { code, out, err } = await run(['scan', join(root, 'src')]);
    assert.equal(code, 0);
    assert.match(out, /Scanned 3 files \(\d+ lines\) with \d+ skills: 2 findings\./);
    assert.match(out, /1\. warning .*queue\.ts:4 {2}\[js-array-shift-in-loop\]/);
    assert.match(err, /1 file\(s\) not fully scanned:\n {2}.*broken\.js: javascript: syntax error at line 1/);
    const missing = await run(['scan', join(root, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /^hotpath: .*nope: no such file or folder/);
  });
});
