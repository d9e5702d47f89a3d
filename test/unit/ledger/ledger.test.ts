import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEditProposal } from '../../../src/core/edits/proposal';
import { JsonlLedger, ledgerTotals, median, parseLedgerJsonl, resolvedRegressionEntry, verifiedFixEntry, type LedgerEntry, type VerifiedFix } from '../../../src/core/ledger/index';

const HOUR = 3_600_000;

function fix(over: Partial<VerifiedFix> = {}): VerifiedFix {
  return {
    kind: 'fix',
    id: `fix:${Math.random().toString(36).slice(2)}`,
    time: 1_700_000_000_000,
    skill: 'js-linear-lookup-in-loop',
    function: 'parseRows',
    file: 'src/csv.js',
    line: 12,
    relativeChange: -0.4,
    ci: [-0.45, -0.35],
    pValue: 0.001,
    verdict: 'faster',
    cpuShare: 0.25,
    proposer: 'engine',
    ...over,
  };
}

function regression(id: number, detectedAt: number, fixedAt: number, magnitude: number): LedgerEntry {
  return resolvedRegressionEntry({
    id,
    service: 'orders',
    function: { name: 'render', file: 'src/report.js' },
    detectedAt,
    acknowledgedAt: detectedAt + HOUR,
    fixedAt,
    evidence: { changePoint: { absoluteChange: magnitude, relativeChange: 0.5 } },
  })!;
}

describe('ledger: jsonl store', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotpath-ledger-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips entries in order and does not add an id twice', async () => {
    const ledger = new JsonlLedger(path.join(dir, '.hotpath', 'ledger.jsonl'));
    assert.deepEqual(await ledger.list(), { entries: [], problems: [] });
    const a = fix({ id: 'fix:a' });
    const b = regression(7, 1000, 5000, 0.03);
    assert.equal(await ledger.append(a), true);
    assert.equal(await ledger.append(b), true);
    assert.equal(await ledger.append({ ...a, relativeChange: -0.9 }), false);
    const { entries, problems } = await ledger.list();
    assert.deepEqual(problems, []);
    assert.deepEqual(entries, [a, b]);
    assert.equal(fs.readFileSync(ledger.file, 'utf8').split('\n').filter(Boolean).length, 2);
  });

  it('reports a corrupt line with its line number, skips it and keeps the others', async () => {
    const file = path.join(dir, 'ledger.jsonl');
    const good = [fix({ id: 'fix:1' }), fix({ id: 'fix:2' }), fix({ id: 'fix:3' })];
    fs.writeFileSync(file, [JSON.stringify(good[0]), '{"kind": "fix", "id": ', JSON.stringify(good[1]), JSON.stringify({ ...good[2], id: 'fix:x', proposer: 'robot' }), JSON.stringify(good[2])].join('\n') + '\n');
    const { entries, problems } = await new JsonlLedger(file).list();
    assert.deepEqual(entries.map((e) => e.id), ['fix:1', 'fix:2', 'fix:3']);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /ledger\.jsonl:2: not JSON/);
    assert.match(problems[1], /ledger\.jsonl:4: not a ledger entry \(proposer: /);
  });

  it('starts a new line after a last line cut short by a crash', async () => {
    const file = path.join(dir, 'ledger.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(fix({ id: 'fix:1' }))}\n{"kind":"fi`);
    const ledger = new JsonlLedger(file);
    assert.equal(await ledger.append(fix({ id: 'fix:2' })), true);
    const { entries, problems } = await ledger.list();
    assert.deepEqual(entries.map((e) => e.id), ['fix:1', 'fix:2']);
    assert.deepEqual(problems.map((p) => p.replace(/ \(.*/, '')), [`${file}:2: not JSON`]);
  });

  it('reads blank lines and CRLF endings without complaint', () => {
    const text = `\r\n${JSON.stringify(fix({ id: 'fix:1' }))}\r\n\r\n`;
    assert.deepEqual(parseLedgerJsonl(text, 'l.jsonl').problems, []);
    assert.equal(parseLedgerJsonl(text, 'l.jsonl').entries.length, 1);
  });
});

