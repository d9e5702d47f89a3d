import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { sortRows, topFunctions } from '../../../webview/flamegraph/table';

describe('top functions table', () => {
  const b = new ProfileBuilder('cpu', 'samples');
  const main = b.frame({ name: 'main' });
  const walk = b.frame({ name: 'walk' });
  const leaf = b.frame({ name: 'leaf' });
  b.appendSample([main, walk, walk, walk], 2);
  b.appendSample([main, walk, leaf], 5);
  b.appendSample([main], 1);
  const p = b.build();
  const byName = (rows: ReturnType<typeof topFunctions>) => rows.map((r) => `${p.frames[r.frame].name} ${r.self}/${r.total}`);

  it('sums self per function and counts recursive totals once per stack', () => {
    assert.deepEqual(byName(topFunctions(p)), ['leaf 5/5', 'walk 2/7', 'main 1/8']);
  });

  it('sorts by total, heaviest first', () => {
    assert.deepEqual(byName(sortRows(topFunctions(p), 'total')), ['main 1/8', 'walk 2/7', 'leaf 5/5']);
  });
});
