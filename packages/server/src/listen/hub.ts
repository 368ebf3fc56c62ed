// The listener streams of one API process, by callback: woken when deliveries are queued (a commit
// here, or a signal from another process on PostgreSQL) or a report frees room, and closed together
// when the process shuts down (a stream would otherwise hold the HTTP server open).
import type { Store } from '../records/store.ts';

export interface ListenerStream {
  wake(): void;
  /** a delivery's report was recorded: if this stream handed it out, it has room for another */
  reported(deliveryId: number): void;
  close(): void;
}

export class ListenHub {
  readonly #store: Store;
  readonly #streams = new Map<number, Set<ListenerStream>>();
  #subscribed = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Registers a stream of the callback; the answer unregisters it. */
  join(callbackId: number, stream: ListenerStream): () => void {
    if (!this.#subscribed) {
      this.#subscribed = true;
      this.#store.onDeliveriesQueued((callbackIds) => this.#queued(callbackIds));
    }
    let streams = this.#streams.get(callbackId);
    if (streams === undefined) {
      streams = new Set();
      this.#streams.set(callbackId, streams);
    }
    streams.add(stream);
    return () => {
      streams.delete(stream);
      if (streams.size === 0) this.#streams.delete(callbackId);
    };
  }

  /** A report recorded here: the callback's streams may hand out more (or a retry due at once). */
  reported(callbackId: number, deliveryId: number): void {
    for (const stream of this.#streams.get(callbackId) ?? []) stream.reported(deliveryId);
  }

  closeAll(): void {
    for (const streams of this.#streams.values()) for (const stream of streams) stream.close();
  }

  #queued(callbackIds: ReadonlySet<number> | null): void {
    for (const [callbackId, streams] of this.#streams) {
      if (callbackIds !== null && !callbackIds.has(callbackId)) continue;
      for (const stream of streams) stream.wake();
    }
  }
}

const hubs = new WeakMap<Store, ListenHub>();

/** The hub of a store, for an app given none (tests): one per store, so reports reach its streams. */
export function hubOf(store: Store): ListenHub {
  let hub = hubs.get(store);
  if (hub === undefined) {
    hub = new ListenHub(store);
    hubs.set(store, hub);
  }
  return hub;
}
