import { importProfileFile } from './src/core/profile/importers/index';
(async () => {
  const t0 = performance.now();
  const set = await importProfileFile(process.argv[2]);
  console.log('import', (performance.now() - t0).toFixed(0), 'ms', set.profiles[0].sampleCount);
  const t1 = performance.now();
  JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
  console.log('JSON.parse', (performance.now() - t1).toFixed(0), 'ms');
})();
