// Prints the test totals of the last vitest run as one plain closing line ("N passed, N failed").
import { readFileSync } from 'node:fs';

/** @type {{ numTotalTests: number, numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number }} */
const report = JSON.parse(readFileSync(new URL('../.vitest-tmp/report.json', import.meta.url), 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.numFailedTests === 0 && report.numTotalTests > 0 ? 0 : 1);
