// Prints the totals of the vitest runs (the fast suite and the slow one) as one plain closing line ("N passed, N failed").
import { readFileSync } from 'node:fs';

const totals = { total: 0, passed: 0, failed: 0, skipped: 0 };
for (const name of ['report.json', 'report-slow.json']) {
  /** @type {{ numTotalTests: number, numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number }} */
  const report = JSON.parse(readFileSync(new URL(`../.vitest-tmp/${name}`, import.meta.url), 'utf8'));
  totals.total += report.numTotalTests;
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed === 0 && totals.total > 0 ? 0 : 1);
