import * as assert from 'node:assert/strict';
import { execFileSync, execSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isNodeCommand, pickProfile, planCapture, quoteArg, splitCommand } from '../../../src/extension/capture/plan';

describe('capture plan', () => {
  it('profiles Node commands through NODE_OPTIONS, keeping existing options', () => {
    const plan = planCapture('npm run bench', 'py-spy record -o {out} -- {cmd}', '/tmp/cap 1', { platform: 'linux', nodeOptions: '--max-old-space-size=4096' });
    assert.equal(plan.commandLine, 'npm run bench');
    assert.equal(plan.env.NODE_OPTIONS, '--max-old-space-size=4096 --require "/tmp/cap 1/hotpath-cpu-prof.cjs"');
    assert.equal(plan.env.HOTPATH_CPU_PROF_DIR, '/tmp/cap 1');
    assert.equal(plan.preload?.path, '/tmp/cap 1/hotpath-cpu-prof.cjs');
    assert.ok(plan.profilePattern.test('CPU.20260101.1.cpuprofile') && !plan.profilePattern.test('x.json') && !plan.profilePattern.test('hotpath-cpu-prof.cjs'));
    assert.equal(planCapture('python app.py', '', '/tmp/c', { platform: 'linux' }).env.NODE_OPTIONS, '--require /tmp/c/hotpath-cpu-prof.cjs');
  });

  it('recognises Node programs after env assignments and paths', () => {
    assert.ok(isNodeCommand('BUSY_MS=300 node busy.js'));
    assert.ok(isNodeCommand('/usr/local/bin/node x.js'));
    assert.ok(isNodeCommand('npx tsx src/main.ts'));
    assert.ok(!isNodeCommand('python3 app.py'));
    assert.ok(!isNodeCommand('nodemon x.js'));
  });

  it('fills a profiler template with each argument quoted', () => {
    const plan = planCapture(`python3 app.py --name "a b" 'it''s' x\\;`, 'py-spy record -f speedscope -o {out} -- {cmd}', '/tmp/c', { platform: 'linux' });
    assert.equal(plan.commandLine, `py-spy record -f speedscope -o /tmp/c/profile -- python3 app.py --name 'a b' its 'x;'`);
    assert.deepEqual(plan.env, {});
    assert.throws(() => planCapture('python3 a.py', 'py-spy record -- {cmd}', '/tmp/c'), /expected both \{out\} and \{cmd\}/);
  });

  it('refuses what needs a shell inside a template', () => {
    assert.throws(() => planCapture('python3 a.py | tee log', 'perf record -g -o {out} -- {cmd}', '/tmp/c'), /'\|' at column 14 needs a shell/);
    assert.throws(() => splitCommand('echo "$(id)"'), /expansion at column 7/);
    assert.throws(() => splitCommand('echo "open'), /unterminated " at column 6/);
    assert.throws(() => splitCommand('   '), /expected a program/);
  });

  it('quotes so that sh gives back the exact arguments', () => {
    const args = ["it's", 'a b', '$HOME', '`id`', 'semi;colon', '"dq"', 'plain-1.0', ''];
    const line = args.map((a) => quoteArg(a, 'linux')).join(' ');
    const echoed = execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' });
    assert.deepEqual(echoed.split('\n').slice(0, -1), args);
    assert.equal(quoteArg('a "b"', 'win32'), '"a ""b"""');
  });

  it('makes node write a profile into a folder named with spaces and quotes', () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath cap "q" '));
    try {
      const plan = planCapture('node test/fixtures/programs/busy.js', '', outDir, { platform: process.platform });
      fs.writeFileSync(plan.preload!.path, plan.preload!.source);
      execSync(plan.commandLine, { cwd: path.join(__dirname, '..', '..', '..'), env: { ...process.env, ...plan.env, BUSY_MS: '30' }, stdio: 'ignore' });
      const written = fs.readdirSync(outDir).map((name) => ({ name, size: fs.statSync(path.join(outDir, name)).size }));
      const picked = pickProfile(written, plan.profilePattern);
      assert.ok(picked, `profiles written: ${JSON.stringify(written)}`);
      const profile = JSON.parse(fs.readFileSync(path.join(outDir, picked), 'utf8'));
      assert.ok(profile.samples.length > 0);
      assert.ok(profile.nodes.some((n: { callFrame: { functionName: string } }) => n.callFrame.functionName === 'buildReport'));
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('still writes the profile when a program without its own handler is stopped with SIGINT', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-cap-'));
    try {
      const plan = planCapture('node -e "setInterval(() => {}, 1000); console.log(1)"', '', outDir);
      fs.writeFileSync(plan.preload!.path, plan.preload!.source);
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); console.log(1)'], { env: { ...process.env, ...plan.env } });
      await new Promise((resolve) => child.stdout.once('data', resolve));
      child.kill('SIGINT');
      const code = await new Promise((resolve) => child.on('close', resolve));
      assert.equal(code, 130);
      assert.ok(fs.readdirSync(outDir).some((f) => f.endsWith('.cpuprofile')));
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  });

  it('opens the largest matching profile', () => {
    const files = [
      { name: 'CPU.1.cpuprofile', size: 900 },
      { name: 'CPU.2.cpuprofile', size: 52000 },
      { name: 'notes.txt', size: 99999 },
      { name: 'CPU.3.cpuprofile', size: 0 },
    ];
    assert.equal(pickProfile(files, /\.cpuprofile$/), 'CPU.2.cpuprofile');
    assert.equal(pickProfile(files, /./), 'notes.txt');
    assert.equal(pickProfile([], /./), undefined);
  });
});
