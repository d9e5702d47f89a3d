import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import { loadSkills, runDetectors, type SkillLibrary } from '../../../src/core/skills/index';

const body = ['## When to use', 'x', '## Evidence to collect', 'x', '## Procedure', 'x', '## Edit pattern', 'x', '## Verify', 'x'].join('\n');

/** Detectors that report `probe(...)` calls when one predicate holds, one skill per predicate. */
const probes: Record<string, { grammars: string[]; query: string }[]> = {
  'inside-loop': [
    { grammars: ['javascript', 'typescript'], query: '((call_expression function: (identifier) @fn) @call (#eq? @fn "probe") (#inside-loop? @call))' },
    { grammars: ['python'], query: '((call function: (identifier) @fn) @call (#eq? @fn "probe") (#inside-loop? @call))' },
    { grammars: ['go'], query: '((call_expression function: (identifier) @fn) @call (#eq? @fn "probe") (#inside-loop? @call))' },
    { grammars: ['java'], query: '((method_invocation name: (identifier) @fn) @call (#eq? @fn "probe") (#inside-loop? @call))' },
  ],
  'uses-loop-var': [
    { grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments) @args) @call (#eq? @fn "probe") (#uses-loop-var? @args))' },
    { grammars: ['python'], query: '((call function: (identifier) @fn arguments: (argument_list) @args) @call (#eq? @fn "probe") (#uses-loop-var? @args))' },
  ],
  'not-uses-loop-var': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments) @args) @call (#eq? @fn "probe") (#not-uses-loop-var? @args))' }],
  'not-mutated-in-loop': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments (identifier) @x)) @call (#eq? @fn "probe") (#not-mutated-in-loop? @x))' }],
  'inside-function': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn) @call (#eq? @fn "probe") (#inside-function? @call))' }],
  'loop-condition-mentions': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments (identifier) @x)) @call (#eq? @fn "probe") (#loop-condition-mentions? @x))' }],
  'loop-independent': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn) @call (#eq? @fn "probe") (#loop-independent? @call))' }],
  'in-function-with-param': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn) @call (#eq? @fn "probe") (#in-function-with-param? @call "^req$"))' }],
  'binding-matches': [
    { grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments (identifier) @x)) @call (#eq? @fn "probe") (#binding-matches? @x "= \\\\["))' },
    { grammars: ['go'], query: '((call_expression function: (identifier) @fn arguments: (argument_list (identifier) @x)) @call (#eq? @fn "probe") (#binding-matches? @x "string"))' },
  ],
  'module-binding-matches': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments (identifier) @x)) @call (#eq? @fn "probe") (#module-binding-matches? @x "new Map"))' }],
  'no-member': [{ grammars: ['javascript'], query: '((call_expression function: (identifier) @fn arguments: (arguments (identifier) @x)) @call (#eq? @fn "probe") (#no-member? @x "clear|delete"))' }],
};

const languageOf: Record<string, string> = { javascript: 'javascript', typescript: 'typescript', python: 'python', go: 'go', java: 'java' };

