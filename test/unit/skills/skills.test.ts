import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'mocha';
import YAML from 'yaml';
import { builtinSkillsDir, loadSkills, matchProfileSignals, runDetectors, type SkillLibrary } from '../../../src/core/skills/index';
import { grammarForFile } from '../../../src/core/skills/grammars';

describe('built-in skills', () => {
  let library: SkillLibrary;
  before(async () => {
    library = await loadSkills([builtinSkillsDir()]);
  });

  it('load without errors, at least 25 of them', () => {
    assert.deepEqual(library.errors, []);
    assert.ok(library.listSkills().length >= 25, `only ${library.listSkills().length} skills`);
  });

  it('cover every language and the profile-level signals', () => {
    const skills = library.listSkills();
    for (const lang of ['javascript', 'typescript', 'python', 'go', 'java']) {
      assert.ok(skills.some((s) => s.languages.includes(lang) && s.detectors.length > 0), `no detector for ${lang}`);
    }
    assert.ok(skills.filter((s) => s.signals.length > 0 && s.languages.includes('any')).length >= 9);
  });

  it('keep their front matter within the contract', () => {
    for (const s of library.listSkills()) {
      const fm = YAML.parse(readFileSync(s.file, 'utf8').split(/^---$/m)[1]);
      assert.equal(fm.name, basename(join(s.file, '..')));
      assert.ok(s.description.length <= 1024 && s.description.includes('Use when'), s.name);
    }
  });

  it('have before and after examples', () => {
    for (const s of library.listSkills()) {
      const names = s.examples.map((f) => basename(f));
      assert.ok(names.some((n) => n.startsWith('before.')), `${s.name}: no examples/before.*`);
      assert.ok(names.some((n) => n.startsWith('after.')), `${s.name}: no examples/after.*`);
    }
  });

  describe('detectors fire on before and stay silent on after', () => {
    const dir = builtinSkillsDir();
    const folders = readdirSync(dir).filter((f) => !f.includes('.'));
    for (const name of folders) {
      it(name, async () => {
        const skill = library.readSkill(name);
        assert.ok(skill, `${name} did not load`);
        if (skill.detectors.length === 0) return;
        const examples = skill.examples.filter((f) => grammarForFile(f));
        assert.ok(examples.length >= 2, `${name}: no parseable examples`);
        for (const file of examples) {
          const { findings, errors } = await runDetectors(library, [file], { skills: [name] });
          assert.deepEqual(errors, [], `${file} has syntax errors`);
          if (basename(file).startsWith('before.')) {
            assert.ok(findings.length > 0, `${name}: no finding in ${basename(file)}`);
            const marked = readFileSync(file, 'utf8').split('\n').flatMap((l, i) => (/\bhotpath-expect\b/.test(l) ? [i + 1] : []));
            if (marked.length) assert.deepEqual([...new Set(findings.map((f) => f.line))].sort((a, b) => a - b), marked, `${name}: ${basename(file)} lines`);
          } else {
            assert.deepEqual(findings.map((f) => `${f.line}: ${f.message}`), [], `${name}: false positive in ${basename(file)}`);
          }
        }
      });
    }
  });
});
