// The times of the retries a worker scheduled and has not claimed yet, earliest first (a binary
// min-heap): the worker's retry timer is always set for the next of them, however many are waiting.

/**
 * Past this many waiting retries the rest are not held here: the poll finds them, at most one poll
 * interval late. 100,000 times take 800 KB; a larger backlog of retries is an outage, not a schedule.
 */
const MOST_HELD = 100_000;

export class DueTimes {
  readonly #heap: number[] = [];

  /** the earliest time held, if any */
  get earliest(): number | undefined {
    return this.#heap[0];
  }

  add(time: number): void {
    const heap = this.#heap;
    if (heap.length >= MOST_HELD) return;
    let index = heap.push(time) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as number) <= time) break;
      heap[index] = heap[parent] as number;
      index = parent;
    }
    heap[index] = time;
  }

  /** forgets every time up to and including `time` */
  dropThrough(time: number): void {
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as number) <= time) {
      const last = heap.pop() as number;
      if (heap.length === 0) break;
      // the last leaf sinks from the root to its place
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child = right < heap.length && (heap[right] as number) < (heap[left] as number) ? right : left;
        if ((heap[child] as number) >= last) break;
        heap[index] = heap[child] as number;
        index = child;
      }
      heap[index] = last;
    }
  }
}
