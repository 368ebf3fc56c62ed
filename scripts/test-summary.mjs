// Prints one closing line for the whole monorepo from the vitest JSON reports each package wrote.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['spec', ...readdirSync('packages').map((name) => join('packages', name))];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const root of roots) {
  for (const name of ['test-results.json', 'reliability-results.json']) {
    const file = join(root, name);
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    console.log(`${root} ${name.replace('-results.json', '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
  }
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
