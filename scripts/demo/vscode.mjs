// `npm run demo -- --vscode`: a real VS Code (code-server, the VS Code server from npm, the
// same one the tests drive) with the packaged extension installed and the demo workspace
// open, reachable from a browser on 127.0.0.1. Runs until Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CS_VERSION = '4.100.3';

export async function startVsCode({ root, demo, workspace, serviceUrl, port = 8484 }) {
  const cache = process.env.HOTPATH_VSHOST_CACHE ?? path.join(os.homedir(), '.cache', 'hotpath-vshost');
  const codeServer = path.join(cache, `tools-${CS_VERSION}`, 'node_modules', '.bin', 'code-server');
  if (!fs.existsSync(codeServer)) {
    console.log('      installing code-server (VS Code server) once, into the test cache…');
    execFileSync('bash', [path.join(root, 'test', 'vscode', 'run.sh')], { env: { ...process.env, MODE: 'setup' }, stdio: 'inherit' });
  }
  const home = path.join(demo, 'vscode');
  const vsix = path.join(home, 'hotpath.vsix');
  fs.mkdirSync(path.join(home, 'data', 'User'), { recursive: true });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', vsix], { cwd: root, stdio: 'ignore' });
  fs.writeFileSync(
    path.join(home, 'data', 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'workbench.editorAssociations': { '*.cpuprofile': 'hotpath.profileView' },
        'hotpath.service.url': serviceUrl,
      },
      null,
      2,
    ),
  );
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(cache, 'xdg', 'config'), XDG_DATA_HOME: path.join(cache, 'xdg', 'data') };
  const base = [codeServer, '--extensions-dir', path.join(home, 'ext'), '--user-data-dir', path.join(home, 'data')];
  execFileSync(base[0], [...base.slice(1), '--install-extension', vsix, '--force'], { env, stdio: 'ignore' });
  // its own process group, so the extension host goes when we stop it
  const child = spawn(base[0], [...base.slice(1), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', workspace], {
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    stop: () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
