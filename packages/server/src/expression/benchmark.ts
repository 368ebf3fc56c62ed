// Prints what one evaluation costs through the sandbox, next to the same condition run natively.
// Run: node src/expression/benchmark.ts   (numbers are for reading, never for asserting)
import { createExpressionSandbox, type ExpressionRecord } from './index.ts';

const source = "company == 'Apple' && city != 'Paris'";
const record: ExpressionRecord = {
  fields: {
    firstname: 'Johanna',
    lastname: 'van der Berg',
    email: 'johanna.vanderberg@example.com',
    company: 'Apple',
    city: 'Amsterdam',
    country: 'NL',
    phone: '+31 20 123 4567',
    customer: 'yes',
    segment: 'enterprise',
  },
  previous: { city: 'Rotterdam' },
  action: 'update',
  type: 'profile',
  interests: ['news', 'deals'],
};
const batchSize = 1000;
const batches = 200;
const sequentialCalls = 2000;

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function summary(label: string, microsecondsPerItem: number[]): string {
  const sorted = [...microsecondsPerItem].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  const p50 = percentile(sorted, 0.5);
  const p99 = percentile(sorted, 0.99);
  return `${label.padEnd(48)} mean ${mean.toFixed(2).padStart(8)} µs   p50 ${p50.toFixed(2).padStart(8)} µs   p99 ${p99.toFixed(2).padStart(8)} µs`;
}

const sandbox = createExpressionSandbox();
const startedAt = performance.now();
await sandbox.evaluate(source, record);
console.log(`first evaluation (worker + QuickJS start, compile): ${(performance.now() - startedAt).toFixed(1)} ms`);
console.log(`record JSON: ${JSON.stringify(record).length} bytes, ${Object.keys(record.fields).length} fields\n`);

const items = Array.from({ length: batchSize }, () => ({ source, record }));
for (let warmup = 0; warmup < 20; warmup++) await sandbox.evaluateMany(items);
const batchCosts: number[] = [];
for (let batch = 0; batch < batches; batch++) {
  const started = performance.now();
  const outcomes = await sandbox.evaluateMany(items);
  batchCosts.push(((performance.now() - started) * 1000) / batchSize);
  if (!outcomes.every((outcome) => outcome.matched)) throw new Error('benchmark condition did not match');
}
console.log(summary(`sandbox evaluateMany, per item (batches of ${batchSize})`, batchCosts));

const callCosts: number[] = [];
for (let call = 0; call < sequentialCalls; call++) {
  const started = performance.now();
  await sandbox.evaluate(source, record);
  callCosts.push((performance.now() - started) * 1000);
}
console.log(summary('sandbox evaluate, one awaited call at a time', callCosts));
await sandbox.close();

// The same work natively: a scope object per record, names resolved through `with`.
const native = new Function('scope', `with (scope) { return (\n${source}\n); }`) as (scope: object) => unknown;
const recordJson = JSON.stringify(record);
const nativeCosts: number[] = [];
for (let batch = 0; batch < batches + 20; batch++) {
  const started = performance.now();
  for (let item = 0; item < batchSize; item++) {
    const parsed = JSON.parse(recordJson) as ExpressionRecord;
    if (!native(Object.assign(Object.create(null), parsed.fields, parsed))) throw new Error('no match');
  }
  if (batch >= 20) nativeCosts.push(((performance.now() - started) * 1000) / batchSize);
}
console.log(summary('native new Function + JSON.parse + with, per item', nativeCosts));

const bare = new Function('company', 'city', `return (${source});`) as (company: string, city: string) => unknown;
const bareCosts: number[] = [];
for (let batch = 0; batch < batches + 20; batch++) {
  const started = performance.now();
  let matched = 0;
  for (let item = 0; item < batchSize; item++) if (bare(record.fields.company ?? '', record.fields.city ?? '')) matched++;
  if (matched !== batchSize) throw new Error('no match');
  if (batch >= 20) bareCosts.push(((performance.now() - started) * 1000) / batchSize);
}
console.log(summary('native new Function, fields as arguments', bareCosts));
