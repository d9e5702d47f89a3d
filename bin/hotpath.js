#!/usr/bin/env node
const path = require('node:path');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
let main;
try {
  ({ main } = require(cli));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('cli.js')) {
    // `npm install` builds dist/ (the prepare script); a checkout installed with --ignore-scripts has none yet.
    console.error(`hotpath: ${path.relative(process.cwd(), cli) || cli} is missing; run \`npm run build\` in ${path.join(__dirname, '..')} first`);
    process.exit(2);
  }
  throw e;
}
main();
