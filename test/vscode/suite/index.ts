/**
 * Loaded by VS Code as `extensionTestsPath`: runs inside the real extension host. Runs every
 * bundled *.test.js beside it and writes the counts to $HOTPATH_VSHOST_RESULTS for run.sh.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const results = process.env.HOTPATH_VSHOST_RESULTS;
      if (results) fs.writeFileSync(results, JSON.stringify({ passed: runner.stats?.passes ?? 0, failed: failures, failures: failed }));
      if (failures > 0) reject(new Error(`${failures} tests failed`));
      else resolve();
    });
    const failed: string[] = [];
    runner.on('fail', (test, err: Error) => failed.push(`${test.fullTitle()}: ${err.message}`));
  });
}
