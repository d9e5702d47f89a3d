import * as assert from 'node:assert/strict';
import { ProfileBuilder } from '../../../src/core/profile/builder';
import { costNote, findingCost, levelForCost } from '../../../src/extension/diagnostics/severity';
import { fileHeat } from '../../../src/extension/heat/fileHeat';

describe('quick-fix diagnostics: severity by profile cost', () => {
  it('maps a finding’s cost to warning at or above the threshold, information below, hint at zero', () => {
    assert.equal(levelForCost(12.5, 1), 'warning');
    assert.equal(levelForCost(1, 1), 'warning');
    assert.equal(levelForCost(0.99, 1), 'information');
    assert.equal(levelForCost(0.01, 5), 'information');
    assert.equal(levelForCost(0, 1), 'hint');
    // a threshold of 0 still needs some cost to be "hot"
    assert.equal(levelForCost(0, 0), 'hint');
    assert.equal(levelForCost(0.001, 0), 'warning');
  });

  it('takes the costliest line of a multi-line finding when the profile has line data', () => {
    const lines = [
      { line: 10, totalPercent: 3 },
      { line: 11, totalPercent: 40 },
      { line: 14, totalPercent: 90 },
    ];
    assert.equal(findingCost({ line: 10, endLine: 12 }, lines, []), 40);
    assert.equal(findingCost({ line: 12, endLine: 13 }, lines, [{ line: 1, totalPercent: 99 }]), 0, 'line data present: no fallback to the function');
  });

  it('falls back to the nearest enclosing function’s total without line data', () => {
    const functions = [
      { line: 20, totalPercent: 5 },
      { line: 3, totalPercent: 70 },
      { line: 9, totalPercent: 25 },
      { totalPercent: 100 },
    ];
    assert.equal(findingCost({ line: 12, endLine: 12 }, [], functions), 25);
    assert.equal(findingCost({ line: 4, endLine: 6 }, [], functions), 70);
    assert.equal(findingCost({ line: 2, endLine: 2 }, [], functions), 0);
  });

  it('grades findings of a real profile: the hot loop line is a warning, a cold line information, an unsampled one a hint', () => {
    const file = '/ws/src/report.js';
    const b = new ProfileBuilder('cpu', 'samples');
    const main = b.frame({ name: 'main', file, line: 30 });
    const mark = b.frame({ name: 'markVipOrders', file, line: 10 });
    b.appendSample([main, mark], 995, [32, 13]);
    b.appendSample([main], 5, [33]);
    const heat = fileHeat(b.build(), file);
    const grade = (line: number) => levelForCost(findingCost({ line, endLine: line }, heat.lines, heat.functions), 1);
    assert.equal(grade(13), 'warning');
    assert.equal(grade(33), 'information');
    assert.equal(grade(20), 'hint');
    assert.equal(costNote(findingCost({ line: 13, endLine: 13 }, heat.lines, heat.functions)), ' (99.5% of the profile)');
    assert.equal(costNote(0), '');
  });
});
