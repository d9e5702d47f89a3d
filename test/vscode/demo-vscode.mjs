#!/usr/bin/env node
// README's `npm run demo -- --vscode`, run for real: the demo (reusing its profiles when a run
// left them), then the VS Code server with the packaged extension and the demo workspace.
// Checks that the printed address serves the workbench, that Hotpath is installed there, and
// that Ctrl-C stops VS Code and the profile service. Writes { passed, failed, checks } to argv[2].
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const results = process.argv[2];
const checks = [];
const check = (name, ok, detail = '') => {
  checks.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` ${detail}` : ''}`);
};

const child = spawn(process.execPath, [path.join(root, 'scripts', 'demo.mjs'), '--vscode'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

const url = await new Promise((resolve) => {
  const timer = setTimeout(() => resolve(undefined), 300_000);
  const poll = setInterval(() => {
    const m = /VS Code with Hotpath and the demo workspace:\S*\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out.replace(/\x1b\[[0-9;]*m/g, ''));
    if (m || child.exitCode !== null) {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(m?.[1]);
    }
  }, 250);
});
check('prints the address of a VS Code with the demo workspace', !!url, url ?? out.slice(-1500));
if (url) {
  const res = await fetch(url).catch((e) => ({ ok: false, status: e.message, text: async () => '' }));
  const html = await res.text();
  check('the address serves the VS Code workbench', res.ok && /workbench/i.test(html), `HTTP ${res.status}`);
  const ext = path.join(root, '.demo', 'vscode', 'ext');
  const installed = fs.existsSync(ext) ? fs.readdirSync(ext).filter((d) => d.startsWith('hotpath.hotpath-')) : [];
  check('the packaged Hotpath extension is installed there', installed.length === 1, installed.join(', '));
  const settings = JSON.parse(fs.readFileSync(path.join(root, '.demo', 'vscode', 'data', 'User', 'settings.json'), 'utf8'));
  const service = settings['hotpath.service.url'];
  const health = await fetch(`${service}/api/v1/health`).then((r) => r.ok, () => false);
  check("the workspace points at the demo's running profile service", health, service);
}
child.kill('SIGINT');
const end = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 20_000))]);
check('Ctrl-C stops VS Code and the profile service', !!end && end.code === 0, JSON.stringify(end));
if (!end) child.kill('SIGKILL');
const passed = checks.filter((c) => c.ok).length;
fs.writeFileSync(results, JSON.stringify({ passed, failed: checks.length - passed, checks }, null, 2));
process.exit(passed === checks.length ? 0 : 1);
