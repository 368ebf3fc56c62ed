// Pages of callback lists, kept per process and answered again while the database's callbacks are
// unchanged. What "unchanged" means is decided by the store on every read: each database carries a tag
// that a trigger sets to a new random value whenever one of its callbacks is inserted, updated or
// deleted (migration 3), by any writer in any process. A page is answered from here only when the tag
// read for this request, together with the account check, is the tag the page was read under.
//
// The tag is read before the page, never after: a page read under tag T shows the callbacks as they
// were at T or later, so the worst a change in between can do is make the entry a miss next time.

/** a cached page and the tag it was read under */
interface Entry<Value> {
  tag: string;
  value: Value;
  bytes: number;
}

export class ListCache<Value> {
  readonly #entries = new Map<string, Entry<Value>>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  #bytes = 0;

  /** at most `maxEntries` pages and `maxBytes` of their text; the least recently used go first */
  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  /** the page stored under `key` if it was read under `tag` */
  get(key: string, tag: string): Value | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.tag !== tag) {
      this.#remove(key, entry);
      return undefined;
    }
    // most recently used last
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, tag: string, value: Value, bytes: number): void {
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { tag, value, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest, entry);
    }
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry<Value>): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
