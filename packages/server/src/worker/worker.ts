// The delivery worker's loop: claim what is due → attempt it (attempt.ts: prepare → send → settle)
// → record (recorder.ts). Woken at once when a change commits in this process; a timer on the next
// due time is the safety net.
import type { ClaimNotes, DueDelivery, JoinedClaim } from '../queue/types.ts';
import { attempt, type AttemptOptions } from './attempt.ts';
import { DueTimes } from './due-times.ts';
import { Recorder } from './recorder.ts';
import { Slots } from './slots.ts';

export interface WorkerOptions extends AttemptOptions {
  concurrency: number;
  /** longest sleep between looks at the store when nothing is due (the safety net) */
  pollIntervalMs?: number;
  retentionMs?: number;
  onError?: (error: unknown) => void;
}

const CLAIM_BATCH = 100;
/** how long a change waits for a claim while the rest of what is due belongs to callbacks with no free slot */
const SATURATED_CLAIM_DELAY_MS = 20;
const PRUNE_EVERY_MS = 3600_000;

export class DeliveryWorker {
  readonly #options: WorkerOptions;
  readonly #leaseMs: number;
  readonly #slots: Slots;
  readonly #recorder: Recorder;
  #wakeScheduled = false;
  #pumping = false;
  #pumpAgain = false;
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #lastPrune = 0;
  /** the retries this worker scheduled that no claim has taken yet: the retry timer is set for the first */
  readonly #retries = new DueTimes();
  /** the claim (or prune) under way, which stop() must wait for before the store may close */
  #pumped: Promise<void> = Promise.resolve();
  /**
   * Set when the last claim took everything it could and some callback still has all its slots
   * busy: what is left due is (mostly) theirs, and a claim walks past all of it to find nothing.
   */
  #saturated = false;
  /**
   * Whether deliveries may be due that the last claim left: it filled the room it had, or it passed
   * over (or left out) deliveries of callbacks whose slots were full. Only then does a finished
   * attempt (which frees a slot) wake the worker; otherwise what becomes due is announced (on commit,
   * by a signal, by this worker's retry timer, by the poll), and a claim after every attempt would
   * find nothing: a transaction more per message when messages come one at a time.
   */
  #backlog = true;
  /** set by a claim made in a commit's own transaction, for the announcement of that commit */
  #announcedClaimed = false;
  #deferredWake: NodeJS.Timeout | null = null;

  constructor(options: WorkerOptions) {
    this.#options = options;
    this.#slots = new Slots(options.concurrency);
    this.#recorder = new Recorder(options.store, options.onError);
    // an attempt starts as soon as it is claimed and ends by its timeout; 10 s covers claiming and recording
    this.#leaseMs = options.deliveryTimeoutMs + 10_000;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#options.store.onDeliveriesQueued((callbackIds) => this.#queued(callbackIds));
    this.#options.store.joinClaims(() => this.#joinClaim());
    this.wake();
  }

