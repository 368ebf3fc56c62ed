// One row of bench/results.json and of the printed table.
import { significant } from './stats.ts';

export interface CaseRow {
  name: string;
  baseline: number | null;
  service: number | null;
  /** baseline cost ÷ service cost: above 1 the service is cheaper, below 1 it costs more */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  unit: string | null;
}

/** Ratio of two costs (CPU time, latency): higher is better for the service. */
export function costRatio(baseline: number, service: number): number {
  return baseline / service;
}

/** Ratio of two rates (requests or messages per second): the cost of one is the inverse of its rate. */
export function rateRatio(baseline: number, service: number): number {
  return service / baseline;
}

export function row(fields: {
  name: string;
  baseline: number | null;
  service: number | null;
  ratio?: number | null;
  unit: string;
  target?: string | null;
  met?: boolean | null;
}): CaseRow {
  const round = (value: number | null | undefined) => (value === null || value === undefined ? null : significant(value));
  return {
    name: fields.name,
    baseline: round(fields.baseline),
    service: round(fields.service),
    ratio: round(fields.ratio ?? null),
    target: fields.target ?? null,
    met: fields.met ?? null,
    unit: fields.unit,
  };
}

/** A row standing for a whole case that did not run or did not finish. */
export function statusRow(name: string, status: string): CaseRow {
  return { name, baseline: null, service: null, ratio: null, target: status, met: null, unit: null };
}

function show(value: number | null): string {
  if (value === null) return '—';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return String(significant(value, 3));
}

export function formatTable(rows: CaseRow[]): string {
  const header = ['case', 'baseline', 'service', 'unit', 'ratio', 'target', 'met'];
  const cells = rows.map((entry) => [
    entry.name,
    show(entry.baseline),
    show(entry.service),
    entry.unit ?? '',
    show(entry.ratio),
    entry.target ?? '',
    entry.met === null ? '' : entry.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((line) => (line[column] as string).length)));
  const numeric = new Set([1, 2, 4]);
  const format = (line: string[]) =>
    line
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number),
      )
      .join('  ')
      .trimEnd();
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...cells.map(format)].join('\n');
}

/** The same table as Markdown, for BENCHMARKS.md. */
export function formatMarkdown(rows: CaseRow[]): string {
  const lines = ['| case | baseline | service | unit | ratio | target | met |', '| --- | ---: | ---: | --- | ---: | --- | --- |'];
  for (const entry of rows) {
    lines.push(
      `| ${entry.name} | ${show(entry.baseline)} | ${show(entry.service)} | ${entry.unit ?? ''} | ${show(entry.ratio)} ` +
        `| ${entry.target ?? ''} | ${entry.met === null ? '' : entry.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}
