// The demo repository's history: 20 commits of an orders service. Commit REFACTOR moves the
// per-row parsing into normalizeRow (cost moves between functions, nothing gets slower);
// commit REGRESSION replaces the VIP Set with a linear includes() inside the loop.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appFiles } from './app-files.mjs';

export const REFACTOR = 7;
export const REGRESSION = 13;

const authors = [
  ['Maya Chen', 'maya@orders.example'],
  ['Sam Okafor', 'sam@orders.example'],
  ['Lea Novak', 'lea@orders.example'],
];

/** [subject, changes to the version] per commit, oldest first. */
const story = [
  ['Orders service: CSV parser, report generator, HTTP handler', {}],
  ['Add the orders benchmark', {}],
  ['Replay production traffic in workload.js', {}],
  ['Release 1.1.0', { minor: 1 }],
  ['Show the top 5 customers in reports', { topCustomers: 5 }],
  ['Document report caching', { docs: true }],
  ['Release 1.2.0', { minor: 2 }],
  ['parser: extract normalizeRow from parseOrders', { refactor: true }],
  ['Release 1.3.0', { minor: 3 }],
  ['Back to the top 10 customers', { topCustomers: 10 }],
  ['Release 1.4.0', { minor: 4 }],
  ['Changelog: note the customer list change', {}],
  ['Release 1.5.0', { minor: 5 }],
  ['report: simplify the VIP check', { vipLookup: 'list' }],
  ['Release 1.6.0', { minor: 6 }],
  ['Changelog: VIP handling', {}],
  ['Release 1.7.0', { minor: 7 }],
  ['docs: how to run the benchmark', {}],
  ['Release 1.8.0', { minor: 8 }],
  ['Release 1.9.0', { minor: 9 }],
];

export const COMMITS = story.length;

/**
 * Creates (or reuses, when complete) the repository in `dir`; returns the commit hashes,
 * oldest first, with their subjects.
 */
export function buildRepository(dir) {
  const git = (...args) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
  // The repository is reused only when it was generated from these very files.
  const here = path.dirname(new URL(import.meta.url).pathname);
  const fingerprint = createHash('sha256').update(fs.readFileSync(path.join(here, 'app-files.mjs'))).update(fs.readFileSync(path.join(here, 'history.mjs'))).digest('hex');
  const stamp = path.join(dir, '.git', 'hotpath-demo-fingerprint');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) {
    try {
      const log = git('log', '--reverse', '--format=%H%x1f%s', 'main').split('\n').map((l) => l.split('\x1f'));
      if (log.length === COMMITS && log.every(([, s], i) => s === story[i][0])) {
        git('checkout', '-q', 'main');
        git('reset', '-q', '--hard');
        return log.map(([hash, subject]) => ({ hash, subject }));
      }
    } catch {
      // an incomplete or foreign repository: rebuild it
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git('init', '-q', '-b', 'main');
  let version = { minor: 0, docs: false, topCustomers: 10, refactor: false, vipLookup: 'set' };
  const changelog = ['# Changelog', ''];
  const commits = [];
  const start = Date.parse('2026-05-01T09:00:00Z');
  story.forEach(([subject, change], i) => {
    version = { ...version, ...change };
    changelog.push(`- ${subject}`);
    const files = { ...appFiles(version), 'CHANGELOG.md': `${changelog.join('\n')}\n` };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    const [name, email] = authors[i % authors.length];
    const date = new Date(start + i * 6 * 3600_000).toISOString();
    execFileSync('git', ['-C', dir, 'add', '-A']);
    execFileSync('git', ['-C', dir, 'commit', '-q', '-m', subject], {
      env: { ...process.env, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    commits.push({ hash: git('rev-parse', 'HEAD'), subject });
  });
  fs.writeFileSync(stamp, fingerprint);
  return commits;
}
