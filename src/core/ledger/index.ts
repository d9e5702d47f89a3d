export * from './schema';
export { JsonlLedger, parseLedgerJsonl, workspaceLedgerFile } from './jsonl';
export { fixShareSaved, ledgerTotals, median, regressionShareSaved, type FleetCores, type LedgerPoint, type LedgerTotals } from './totals';
export { verifiedFixEntry, resolvedRegressionEntry, type RegressionTimes } from './entries';
export { teachFix, type TeachInput, type TeachResult } from './teach';