/** Lines marked `yes` (in a trailing comment) are exactly the lines the probe must report. */
async function check(library: SkillLibrary, skill: string, path: string, text: string): Promise<void> {
  const { findings, errors } = await runDetectors(library, [{ path, text }], { skills: [skill] });
  assert.deepEqual(errors, [], `${path} does not parse`);
  const expected = text.split('\n').flatMap((l, i) => (/(\/\/|#) yes\b/.test(l) ? [i + 1] : []));
  assert.deepEqual(findings.map((f) => f.line), expected, `${skill} on ${path}`);
}

describe('detector predicates', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotpath-predicates-'));
  let library: SkillLibrary;
  before(async () => {
    for (const [name, detectors] of Object.entries(probes)) {
      const languages = [...new Set(detectors.flatMap((d) => d.grammars.map((g) => languageOf[g])))];
      const yaml = [
        '---',
        `name: ${name}`,
        'description: Probe for a predicate. Use when testing.',
        'metadata:',
        `  languages: [${languages.join(', ')}]`,
        '  tools: [run_skill_detectors]',
        '  detectors:',
        ...detectors.flatMap((d, i) => [`    - id: probe-${i}`, `      grammars: [${d.grammars.join(', ')}]`, '      capture: call', '      message: probe', `      query: '${d.query.replace(/'/g, "''")}'`]),
        '---',
        body,
      ].join('\n');
      mkdirSync(join(root, name), { recursive: true });
      writeFileSync(join(root, name, 'SKILL.md'), yaml);
    }
    library = await loadSkills([root]);
    assert.deepEqual(library.errors, []);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('inside-loop: loop bodies and per-element callbacks, not loop headers, exits or plain callbacks', async () => {
    await check(
      library,
      'inside-loop',
      'a.js',
      [
        'probe();',
        'for (const x of probe()) { probe(x); } // yes',
        'for (let i = probe(); i < probe(); i++) {} // yes',
        'while (ok) { if (bad) { probe(); break; } }',
        'while (ok) { if (bad) throw new Error(probe()); }',
        'for (const x of xs) { switch (x) { case 1: probe(); break; } } // yes',
        'items.map((x) => probe(x)); // yes',
        'items.map((x) => { if (!x) return probe(); return x; }); // yes',
        'setTimeout(() => probe(), 10);',
        'for (const x of xs) { function inner() { probe(); } }',
        'for (const x of xs) { for (const y of ys) { if (y) { probe(); break; } } } // yes',
      ].join('\n'),
    );
    await check(library, 'inside-loop', 'a.py', ['for x in probe():', '    probe(x)  # yes', 'ys = [probe(y) for y in probe()]  # yes', 'while ok:', '    if bad:', '        raise ValueError(probe())'].join('\n'));
    await check(library, 'inside-loop', 'a.go', ['package p', 'func f() {', '\tfor _, x := range probe() {', '\t\tprobe(x) // yes', '\t}', '\tfor i := probe(); i < n; i++ {', '\t}', '}'].join('\n'));
    await check(library, 'inside-loop', 'A.java', ['class A { void f() {', '  for (String x : probe()) { probe(x); } // yes', '  probe();', '} }'].join('\n'));
  });

  it('uses-loop-var / not-uses-loop-var: loop variables, callback parameters and names declared in the body', async () => {
    const js = [
      'for (const item of items) {',
      '  probe(item.id); // yes',
      '  const key = item.key;',
      '  probe(key); // yes',
      '  probe(config);',
      '}',
      'for (let i = 0; i < n; i++) probe(list[i]); // yes',
      'rows.forEach(({ id }) => probe(id)); // yes',
      'probe(item);',
    ].join('\n');
    await check(library, 'uses-loop-var', 'a.js', js);
    await check(library, 'not-uses-loop-var', 'a.js', ['for (const item of items) {', '  probe(item);', '  probe(config); // yes', '}', 'probe(config);'].join('\n'));
    await check(library, 'uses-loop-var', 'a.py', ['for k, v in pairs:', '    probe(v)  # yes', '    probe(total)', 'out = [probe(x) for x in xs]  # yes'].join('\n'));
  });

  it('not-mutated-in-loop: writes, deletes and mutating calls on the object', async () => {
    await check(
      library,
      'not-mutated-in-loop',
      'a.js',
      [
        'for (const k of ks) { probe(a); } // yes',
        'for (const k of ks) { probe(b); b[k] = 1; }',
        'for (const k of ks) { probe(c); delete c[k]; }',
        'for (const k of ks) { probe(d); d.push(k); }',
        'for (const k of ks) { probe(e); e = next(e); }',
        'for (const k of ks) { probe(f); if (f === k) g(); } // yes',
      ].join('\n'),
    );
  });

  it('inside-function, in-function-with-param and loop-condition-mentions', async () => {
    await check(library, 'inside-function', 'a.js', ['probe();', 'function f() { probe(); } // yes', 'class A { m() { probe(); } } // yes', 'const g = () => probe(); // yes'].join('\n'));
    await check(library, 'in-function-with-param', 'a.js', ['app.get("/", (req, res) => { probe(); }); // yes', 'function helper(request) { probe(); }', 'function outer(req) { return () => probe(); } // yes'].join('\n'));
    await check(library, 'loop-condition-mentions', 'a.js', ['while (queue.length) probe(queue); // yes', 'while (queue.length) probe(other);', 'while (myqueue.length) probe(queue);'].join('\n'));
  });

  it('loop-independent: no early exit and no assignment to outer variables', async () => {
    await check(
      library,
      'loop-independent',
      'a.js',
      [
        'for (const x of xs) { const r = probe(x); out.push(r); } // yes',
        'for (const x of xs) { const r = probe(x); if (r) break; }',
        'for (const x of xs) { last = probe(x); }',
        'for (const x of xs) { total += probe(x); }',
        'for (const x of xs) { xs.forEach(() => { return 1; }); probe(x); } // yes',
      ].join('\n'),
    );
  });

  it('binding-matches and module-binding-matches: the nearest declaration before the use', async () => {
    await check(library, 'binding-matches', 'a.js', ['let xs = [];', 'probe(xs); // yes', 'xs = new Set();', 'probe(xs);', 'probe(undeclared);'].join('\n'));
    await check(library, 'binding-matches', 'a.go', ['package p', 'func f() {', '\tvar s string', '\ts += "a"', '\tprobe(s) // yes', '\tn := 1', '\tprobe(n)', '}'].join('\n'));
    await check(library, 'module-binding-matches', 'a.js', ['const cache = new Map();', 'function f() { probe(cache); } // yes', 'function g() { const local = new Map(); probe(local); }'].join('\n'));
  });

  it('no-member: the file never touches the named members of the object', async () => {
    await check(library, 'no-member', 'a.js', ['probe(a); // yes', 'probe(b);', 'b.clear();', 'probe(c); // yes', 'c.cleared = true;'].join('\n'));
  });
});