describe('ledger: totals', () => {
  it('median of odd, even and empty lists', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  it('sums CPU share and cores saved, counts skills, and takes the median time to mitigate', () => {
    const entries: LedgerEntry[] = [
      fix({ id: 'f1', time: 10, cpuShare: 0.2, relativeChange: -0.5, service: 'orders' }), // 0.10 of orders (16 cores)
      fix({ id: 'f2', time: 20, cpuShare: 0.1, relativeChange: -0.3, skill: undefined, proposer: 'person' }), // 0.03, default cores 4
      fix({ id: 'f3', time: 30, verdict: 'no significant change', relativeChange: -0.01 }), // not a fix
      fix({ id: 'f4', time: 40, cpuShare: undefined, relativeChange: -0.6, proposer: 'model' }), // counted, share unknown
      regression(1, 0, 2 * HOUR, 0.04), // 2 h, orders
      regression(2, 0, 6 * HOUR, -0.01), // 6 h, nothing recovered
      regression(3, HOUR, 5 * HOUR, 0.02), // 4 h
    ];
    const t = ledgerTotals(entries, { byService: { orders: 16 }, defaultCores: 4 });
    assert.equal(t.fixes, 3);
    assert.equal(t.fixesFromSkills, 2);
    assert.equal(t.skillShare, 2 / 3);
    assert.deepEqual(t.byProposer, { engine: 1, model: 1, person: 1 });
    assert.equal(t.regressionsResolved, 3);
    assert.equal(t.medianTimeToMitigateMs, 4 * HOUR);
    assert.ok(Math.abs(t.cpuShareSaved - (0.1 + 0.03 + 0.04 + 0.02)) < 1e-12);
    assert.ok(Math.abs(t.coresSaved! - (0.1 * 16 + 0.03 * 4 + 0.06 * 16)) < 1e-12);
    assert.equal(t.series.length, 6);
    assert.deepEqual(t.series.map((p) => p.time), [10, 20, 40, 2 * HOUR, 5 * HOUR, 6 * HOUR]);
    assert.ok(Math.abs(t.series.at(-1)!.cpuShareSaved - t.cpuShareSaved) < 1e-12);
  });

  it('leaves cores saved unknown without a fleet size and the ratios null without data', () => {
    const t = ledgerTotals([fix({ id: 'f1' })]);
    assert.equal(t.coresSaved, null);
    assert.ok(Math.abs(t.cpuShareSaved - 0.1) < 1e-12);
    const empty = ledgerTotals([]);
    assert.equal(empty.skillShare, null);
    assert.equal(empty.medianTimeToMitigateMs, null);
    assert.equal(empty.cpuShareSaved, 0);
  });

  it('builds a fix entry from a proposal and a verify report, one id per proposal and commit', () => {
    const text = 'const a = 1;\nfor (const x of xs) if (ys.includes(x)) n++;\n';
    const p = createEditProposal(text, { file: 'src/a.js', oldText: 'ys.includes(x)', newText: 'ySet.has(x)', rationale: 'r', skill: 'js-linear-lookup-in-loop' });
    const report = { relativeChange: -0.3, ci: [-0.35, -0.25] as [number, number], pValue: 0.002, verdict: 'faster' as const, base: 'a'.repeat(40) };
    const e = verifiedFixEntry(p, report, { function: 'count', proposer: 'engine', time: 5, cpuShare: 0.4 });
    assert.equal(e.line, 2);
    assert.equal(e.skill, 'js-linear-lookup-in-loop');
    assert.equal(e.commit, 'a'.repeat(40));
    assert.equal(verifiedFixEntry(p, report, { function: 'count', proposer: 'model', time: 9 }).id, e.id);
    assert.equal(resolvedRegressionEntry({ id: 1, service: 's', function: { name: 'f', file: '' }, detectedAt: 1, acknowledgedAt: null, fixedAt: null, evidence: {} }), undefined);
  });
});
