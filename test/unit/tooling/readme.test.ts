import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { commands } from '../../../src/cli/commands/index';

const root = path.join(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** Fenced ```sh blocks of a markdown section (up to the next ## heading). */
function shellBlocks(text: string): string[] {
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

function section(title: string): string {
  const start = readme.indexOf(`## ${title}`);
  assert.ok(start >= 0, `README has a "## ${title}" section`);
  const next = readme.indexOf('\n## ', start + 3);
  return readme.slice(start, next < 0 ? undefined : next);
}

describe('README stays true', () => {
  it('gives exactly two commands, the demo and the tests, and CI runs the test command', () => {
    assert.deepEqual(shellBlocks(section('Two commands')), ['npm install && npm run demo', 'npm install && npm test']);
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    assert.match(ci, /^npm install && npm test$/m);
    const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
    assert.ok(scripts.demo && scripts.test);
  });

  it('lists every CLI command with its exact usage', () => {
    const table = section('CLI reference').replace(/\\\|/g, '|');
    for (const c of commands) assert.ok(table.includes(`\`hotpath ${c.usage}\``), `README's CLI reference lacks: hotpath ${c.usage}`);
    const listed = [...table.matchAll(/^\| `hotpath ([a-z]+(?: [a-z]+)?)/gm)].map((m) => m[1]);
    for (const name of listed) assert.ok(commands.some((c) => name === c.path.join(' ') || name.startsWith(`${c.path.join(' ')} `)), `README lists a command that does not exist: ${name}`);
  });

  it('shows only images that exist', () => {
    for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) assert.ok(fs.existsSync(path.join(root, image)), `missing ${image}`);
  });

  it('runs every `npx hotpath` example in a project where its files exist', function () {
    this.timeout(300000);
    const examples = shellBlocks(readme).filter((b) => b.startsWith('npx hotpath '));
    assert.ok(examples.length >= 2);
    execFileSync(process.execPath, [path.join(root, 'esbuild.mjs')], { cwd: root });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-readme-'));
    try {
      fs.cpSync(path.join(root, 'test', 'fixtures', 'projects', 'orders'), dir, { recursive: true });
      const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
      git('init', '-q');
      git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qm', 'init', '--allow-empty');
      git('add', '.');
      git('-c', 'user.email=t@example.invalid', '-c', 'user.name=t', 'commit', '-qm', 'project');
      execFileSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir=.prof', 'run.js'], { cwd: dir, env: { ...process.env, REPORT_RUNS: '1' } });
      fs.renameSync(path.join(dir, '.prof', fs.readdirSync(path.join(dir, '.prof'))[0]), path.join(dir, 'app.cpuprofile'));
      const cli = path.join(root, 'dist', 'cli.js');
      const why = JSON.parse(execFileSync(process.execPath, [cli, 'why', '--profile', 'app.cpuprofile', '--json'], { cwd: dir, encoding: 'utf8' }));
      fs.writeFileSync(path.join(dir, 'fix.diff'), why.targets[0].findings[0].proposal.diff);
      for (const example of examples) {
        const args = example.replace(/^npx hotpath /, '').match(/"[^"]*"|\S+/g)!.map((a) => a.replace(/^"|"$/g, ''));
        const r = spawnSync(process.execPath, [cli, ...args, ...(args[0] === 'verify' ? ['--runs', '6', '--min-runs', '3'] : [])], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, `${example}\n${r.stdout}\n${r.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
