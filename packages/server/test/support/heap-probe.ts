// Loaded into a server under test (node --expose-gc --import=…/heap-probe.ts): on SIGUSR2 it collects
// garbage in full and prints the heap still in use. That is the figure a leak makes grow; RSS also
// follows the heap's highest peak so far, which moves with GC timing (BENCHMARKS.md, memory).
// heap-probe-reader.ts sends the signal and reads the answer.
import { getHeapStatistics } from 'node:v8';

const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('heap-probe.ts needs node --expose-gc');
let answers = 0;
process.on('SIGUSR2', () => {
  collect();
  collect();
  // numbered, so a reader that keeps only the last lines of the output can tell a new answer
  console.log(`heap-probe ${++answers}: ${getHeapStatistics().used_heap_size}`);
});