  /**
   * The claim the embedded store makes in the transaction of writes that queued deliveries (see
   * Store.joinClaims), when no claim is under way and nothing is in flight: the case of a message that
   * arrives alone, which it saves a transaction. Under load claims stay in batches of their own (a
   * claim in every write batch kept the API writes waiting on it: in the soak test RSS grew by 20–32%
   * as requests queued up, against 3.5% without). Until it is done it counts as the claim under way.
   */
  #joinClaim(): JoinedClaim | null {
    if (!this.#running || this.#pumping || this.#slots.used > 0) return null;
    const wanted = Math.min(this.#slots.free, CLAIM_BATCH);
    if (wanted <= 0) return null;
    this.#pumping = true;
    this.#retries.dropThrough(this.#options.clock.now());
    let settle = (): void => undefined;
    this.#pumped = new Promise<void>((resolve) => {
      settle = resolve;
    });
    return {
      limit: wanted,
      leaseMs: this.#leaseMs,
      maxPerCallback: this.#slots.perCallback,
      busy: this.#slots.busy,
      done: (batch, notes) => {
        // leased: attempted even if the worker stopped meanwhile (stop() waits for them)
        this.#take(batch, wanted, notes);
        // the announcement that follows this commit needs no claim of its own, unless one is due
        this.#announcedClaimed = !this.#backlog;
        this.#pumping = false;
        settle();
        if (this.#pumpAgain || this.#backlog) {
          this.#pumpAgain = false;
          this.wake();
        } else {
          this.#scheduleSafetyNet();
        }
      },
    };
  }

  /**
   * A change was queued. A callback whose every slot is busy gets its new deliveries when a slot
   * frees up (every finished attempt wakes the worker), so a change only for such callbacks needs no
   * claim — one would walk their whole backlog to find nothing. A signal that does not say for which
   * callbacks (another process's) is claimed for within SATURATED_CLAIM_DELAY_MS while some callback
   * is saturated.
   */
  #queued(callbackIds: ReadonlySet<number> | null): void {
    if (this.#announcedClaimed) {
      // a local commit whose deliveries were claimed in its own transaction (#joinClaim)
      this.#announcedClaimed = false;
      return;
    }
    if (!this.#saturated) return this.wake();
    if (callbackIds !== null) {
      for (const id of callbackIds) if ((this.#slots.busy.get(id) ?? 0) < this.#slots.perCallback) return this.wake();
      return;
    }
    this.#deferredWake ??= setTimeout(() => {
      this.#deferredWake = null;
      this.wake();
    }, SATURATED_CLAIM_DELAY_MS);
  }

  /** Stops claiming, waits for the attempts in flight (their leases re-queue them otherwise). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#deferredWake) clearTimeout(this.#deferredWake);
    this.#deferredWake = null;
    // the claim under way first: what it claims is attempted, and waited for below
    await Promise.allSettled([this.#pumped]);
    await this.#slots.drained();
  }

  get inFlight(): number {
    return this.#slots.used;
  }

  /**
   * Claims what is due now; called on commit, on a finished attempt when the last claim left some
   * behind (#backlog) and by the timer. Calls in the same turn of the event loop share one claim.
   */
  wake(): void {
    if (!this.#running || this.#wakeScheduled) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#pumpNow();
    });
  }

  #pumpNow(): void {
    if (!this.#running) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#pumped = this.#pump()
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#pumping = false;
        if (this.#pumpAgain) {
          this.#pumpAgain = false;
          this.wake();
        } else {
          this.#scheduleSafetyNet();
        }
      });
  }

  async #pump(): Promise<void> {
    const { store } = this.#options;
    for (;;) {
      this.#pumpAgain = false;
      // what is due now is this claim's to take, or (no room) the claim's that a finished attempt wakes
      this.#retries.dropThrough(this.#options.clock.now());
      const room = this.#slots.free;
      if (room <= 0) this.#backlog = true;
      if (!this.#running || room <= 0) return;
      const notes = { leftBehind: false };
      const wanted = Math.min(room, CLAIM_BATCH);
      const batch = await store.claimDueDeliveries(wanted, this.#leaseMs, this.#slots.perCallback, this.#slots.busy, notes);
      const tookAll = this.#take(batch, wanted, notes);
      if (tookAll && !this.#pumpAgain) break;
    }
    await this.#pruneNow();
  }

  /** Starts the attempts of what a claim of `wanted` deliveries took; whether it took all there was. */
  #take(batch: readonly DueDelivery[], wanted: number, notes: ClaimNotes): boolean {
    for (const delivery of batch) {
      // `ordered`: the delivery holds back later ones of its ordering key, which are due once it is done
      this.#slots.run(
        delivery,
        () => this.#attempt(delivery).catch((error: unknown) => this.#options.onError?.(error)),
        () => {
          if (this.#backlog || delivery.ordered) this.wake();
        },
      );
    }
    const tookAll = batch.length < wanted;
    this.#saturated = tookAll && [...this.#slots.busy.values()].some((busy) => busy >= this.#slots.perCallback);
    this.#backlog = !tookAll || notes.leftBehind;
    return tookAll;
  }

  /**
   * Sleeps until the next retry this worker scheduled, or the poll interval, whichever comes first.
   * No store query here: this runs after every claim, so it must cost nothing; retries scheduled by
   * other processes are found by the poll. A retry that fell due since the last claim began is
   * claimed at once: every retry has its turn, not just the earliest of those waiting.
   */
  #scheduleSafetyNet(): void {
    if (!this.#running) return;
    const now = this.#options.clock.now();
    let wait = this.#options.pollIntervalMs ?? 1000;
    const nextRetry = this.#retries.earliest;
    if (nextRetry !== undefined) wait = Math.min(wait, nextRetry - now);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.wake();
    }, Math.max(wait, 5));
    this.#timer.unref();
  }

  #noteRetry(at: number | null): void {
    if (at === null) return;
    const earliest = this.#retries.earliest;
    this.#retries.add(at);
    // a finished attempt wakes no claim by itself any more, so the timer is set for the retry here
    if ((earliest === undefined || at < earliest) && !this.#pumping && !this.#wakeScheduled) this.#scheduleSafetyNet();
  }

  async #pruneNow(): Promise<void> {
    const now = this.#options.clock.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await this.#options.store.pruneDeliveries(now - (this.#options.retentionMs ?? 30 * 86400_000));
  }

  async #attempt(delivery: DueDelivery): Promise<void> {
    const outcome = await attempt(delivery, this.#options);
    if (outcome === null) return;
    await this.#recorder.record(outcome);
    this.#noteRetry(outcome.nextAttemptAt);
  }
}
