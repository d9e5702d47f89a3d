import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');
const script = path.join(root, 'scripts', 'check-layers.mjs');

function run(tree?: string): { ok: boolean; output: string } {
  try {
    const args = tree ? [script, tree] : [script];
    return { ok: true, output: execFileSync(process.execPath, args, { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('layer rules (scripts/check-layers.mjs)', () => {
  it('hold for the source tree', () => {
    const result = run();
    assert.ok(result.ok, result.output);
  });

  for (const [file, text, expected] of [
    ['src/core/__layer_probe__.ts', "import * as vscode from 'vscode';\n", /src\/core must not import vscode/],
    ['webview/__layer_probe__.ts', "\nimport { readFileSync } from 'node:fs';\n", /webview must not import the Node module node:fs/],
    ['src/service/__layer_probe__.ts', "export * from '../core/agent/x';\n", /src\/service must not import src\/core\/agent/],
  ] as const) {
    it(`catch a violation in ${file}`, () => {
      const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-layers-'));
      const full = path.join(tree, file);
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
      try {
        const result = run(tree);
        assert.equal(result.ok, false);
        assert.match(result.output, expected);
        assert.match(result.output, new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+`));
      } finally {
        fs.rmSync(tree, { recursive: true, force: true });
      }
    });
  }
});
