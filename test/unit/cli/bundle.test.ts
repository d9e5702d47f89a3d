import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');
const CPUPROFILE = path.join(ROOT, 'test/fixtures/profiles/cpuprofile/node-cpu-prof.cpuprofile');

/**
 * The real bundled CLI in a child process: exit codes and stderr as a shell sees them.
 * The bundle is built like esbuild.mjs builds dist/cli.js, into a temporary folder so the
 * test never races a build of dist/.
 */
describe('cli: the bundled hotpath binary', function () {
  this.timeout(30000);
  let dir: string;
  let cliJs: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-bundle-'));
    cliJs = path.join(dir, 'cli.js');
    const common = {
      bundle: true,
      platform: 'node' as const,
      target: 'node20',
      format: 'cjs' as const,
      logLevel: 'silent' as const,
      external: ['vscode', 'better-sqlite3', '@datadog/pprof', '@pyroscope/nodejs', 'web-tree-sitter'],
    };
    // As esbuild.mjs: the entry with the profile commands, and the whole CLI beside it.
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/entry.ts')], outfile: cliJs });
    await esbuild.build({ ...common, entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: path.join(dir, 'cli-full.js') });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(...args: string[]) {
    return runIn(cliJs, ...args);
  }

  function runIn(script: string, ...args: string[]) {
    const r = spawnSync(process.execPath, [script, ...args], {
      encoding: 'utf8',
      timeout: 20000,
      env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules'), HOTPATH_DEBUG: '' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  const noStack = (text: string) => assert.equal(/^\s+at .+:\d+:\d+\)?$/m.test(text), false, text);

  it('summarises a real profile with exit code 0', () => {
    const r = run('profile', 'summary', CPUPROFILE, '--top', '3');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /buildReport\s+file:\/\/.*busy\.js:15/);
  });

  it('fails with exit 2 and one line for a missing file', () => {
    const missing = path.join(dir, 'nope.cpuprofile');
    const r = run('profile', 'summary', missing);
    assert.equal(r.code, 2);
    assert.equal(r.err, `hotpath: ${missing}: file not found\n`);
    assert.equal(r.out, '');
  });

  it('fails with exit 2 and one line for an unknown format', () => {
    const junk = path.join(dir, 'junk.bin');
    fs.writeFileSync(junk, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0xff, 0xfe]));
    const r = run('profile', 'summary', junk);
    assert.equal(r.code, 2);
    assert.match(r.err, /^hotpath: .*junk\.bin: unknown format \(tried .*\)[^\n]*\n$/);
    noStack(r.err);
  });

  it('fails with exit 2 for a truncated file, as one line or as JSON', () => {
    const truncated = path.join(dir, 'cut.cpuprofile');
    const text = fs.readFileSync(CPUPROFILE, 'utf8');
    fs.writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.7)));
    const r = run('profile', 'summary', truncated);
    assert.equal(r.code, 2);
    assert.equal(r.err.split('\n').filter(Boolean).length, 1, r.err);
    assert.match(r.err, /^hotpath: .*cut\.cpuprofile: cpuprofile: /);
    noStack(r.err);
    const j = run('profile', 'summary', truncated, '--json');
    assert.equal(j.code, 2);
    const { error } = JSON.parse(j.out);
    assert.equal(error.file, truncated);
    assert.equal(error.format, 'cpuprofile');
    assert.equal(typeof error.message, 'string');
    noStack(j.out + j.err);
  });

  it('runs the profile commands without loading the whole CLI', () => {
    // The entry alone, with no cli-full.js beside it.
    const alone = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-entry-'));
    try {
      fs.copyFileSync(cliJs, path.join(alone, 'cli.js'));
      const r = runIn(path.join(alone, 'cli.js'), 'profile', 'summary', CPUPROFILE, '--top', '3');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /buildReport\s+file:\/\/.*busy\.js:15/);
      const out = path.join(alone, 'out.folded');
      assert.equal(runIn(path.join(alone, 'cli.js'), 'profile', 'convert', CPUPROFILE, '--to', 'collapsed', '-o', out).code, 0);
      assert.match(fs.readFileSync(out, 'utf8'), /buildReport/);
      // Anything else needs the whole CLI.
      assert.notEqual(runIn(path.join(alone, 'cli.js'), '--help').code, 0);
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
    // The entry carries the profile engine, not the agent, the service or MCP.
    const entry = fs.readFileSync(cliJs, 'utf8');
    assert.ok(entry.length * 4 < fs.statSync(path.join(dir, 'cli-full.js')).size, 'the entry is a fraction of the whole CLI');
    assert.equal(/api\.openai\.com|@modelcontextprotocol/.test(entry), false);
  });

  it('hands --help, the other commands and unknown ones to the whole CLI', () => {
    const help = run('--help');
    assert.equal(help.code, 0, help.err);
    for (const usage of ['profile summary FILE', 'why ', 'serve', 'mcp']) assert.ok(help.out.includes(`hotpath ${usage}`), usage);
    const why = run('why', '--help');
    assert.equal(why.code, 0, why.err);
    assert.match(why.out, /^Usage: hotpath why /);
    const unknown = run('profile', 'nonsense');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /^hotpath: unknown command "profile nonsense"/);
  });
});
