import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../src/cli/main';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A fixture project copied into a fresh git repository. */
function project(name: string): { dir: string; git: (...args: string[]) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `hotpath-${name}-`));
  fs.cpSync(path.join(FIXTURES, 'projects', name), dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('config', 'user.email', 'dev@example.invalid');
  git('config', 'user.name', 'Dev');
  git('add', '.');
  git('commit', '-qm', 'initial');
  return { dir, git };
}

/** A real .cpuprofile of `script` captured with node --cpu-prof. */
function capture(dir: string, script: string, env: Record<string, string> = {}): string {
  const out = path.join(dir, '.profiles');
  execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${out}`, script], { cwd: dir, env: { ...process.env, ...env } });
  const [file] = fs.readdirSync(out).filter((f) => f.endsWith('.cpuprofile'));
  return path.join(out, file);
}

describe('hotpath why on a project with a real hotspot (node --cpu-prof), then hotpath verify', function () {
  this.timeout(180000);
  const { dir, git } = project('orders');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const profile = capture(dir, 'run.js', { REPORT_RUNS: '2' });

  it('names the function, the line, the numbers and the skill, and proposes an edit that applies cleanly and is measurably faster', async () => {
    const why = await cli(['why', '--profile', profile, '--workspace', dir, '--json']);
    assert.equal(why.code, 0, why.err);
    const analysis = JSON.parse(why.out);
    const [top] = analysis.targets;
    assert.equal(top.fn.name, 'markVipOrders');
    assert.equal(top.file, 'src/report.js');
    assert.equal(top.line, 10);
    assert.ok(top.fn.selfPercent > 30, `markVipOrders self ${top.fn.selfPercent}%`);
    assert.equal(top.hotLines[0].line, 13, 'the includes() line is the costliest');
    const [finding] = top.findings;
    assert.equal(finding.skill, 'js-linear-lookup-in-loop');
    assert.equal(finding.line, 13);

    // The numbers are the profile's: equal to `hotpath profile summary` on the same file.
    const summary = JSON.parse((await cli(['profile', 'summary', profile, '--json', '--top', '50'])).out);
    const row = summary.profiles[0].functions.find((f: { name: string }) => f.name === 'markVipOrders');
    assert.ok(Math.abs(top.fn.selfPercent - row.selfPercent) < 1e-4, `${top.fn.selfPercent} vs ${row.selfPercent}`);
    assert.ok(Math.abs(top.fn.totalPercent - row.totalPercent) < 1e-4);
    assert.equal(top.fn.self, row.self);

    // The edit applies cleanly and keeps the report identical.
    const patchFile = path.join(dir, '..', `${path.basename(dir)}.diff`);
    fs.writeFileSync(patchFile, finding.proposal.diff);
    git('apply', '--check', patchFile);
    const report = () => execFileSync(process.execPath, ['-e', "const {loadDataset}=require('./src/data');const {buildReport}=require('./src/report');console.log(buildReport(loadDataset()))"], { cwd: dir, encoding: 'utf8' });
    const before = report();
    git('apply', patchFile);
    assert.equal(report(), before);
    git('checkout', '--', '.');

    // And hotpath verify measures it as a significant speed-up.
    const verify = await cli(['verify', '--bench', 'node bench.js', '--patch', patchFile, '--repo', dir, '--runs', '15', '--json']);
    assert.equal(verify.code, 0, verify.out + verify.err);
    const verdict = JSON.parse(verify.out);
    assert.equal(verdict.verdict, 'faster', verify.out);
    assert.ok(verdict.ci[1] < 0, `CI ${verdict.ci}`);
    fs.rmSync(patchFile);
  });

  it('answers in markdown with file:line links and the diff', async () => {
    const why = await cli(['why', '--profile', profile, '--workspace', dir, '--function', 'markVipOrders']);
    assert.equal(why.code, 0, why.err);
    assert.match(why.out, /## Why is `markVipOrders` hot\?/);
    assert.match(why.out, /\[src\/report\.js:13\]\(src\/report\.js#L13\)/);
    assert.match(why.out, /skill `js-linear-lookup-in-loop`/);
    assert.match(why.out, /\+ {4}if \(vipIdsSet\.has\(order\.customerId\)\) \{/);
  });

  it('follows a function that moved since the profile was recorded (lines added above it)', async () => {
    const file = path.join(dir, 'src', 'report.js');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, `// one\n// two\n// three\n${original}`);
      const why = await cli(['why', '--profile', profile, '--workspace', dir, '--function', 'markVipOrders', '--json']);
      assert.equal(why.code, 0, why.err);
      const [top] = JSON.parse(why.out).targets;
      assert.equal(top.moved, 3);
      assert.equal(top.line, 13);
      assert.equal(top.hotLines[0].line, 16, 'the includes() line, where it is now');
      assert.match(top.hotLines[0].text, /vipIds\.includes/);
      assert.equal(top.findings[0]?.skill, 'js-linear-lookup-in-loop');
      assert.equal(top.findings[0].line, 16);
      assert.ok(top.findings[0].totalPercent > 30, 'the finding keeps the cost of its (moved) line');
      const text = await cli(['why', '--profile', profile, '--workspace', dir, '--function', 'markVipOrders']);
      assert.match(text.out, /The file changed since this profile was recorded: `markVipOrders` is 3 lines lower now/);
    } finally {
      fs.writeFileSync(file, original);
    }
  });

  it('finds the function containing a file:line', async () => {
    const why = await cli(['why', '--profile', profile, '--workspace', dir, '--at', 'src/report.js:15', '--json']);
    assert.equal(JSON.parse(why.out).targets[0].fn.name, 'markVipOrders');
    const cold = await cli(['why', '--profile', profile, '--workspace', dir, '--at', 'bench.js:5', '--json']);
    assert.equal(cold.code, 2);
    assert.match(JSON.parse(cold.out).error.message, /no samples in bench\.js:5/);
  });
});

describe('hotpath why proposes hoisting a constant RegExp', function () {
  this.timeout(120000);
  it('hoists new RegExp with literal arguments out of a hot function, keeping the output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-busy-'));
    try {
      fs.copyFileSync(path.join(FIXTURES, 'programs', 'busy.js'), path.join(dir, 'busy.js'));
      const profile = capture(dir, 'busy.js', { BUSY_MS: '400' });
      const why = await cli(['why', '--profile', profile, '--workspace', dir, '--function', 'slugify', '--json']);
      const finding = JSON.parse(why.out).targets[0].findings.find((f: { skill: string }) => f.skill === 'js-regex-in-hot-path');
      assert.ok(finding?.proposal, why.out);
      assert.match(finding.proposal.newText, /^const SLUGIFY_PATTERN = new RegExp\('\[\^a-z0-9\]\+', 'g'\);\n\nfunction slugify\(name\) \{/);
      const source = fs.readFileSync(path.join(dir, 'busy.js'), 'utf8');
      const fixed = source.replace(finding.proposal.oldText, finding.proposal.newText);
      assert.match(fixed, /const re = SLUGIFY_PATTERN;/);
      const slug = (text: string) => execFileSync(process.execPath, ['-e', `${text.replace(/console\.log\(main\(\)\);\s*$/, '')}\nconsole.log(slugify('Customer Name 7 & Co.'), slugify('A--b'))`], { encoding: 'utf8' });
      assert.equal(slug(fixed), slug(source));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
