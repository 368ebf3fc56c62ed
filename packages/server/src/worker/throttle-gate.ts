// A rate-limited callback's message waits for its send slot (queue/throttle.ts); a paused callback's
// goes back to the queue until the pause ends. What a worker claims of such callbacks is bounded
// (CallbackCaps), so the slots it waits for are never far off.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../clock.ts';
import type { DueDelivery } from '../queue/types.ts';
import type { Store } from '../records/store.ts';

/** a slot further off than this is not waited for: the delivery goes back to the queue, due then */
const LONGEST_WAIT_MS = 5_000;
/** a worker claims of a rate-limited callback what its rate sends in this long (at least one) */
const HELD_SECONDS = 1;
/** callbacks whose caps a worker remembers; the oldest are forgotten first (a cap is learnt again on the next claim) */
const CAPS_KEPT = 10_000;

export interface GateOptions {
  store: Store;
  clock: Clock;
  deliveryTimeoutMs: number;
  /** how long a lease lasts when it is lengthened for a delivery that waits */
  leaseMs: number;
}

/**
 * What the gate let a delivery do: be sent now; go back to the queue, due at `deferredUntil` (its
 * callback is paused, or its slot is far off); or nothing (the claim's lease was lost meanwhile).
 */
export type Gate = 'send' | 'lost' | { deferredUntil: number };

export async function passThrottle(delivery: DueDelivery, options: GateOptions): Promise<Gate> {
  const { callback } = delivery;
  if (callback.rateLimit === null && callback.pausedUntil === null) return 'send';
  const now = options.clock.now();
  // a slot further off than LONGEST_WAIT_MS is only told: the delivery asks again when it comes back;
  // a pause has no slot to take, and one that ends within reach is waited for like a slot
  const slot =
    callback.rateLimit !== null
      ? await options.store.throttles.reserveSlot(callback.id, now, LONGEST_WAIT_MS)
      : callback.pausedUntil === null
        ? null
        : { at: callback.pausedUntil, taken: callback.pausedUntil - now <= LONGEST_WAIT_MS };
  if (slot === null || (slot.taken && slot.at <= now)) return 'send';
  const { at } = slot;
  if (!slot.taken) {
    await options.store.throttles.deferDelivery(delivery.id, delivery.leaseUntil, at);
    return { deferredUntil: at };
  }
  // the send must still end before the lease does (attempt.ts)
  if (at + options.deliveryTimeoutMs >= delivery.leaseUntil) {
    const until = Math.ceil(at) + options.leaseMs;
    if (!(await options.store.throttles.extendLease(delivery.id, delivery.leaseUntil, until))) return 'lost';
    delivery.leaseUntil = until;
  }
  await sleep(at - options.clock.now());
  return 'send';
}

/**
 * How many deliveries of a callback the worker claims at once, where that is fewer than its
 * per-callback slots: of a rate-limited callback what its rate sends in HELD_SECONDS; of one whose
 * receiver gave no answer lately, one (the probe: a burst of sends into a dead receiver would only
 * lengthen its pause); of a paused one, none until the pause ends. Seen by the claim as slots busy.
 */
export class CallbackCaps {
  readonly #perCallback: number;
  readonly #caps = new Map<number, { cap: number; pausedUntil: number }>();

  constructor(perCallback: number) {
    this.#perCallback = perCallback;
  }

  /** Learns a callback's rate, pause and health from a claimed delivery; returns when a pause of it ends (0: none). */
  note(callback: DueDelivery['callback'], now: number): number {
    const { id, rate, pausedUntil, unreachable } = callback;
    // a hold (below) outlasts what a claim that began before it says of the callback
    const held = this.#caps.get(id)?.pausedUntil ?? 0;
    const paused = Math.max(pausedUntil !== null && pausedUntil > now ? pausedUntil : 0, held > now ? held : 0);
    let cap = this.#perCallback;
    if (rate !== null) cap = Math.min(cap, Math.max(1, Math.ceil(rate * HELD_SECONDS)));
    if (unreachable) cap = 1;
    this.#caps.delete(id);
    if (cap === this.#perCallback && paused === 0) return 0;
    if (this.#caps.size >= CAPS_KEPT) this.#caps.delete(this.#caps.keys().next().value as number);
    this.#caps.set(id, { cap, pausedUntil: paused });
    return paused;
  }

  /** Whether a claim may take a delivery of the callback, with `sending` of its sends under way. */
  hasRoom(id: number, sending: number, now: number): boolean {
    const known = this.#caps.get(id);
    const cap = known === undefined ? this.#perCallback : known.pausedUntil > now ? 0 : known.cap;
    return sending < cap;
  }

  /**
   * Leaves the callback out of claims until `until`: a delivery of it was deferred to then, and a
   * claim meanwhile would defer the next one too, and the one after, through its whole backlog.
   */
  hold(id: number, until: number): void {
    const known = this.#caps.get(id);
    this.#caps.delete(id);
    if (this.#caps.size >= CAPS_KEPT) this.#caps.delete(this.#caps.keys().next().value as number);
    this.#caps.set(id, { cap: known?.cap ?? this.#perCallback, pausedUntil: Math.max(known?.pausedUntil ?? 0, until) });
  }

  /** The busy counts the claim goes by: the worker's own, plus what the caps leave no room for. */
  busy(busy: ReadonlyMap<number, number>, now: number): ReadonlyMap<number, number> {
    if (this.#caps.size === 0) return busy;
    const seen = new Map(busy);
    for (const [id, { cap, pausedUntil }] of this.#caps) {
      seen.set(id, (busy.get(id) ?? 0) + this.#perCallback - (pausedUntil > now ? 0 : cap));
    }
    return seen;
  }
}
