import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import { builtinSkillsDir, loadSkills, matchProfileSignals, type SkillLibrary } from '../../../src/core/skills/index';

const root = join(__dirname, '..', '..', '..');

/** Frame names of a real `node --cpu-prof` capture (test/fixtures/programs/busy.js). */
function cpuprofileFrames(): { name: string; file: string }[] {
  const profile = JSON.parse(readFileSync(join(root, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile'), 'utf8'));
  return profile.nodes.map((n: { callFrame: { functionName: string; url: string } }) => ({ name: n.callFrame.functionName, file: n.callFrame.url }));
}

/** Frame names of a real Linux perf capture of a Vert.x (JVM) server, folded by speedscope's fixtures. */
function perfFrames(): string[] {
  const text = readFileSync(join(__dirname, 'fixtures', 'perf-vertx-stacks-01-collapsed-all.txt'), 'utf8');
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const stack = line.replace(/ \d+$/, '');
    for (const frame of stack.split(';')) if (frame) names.add(frame);
  }
  return [...names];
}

describe('profile signals', () => {
  let library: SkillLibrary;
  before(async () => {
    library = await loadSkills([builtinSkillsDir()]);
  });

  it('recognise GC and the regex engine in a real V8 CPU profile', () => {
    const matches = matchProfileSignals(library, cpuprofileFrames());
    const bySkill = new Map(matches.map((m) => [m.skill, m.frames]));
    assert.deepEqual(bySkill.get('gc-pressure'), ['(garbage collector)']);
    assert.deepEqual(bySkill.get('regex-engine-time'), ['RegExp: [^a-z0-9]+']);
    assert.deepEqual(bySkill.get('js-regex-in-hot-path'), ['RegExp: [^a-z0-9]+']);
    // console.log in the program goes through Node's console implementation
    assert.ok(bySkill.get('logging-overhead')?.includes('log'));
    // user functions of the program match no signal
    for (const m of matches) for (const f of ['parseRecord', 'buildReport', 'slugify', 'main']) assert.ok(!m.frames.includes(f), `${m.skill} matched ${f}`);
  });

  it('recognise GC threads, futex waits and kernel allocation in a real perf capture of a JVM', () => {
    const matches = matchProfileSignals(library, perfFrames());
    const bySkill = new Map<string, string[]>();
    for (const m of matches) bySkill.set(m.skill, [...(bySkill.get(m.skill) ?? []), ...m.frames]);
    assert.ok(bySkill.get('gc-pressure')?.includes('GCTaskThread::run'));
    assert.ok(bySkill.get('gc-pressure')?.includes('VM_ParallelGCFailedAllocation::doit'));
    assert.ok(bySkill.get('lock-contention')?.includes('sys_futex_[k]'));
    assert.ok(bySkill.get('memory-allocation')?.includes('kmem_cache_alloc_node_[k]'));
    // HashMap lookups are not hashing cost, and read-side RCU locks are not contention
    assert.ok(!bySkill.get('hashing-cost')?.includes('java/util/HashMap:.get_[j]'));
    assert.ok(!bySkill.get('lock-contention')?.includes('__srcu_read_lock_[k]'));
  });

  it('sum the weights of matched frames and order matches by weight', () => {
    const matches = matchProfileSignals(library, [
      { name: '(garbage collector)', weight: 30 },
      { name: 'JSON.parse', weight: 50 },
      { name: 'JSON.stringify', weight: 20 },
      { name: 'handleRequest', file: '/srv/app.js', weight: 100 },
    ]);
    const json = matches.find((m) => m.skill === 'json-serialization')!;
    assert.equal(json.weight, 70);
    assert.deepEqual(json.frames, ['JSON.parse', 'JSON.stringify']);
    assert.ok(matches.indexOf(json) < matches.findIndex((m) => m.skill === 'gc-pressure'));
    assert.ok(!matches.some((m) => m.frames.includes('handleRequest')));
  });

  it('require the file pattern when a signal has one', () => {
    const plain = matchProfileSignals(library, [{ name: 'loads', file: '/srv/app/loader.py' }]);
    assert.ok(!plain.some((m) => m.skill === 'json-serialization'));
    const json = matchProfileSignals(library, [{ name: 'loads', file: '/usr/lib/python3.12/json/__init__.py' }]);
    assert.ok(json.some((m) => m.skill === 'json-serialization'));
  });
});
