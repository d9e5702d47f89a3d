import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'mocha';
import { builtinSkillsDir, loadSkills, runDetectors, workspaceSkillsDir } from '../../../src/core/skills/index';

const body = ['## When to use', 'x', '## Evidence to collect', 'x', '## Procedure', 'x', '## Edit pattern', 'x', '## Verify', 'x'].join('\n');

function skillText(name: string, metadata: string, description = 'Flags probe calls. Use when testing.'): string {
  return `---\nname: ${name}\ndescription: ${description}\nmetadata:\n${metadata}\n---\n\n${body}\n`;
}

const goodMetadata = `  languages: [javascript]
  tools: [run_skill_detectors]
  detectors:
    - id: probe
      grammars: [javascript]
      capture: call
      message: probe found
      query: |
        ((call_expression function: (identifier) @fn) @call (#eq? @fn "probe"))`;

describe('skill loading', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotpath-skills-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  function write(dir: string, name: string, text: string): string {
    mkdirSync(join(dir, name), { recursive: true });
    const file = join(dir, name, 'SKILL.md');
    writeFileSync(file, text);
    return file;
  }

  it('reports each broken skill with its file and reason, and still loads the good ones', async () => {
    const dir = join(root, 'mixed');
    write(dir, 'good-skill', skillText('good-skill', goodMetadata));
    const badYaml = write(dir, 'bad-yaml', '---\nname: bad-yaml\ndescription: a: b: c\nmetadata: {}\n---\n' + body);
    const noMeta = write(dir, 'no-metadata', `---\nname: no-metadata\ndescription: Use when never.\n---\n${body}`);
    const wrongName = write(dir, 'folder-name', skillText('other-name', goodMetadata));
    const badQuery = write(dir, 'bad-query', skillText('bad-query', goodMetadata.replace('(identifier) @fn', '(no_such_node) @fn')));
    const badPredicate = write(dir, 'bad-predicate', skillText('bad-predicate', goodMetadata.replace('(#eq? @fn "probe")', '(#made-up? @fn)')));
    const noUseWhen = write(dir, 'no-use-when', skillText('no-use-when', goodMetadata, 'Flags probe calls.'));
    const noSections = write(dir, 'no-sections', skillText('no-sections', goodMetadata).replace('## Verify', '## Check'));
    const badCapture = write(dir, 'bad-capture', skillText('bad-capture', goodMetadata.replace('capture: call', 'capture: nope')));
    mkdirSync(join(dir, 'empty-folder'));

    const library = await loadSkills([dir]);
    assert.deepEqual(library.listSkills().map((s) => s.name), ['good-skill']);
    const reasons = new Map(library.errors.map((e) => [e.file, e.message]));
    assert.match(reasons.get(badYaml)!, /invalid YAML front matter at line 3/);
    assert.match(reasons.get(noMeta)!, /metadata/);
    assert.match(reasons.get(wrongName)!, /name "other-name" must equal its folder name "folder-name"/);
    assert.match(reasons.get(badQuery)!, /detector "probe" \(javascript\): query does not compile: .*no_such_node/);
    assert.match(reasons.get(badPredicate)!, /unknown predicate #made-up\?/);
    assert.match(reasons.get(noUseWhen)!, /Use when/);
    assert.match(reasons.get(noSections)!, /missing section\(s\): "## Verify"/);
    assert.match(reasons.get(badCapture)!, /capture "@nope" is not in the query/);
    assert.match(reasons.get(join(dir, 'empty-folder'))!, /no SKILL\.md/);
    assert.equal(library.errors.length, 9);
  });

  it('loads workspace skills after the built-in ones, and a workspace skill overrides one of the same name', async () => {
    const workspace = join(root, 'ws');
    const dir = workspaceSkillsDir(workspace);
    write(dir, 'probe-calls', skillText('probe-calls', goodMetadata));
    write(dir, 'js-json-clone', skillText('js-json-clone', goodMetadata));
    const library = await loadSkills([builtinSkillsDir(), dir]);
    assert.deepEqual(library.errors, []);
    assert.ok(library.readSkill('js-linear-lookup-in-loop'));
    assert.equal(library.readSkill('js-json-clone')!.detectors[0].id, 'probe');
    const source = { path: 'a.js', text: 'probe(1);\nconst c = JSON.parse(JSON.stringify(x));\n' };
    const { findings } = await runDetectors(library, [source]);
    assert.deepEqual(
      findings.map((f) => `${f.skill}:${f.line}`),
      ['js-json-clone:1', 'probe-calls:1'],
    );
  });

  it('treats a missing folder as no skills, and reads a skill back by name', async () => {
    const library = await loadSkills([join(root, 'does-not-exist'), builtinSkillsDir()]);
    assert.deepEqual(library.errors, []);
    assert.equal(library.readSkill('nope'), undefined);
    const text = await library.readSkillText('js-json-clone');
    assert.match(text!, /^---\nname: js-json-clone/);
  });
});
