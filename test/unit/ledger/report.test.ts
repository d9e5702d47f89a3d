import { strict as assert } from 'node:assert';
import { ledgerTotals } from '../../../src/core/ledger/totals';
import { coresText, durationText, percentText, tiles } from '../../../webview/report/format';
import { parseReportToHost, parseToReport, totalsSchema } from '../../../webview/report/protocol';

describe('ledger: efficiency report webview', () => {
  it('formats shares, cores and durations', () => {
    assert.equal(percentText(0.1234), '12.3%');
    assert.equal(percentText(0.0123), '1.23%');
    assert.equal(percentText(0), '0.0%');
    assert.equal(percentText(null), '—');
    assert.equal(coresText(1234.4), '1234');
    assert.equal(coresText(12.34), '12.3');
    assert.equal(coresText(0.5), '0.50');
    assert.equal(durationText(2 * 3_600_000 + 5 * 60_000 + 7_000), '2 h 5 min');
    assert.equal(durationText(45_000), '45 s');
    assert.equal(durationText(3 * 86_400_000), '3 d');
    assert.equal(durationText(0), '0 s');
    assert.equal(durationText(null), '—');
  });

  it('accepts the core totals as the protocol\'s totals and shows them as tiles', () => {
    const totals = ledgerTotals([]);
    assert.equal(totalsSchema.safeParse(totals).success, true);
    const shown = tiles(totals, 'hotpath.fleet.cores = 8');
    assert.deepEqual(shown.map((t) => t.label), ['CPU share saved', 'Cores saved', 'Verified fixes', 'From skills', 'Regressions resolved', 'Median time to mitigate']);
    assert.equal(shown[1].detail, 'hotpath.fleet.cores = 8');
  });

  it('rejects malformed messages in both directions with one line', () => {
    assert.deepEqual(parseToReport({ type: 'report/load' }).ok, false);
    const bad = parseReportToHost({ type: 'rendered', fixes: -1, regressionsResolved: 0, cpuShareSaved: 0, coresSaved: null, medianTimeToMitigateMs: null, skillShare: null, points: 0 });
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /^malformed "rendered" message: fixes: /);
    assert.deepEqual(parseReportToHost({ type: 'nope' }), { ok: false, error: 'unknown message type "nope"' });
    assert.equal(parseReportToHost({ type: 'ready' }).ok, true);
  });
});
