import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { teachFix } from '../../../src/core/ledger/teach';
import { loadDefaultSkills, runDetectors } from '../../../src/core/skills/index';

describe('ledger: teach this to Hotpath', function () {
  this.timeout(20_000);
  let ws: string;
  beforeEach(() => (ws = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-teach-ws-'))));
  afterEach(() => fs.rmSync(ws, { recursive: true, force: true }));

  it('adds the example to a built-in skill, which still loads and fires on a similar file', async () => {
    const before = 'function pick(orders, ids) {\n  const out = [];\n  for (const o of orders) {\n    if (ids.includes(o.id)) out.push(o);\n  }\n  return out;\n}\n';
    const proposal = createEditProposal(before, {
      file: 'src/pick.js',
      oldText: '  const out = [];\n  for (const o of orders) {\n    if (ids.includes(o.id)) out.push(o);',
      newText: '  const out = [];\n  const idSet = new Set(ids);\n  for (const o of orders) {\n    if (idSet.has(o.id)) out.push(o);',
      rationale: 'index once',
      skill: 'js-linear-lookup-in-loop',
    });
    const result = await teachFix({ workspace: ws, proposal, before, function: 'pick', verdict: 'faster, −40%', library: await loadDefaultSkills(ws) });
    assert.equal(result.skill, 'js-linear-lookup-in-loop');
    assert.equal(result.draft, false);
    assert.deepEqual(result.examples.map((f) => path.basename(f)), ['taught-1-before.js', 'taught-1-after.js']);
    // a second fix gets the next number, never overwriting the first
    const again = await teachFix({ workspace: ws, proposal, before, function: 'pick', verdict: 'faster', library: await loadDefaultSkills(ws) });
    assert.deepEqual(again.examples.map((f) => path.basename(f)), ['taught-2-before.js', 'taught-2-after.js']);

    const library = await loadDefaultSkills(ws);
    assert.deepEqual(library.errors, []);
    const skill = library.readSkill('js-linear-lookup-in-loop')!;
    assert.equal(skill.file, path.join(ws, '.hotpath', 'skills', 'js-linear-lookup-in-loop', 'SKILL.md'));
    assert.equal(skill.examples.length, 4);
    const similar = 'export function active(users, banned) {\n  return users.filter((u) => {\n    let keep = true;\n    for (const u2 of users) if (banned.indexOf(u2.name) >= 0) keep = false;\n    return keep;\n  });\n}\n';
    const found = await runDetectors(library, [{ path: 'other.js', text: similar }], { skills: [skill.name] });
    assert.deepEqual(found.findings.map((f) => [f.skill, f.line]), [['js-linear-lookup-in-loop', 4]]);
  });

  it('writes a draft skill with a generated detector for a new pattern, and the next scan finds it elsewhere', async () => {
    const before = 'function sortNames(names) {\n  for (let i = 1; i < names.length; i++) {\n    for (let j = i; j > 0 && names[j - 1].localeCompare(names[j]) > 0; j--) swap(names, j);\n  }\n}\n';
    const proposal = createEditProposal(before, {
      file: 'lib/sort.ts',
      oldText: 'names[j - 1].localeCompare(names[j]) > 0',
      newText: 'names[j - 1] > names[j]',
      rationale: 'plain comparison',
    });
    const result = await teachFix({ workspace: ws, proposal, before, function: 'sortNames', verdict: 'faster, −62%', library: await loadDefaultSkills(ws) });
    assert.deepEqual([result.skill, result.draft, result.detector], ['taught-sort-names', true, true]);
    const library = await loadDefaultSkills(ws);
    assert.deepEqual(library.errors, []);
    const skill = library.readSkill('taught-sort-names')!;
    assert.equal(skill.detectors.length, 1);
    assert.deepEqual(skill.signals.map((s) => s.frame), ['^sortNames$']);
    const similar = 'const rank = (xs: string[]) => {\n  let n = 0;\n  while (n < xs.length) {\n    if (xs[n].localeCompare("m") < 0) n++;\n    else break;\n  }\n  return xs.length ? xs[0].localeCompare("a") : 0;\n};\n';
    const found = await runDetectors(library, [{ path: 'rank.ts', text: similar }], { skills: [skill.name] });
    // inside the while loop, not the call outside any loop
    assert.deepEqual(found.findings.map((f) => f.line), [4]);
    // and not on the fixed code it was taught from
    const after = fs.readFileSync(result.examples[1], 'utf8');
    assert.equal((await runDetectors(library, [{ path: 'sort.ts', text: after }], { skills: [skill.name] })).findings.length, 0);
  });

  it('leaves a draft without a detector when none can be shown precise, and says so', async () => {
    const before = 'def total(rows):\n    s = ""\n    for r in rows:\n        s = s + r\n    return s\n';
    const proposal = createEditProposal(before, { file: 'app/total.py', oldText: '    s = ""\n    for r in rows:\n        s = s + r\n    return s', newText: '    return "".join(rows)', rationale: 'join' });
    const result = await teachFix({ workspace: ws, proposal, before, function: 'total', verdict: 'faster', library: await loadDefaultSkills(ws) });
    assert.deepEqual([result.skill, result.draft, result.detector], ['taught-total', true, false]);
    const library = await loadDefaultSkills(ws);
    assert.deepEqual(library.errors, []);
    const skill = library.readSkill('taught-total')!;
    assert.equal(skill.detectors.length, 0);
    assert.deepEqual(skill.languages, ['python']);
    assert.match(skill.body, /No detector was generated/);
  });
});
