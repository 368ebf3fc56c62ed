// Prints bench/results.json as the Markdown that BENCHMARKS.md shows: node bench/markdown.ts
import { readFileSync } from 'node:fs';
import { formatMarkdown, type CaseRow } from './lib/report.ts';

const results = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as {
  machine: Record<string, unknown> & { loadAverage: { start: number; end: number } };
  cases: CaseRow[];
};
const { machine } = results;
console.log(
  `\`${String(machine.command)}\` — ${String(machine.date)}, ${String(machine.durationSeconds)} s, ${String(machine.mode)} run`,
);
console.log();
console.log(
  `${String(machine.cpu)}, ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, ${String(machine.os)}, Node ${String(machine.node)}; ` +
    `${String(machine.placement)}; load average ${machine.loadAverage.start} at the start, ${machine.loadAverage.end} at the end`,
);
console.log();
console.log(formatMarkdown(results.cases));
