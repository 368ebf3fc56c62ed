// Loaded into each Tidings process by `pnpm bench --gc-trace` (node --import): every few seconds it
// appends one line to bench/gc-traces/<pid>.txt with what the process's memory is made of and what its
// garbage collector did since the last line. It answers what RSS alone cannot: whether the live heap
// grows (a leak) or only the heap's high-water mark does, and how long the collector held the loop.
//
//   rss, anon          resident memory in all, and its anonymous part (heap, malloc), MiB
//   heap               the V8 heap's committed size (heapTotal), MiB; malloc = [heap] mapping, MiB
//   live               used heap right after each major GC since the last line, MiB
//   promoted           MiB moved into the old space by scavenges since the start
//   scavenges, majors  counts since the start, total pause, and the longest pause since the last line
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const MiB = 1024 * 1024;
const directory = new URL('./gc-traces/', import.meta.url);
mkdirSync(directory, { recursive: true });
const file = new URL(`${process.pid}.txt`, directory);
const started = performance.now();

const oldSpaceUsed = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;

/** Resident anonymous memory, and the part of it in malloc's main arena (the `[heap]` mapping), in bytes. */
function nativeMemory(): { anon: number; malloc: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  const maps = readFileSync('/proc/self/smaps', 'utf8');
  const heap = maps.indexOf('[heap]');
  const malloc = heap === -1 ? 0 : Number(/\nRss:\s+(\d+) kB/.exec(maps.slice(heap))?.[1] ?? 0) * 1024;
  return { anon, malloc };
}

const gc = { scavenges: 0, scavengeMs: 0, longestScavenge: 0, majors: 0, majorMs: 0, longestMajor: 0, promoted: 0, live: [] as number[] };
let oldBefore = oldSpaceUsed();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    const oldNow = oldSpaceUsed();
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      gc.scavenges++;
      gc.scavengeMs += entry.duration;
      gc.longestScavenge = Math.max(gc.longestScavenge, entry.duration);
      if (oldNow > oldBefore) gc.promoted += oldNow - oldBefore;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      gc.majors++;
      gc.majorMs += entry.duration;
      gc.longestMajor = Math.max(gc.longestMajor, entry.duration);
      gc.live.push(getHeapStatistics().used_heap_size);
    }
    oldBefore = oldNow;
  }
}).observe({ entryTypes: ['gc'] });

const mib = (bytes: number): string => (bytes / MiB).toFixed(0);
setInterval(() => {
  const { anon, malloc } = nativeMemory();
  const memory = process.memoryUsage();
  appendFileSync(
    file,
    `${((performance.now() - started) / 1000).toFixed(0)}s rss=${mib(memory.rss)} anon=${mib(anon)} heap=${mib(memory.heapTotal)} ` +
      `malloc=${mib(malloc)} live=${gc.live.map(mib).join(',') || '-'} promoted=${mib(gc.promoted)} ` +
      `scavenges=${gc.scavenges}/${gc.scavengeMs.toFixed(0)}ms longest=${gc.longestScavenge.toFixed(1)}ms ` +
      `majors=${gc.majors}/${gc.majorMs.toFixed(0)}ms longest=${gc.longestMajor.toFixed(1)}ms\n`,
  );
  gc.live = [];
  gc.longestScavenge = 0;
  gc.longestMajor = 0;
}, 5_000).unref();
