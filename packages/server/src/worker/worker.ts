// The delivery worker's loop: claim what is due → attempt it (attempt.ts: prepare → send → settle)
// → record (recorder.ts). Woken at once when a change commits in this process; a timer on the next
// due time is the safety net.
import type { ClaimNotes, DueDelivery, JoinedClaim } from '../queue/types.ts';
import { attempt, leaseFor, type AttemptOptions } from './attempt.ts';
import { DueTimes } from './due-times.ts';
import { Recorder } from './recorder.ts';
import { Slots } from './slots.ts';
import { CallbackCaps } from './throttle-gate.ts';

export interface WorkerOptions extends AttemptOptions {
  concurrency: number;
  /** longest sleep between looks at the store when nothing is due (the safety net) */
  pollIntervalMs?: number;
  retentionMs?: number;
  onError?: (error: unknown) => void;
}

const CLAIM_BATCH = 100;
/** claims made at once, one after another, while each looked at only some callbacks (ClaimNotes.unfinished) */
const UNFINISHED_CLAIMS_MOST = 8;
/** the times a schedule's first delay makes changes due at are rounded up to this */
const FIRST_DUE_GRID_MS = 50;
const PRUNE_EVERY_MS = 3600_000;
/** how often a worker looks for parked backlogs left without a probe (queue/parking.ts, revive) */
const REVIVE_EVERY_MS = 60_000;
/** how long after its pause ends a parked backlog's probe may take before another is made due */
const REVIVE_GRACE_MS = 60_000;

export class DeliveryWorker {
  readonly #options: WorkerOptions;
  readonly #leaseMs: number;
  readonly #slots: Slots;
  readonly #recorder: Recorder;
  /** rate-limited and paused callbacks: how much of them a claim may take (throttle-gate.ts) */
  readonly #caps: CallbackCaps;
  #wakeScheduled = false;
  #pumping = false;
  #pumpAgain = false;
  #running = false;
  #timer: NodeJS.Timeout | null = null;
  #lastPrune = 0;
  /** at the first claim, then every REVIVE_EVERY_MS: a process that died may have left one */
  #lastRevive = -Infinity;
  /** the retries this worker scheduled that no claim has taken yet: the retry timer is set for the first */
  readonly #retries = new DueTimes();
  /** the claim (or prune) under way, which stop() must wait for before the store may close */
  #pumped: Promise<void> = Promise.resolve();
  /**
   * Whether deliveries may be due that no claim took: the last claim filled the room it had, or
   * passed over (or left out) deliveries of callbacks whose slots were full, or a change came for
   * such callbacks only. Only then does a finished send (which frees a callback's slot) or a
   * recorded outcome (which frees the worker's) wake the worker; otherwise what becomes due is
   * announced (on commit, by a signal, by this worker's retry timer, by the poll), and a claim after
   * every attempt would find nothing: a transaction more per message when messages come one at a time.
   */
  #leftBehind = true;
  /** the last time a schedule's first delay made changes due at (#queued): the same time is noted once */
  #firstDue = 0;
  /** set by a claim made in a commit's own transaction, for the announcement of that commit */
  #announcedClaimed = false;

  constructor(options: WorkerOptions) {
    this.#options = options;
    // a delivery claimed again while its outcome waits for the store: recorded under the new lease
    this.#slots = new Slots(options.concurrency, (id, leaseUntil) => this.#recorder.relet(id, leaseUntil));
    this.#recorder = new Recorder(options.store, options.onError);
    this.#leaseMs = leaseFor(options.deliveryTimeoutMs);
    this.#caps = new CallbackCaps(this.#slots.perCallback);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#options.store.onDeliveriesQueued((callbackIds) => this.#queued(callbackIds));
    this.#options.store.joinClaims(() => this.#joinClaim());
    this.wake();
  }

  /** Stops claiming, waits for the attempts in flight (their leases re-queue them otherwise). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // the claim under way first: what it claims is attempted, and waited for below
    await Promise.allSettled([this.#pumped]);
    await this.#slots.drained();
  }

  get inFlight(): number {
    return this.#slots.used;
  }

  /**
   * Claims what is due now; called on commit, on a freed slot when the last claim left some behind
   * (#leftBehind) and by the timer. Calls in the same turn of the event loop share one claim.
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
      .catch((error: unknown) => {
        // what is due may have been left, and the due times this claim dropped with it
        this.#leftBehind = true;
        this.#options.onError?.(error);
      })
      .finally(() => this.#claimed(false));
  }

  /** The end of a claim (or of a claim loop): another claim at once if one is due, else the safety net. */
  #claimed(again: boolean): void {
    this.#pumping = false;
    if (this.#pumpAgain || again) {
      this.#pumpAgain = false;
      this.wake();
    } else {
      this.#scheduleSafetyNet();
    }
  }

  async #pump(): Promise<void> {
    const { store } = this.#options;
    let contended = false;
    let unfinished = 0;
    for (;;) {
      this.#pumpAgain = false;
      // what is due now is this claim's to take, or (no room) the claim's that a finished attempt wakes
      this.#retries.dropThrough(this.#options.clock.now());
      const wanted = Math.min(this.#slots.free, CLAIM_BATCH);
      if (wanted <= 0) this.#leftBehind = true;
      if (!this.#running) return;
      // a worker kept full by its load still does its housekeeping
      if (wanted <= 0) return this.#housekeeping();
      const notes: ClaimNotes = { leftBehind: false };
      const sendsEnded = this.#slots.sendsEnded;
      const busy = this.#caps.busy(this.#slots.busy, this.#options.clock.now());
      const leftOut = this.#leavesOutSending(busy);
      const batch = await store.claimDueDeliveries(wanted, this.#leaseMs, this.#slots.perCallback, busy, notes);
      this.#take(batch, wanted, notes, leftOut);
      // a full batch: there may be more; and a send that ended during the claim freed a slot the
      // claim did not know of, which counts as if it had ended just after (see #take's `sent`)
      const freed = this.#leftBehind && this.#slots.sendsEnded !== sendsEnded;
      // another worker's claim locked rows this one chose: once, claim again after it (not in a
      // loop: a transaction that holds rows locked for long would keep every claim contended)
      const again: boolean = !contended && notes.contended === true;
      contended ||= again;
      // a claim that looked at only some of the callbacks with due deliveries: the next one goes on
      // from there, at once (a few at most: the poll and the sends that end do the rest)
      const onwards = notes.unfinished === true && ++unfinished <= UNFINISHED_CLAIMS_MOST;
      if (batch.length < wanted && !this.#pumpAgain && !freed && !again && !onwards) break;
    }
    await this.#housekeeping();
  }

  /**
   * Whether a claim with these busy counts leaves out callbacks with sends under way, whose due
   * deliveries a send that ends lets the next claim take (#take's `sent`). Those left out only by a
   * pause or a hold are claimed when it ends, on the worker's timer (#take, #deferred).
   */
  #leavesOutSending(busy: ReadonlyMap<number, number>): boolean {
    for (const [id, count] of busy) if (count >= this.#slots.perCallback && this.#slots.busy.has(id)) return true;
    return false;
  }

  /**
   * Starts the attempts of what a claim of `wanted` deliveries took; `leftOut`: the claim left out
   * callbacks with sends under way (#leavesOutSending).
   */
  #take(batch: readonly DueDelivery[], wanted: number, notes: ClaimNotes, leftOut: boolean): void {
    const now = this.#options.clock.now();
    for (const delivery of batch) {
      // a paused callback is left out of claims until its pause ends: the timer is set for then
      const pausedUntil = this.#caps.note(delivery.callback, now);
      if (pausedUntil > now) this.#noteRetry(pausedUntil);
      this.#slots.run(delivery, (sent) => this.#attempt(delivery, sent).catch((error: unknown) => this.#options.onError?.(error)), {
        sent: () => {
          if (this.#leftBehind) this.wake();
        },
        // `ordered`: the delivery holds back later ones of its ordering key, which are due once it is done
        done: (wasFull) => {
          if (delivery.ordered || (wasFull && this.#leftBehind)) this.wake();
        },
      });
    }
    this.#leftBehind = batch.length === wanted || notes.leftBehind || leftOut;
  }

  async #attempt(delivery: DueDelivery, sent: () => void): Promise<void> {
    const deferred = (until: number): void => this.#deferred(delivery.callback.id, until);
    const outcome = await attempt(delivery, this.#options, { sent, deferred });
    if (outcome === null) return;
    await this.#recorder.record(outcome);
    this.#noteRetry(outcome.nextAttemptAt);
  }

  /**
   * A delivery went back to the queue until its callback's pause ends or its send slot comes: claims
   * leave the callback out until then (CallbackCaps.hold), and the worker looks again then.
   */
  #deferred(callbackId: number, until: number): void {
    // the delivery is due at the whole millisecond after (Throttles.deferDelivery)
    const due = Math.ceil(until);
    this.#caps.hold(callbackId, due);
    this.#noteRetry(due);
  }

  /**
   * A change was queued. It is claimed for at once if a claim can take some of it: a change only for
   * callbacks whose every slot is busy is claimed when a slot frees up (#leftBehind), as a claim now
   * would walk their backlog to find nothing; one only for callbacks held or paused, when that ends
   * (the worker's timer). A signal from another process does not say for which callbacks, so any
   * free slot is reason enough.
   */
  #queued(callbackIds: ReadonlySet<number> | null): void {
    // a schedule whose first delay is not 0: what was queued falls due then, and the timer is set for
    // it (on a grid of FIRST_DUE_GRID_MS, so that a burst of changes adds one time, not one each)
    const firstDelayMs = (this.#options.retryScheduleSeconds[0] ?? 0) * 1000;
    if (firstDelayMs > 0) {
      const due = Math.ceil((this.#options.clock.now() + firstDelayMs) / FIRST_DUE_GRID_MS) * FIRST_DUE_GRID_MS;
      if (due !== this.#firstDue) this.#noteRetry(due);
      this.#firstDue = due;
    }
    if (this.#announcedClaimed) {
      // a local commit whose deliveries were claimed in its own transaction (#joinClaim)
      this.#announcedClaimed = false;
      return;
    }
    const now = this.#options.clock.now();
    const ids = callbackIds === null ? null : [...callbackIds];
    const room = (id: number): boolean => this.#caps.hasRoom(id, this.#slots.busy.get(id) ?? 0, now);
    if (this.#slots.free > 0 && (ids === null || ids.some(room))) this.wake();
    else if (ids === null || this.#slots.free === 0 || ids.some((id) => this.#slots.busy.has(id))) this.#leftBehind = true;
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
      busy: this.#caps.busy(this.#slots.busy, this.#options.clock.now()),
      done: (batch, notes) => {
        // leased: attempted even if the worker stopped meanwhile (stop() waits for them)
        // nothing was in flight when the claim began: no callback was left out for its sends
        this.#take(batch, wanted, notes, false);
        // the announcement that follows this commit needs no claim of its own, unless one is due (or
        // the claim's look callback by callback stopped short: ClaimNotes.unfinished)
        const again = this.#leftBehind || notes.unfinished === true;
        this.#announcedClaimed = !again;
        settle();
        this.#claimed(again);
      },
    };
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

  /** Between claims, now and then: pruning the delivery log, and seeing to stranded parked backlogs. */
  async #housekeeping(): Promise<void> {
    const now = this.#options.clock.now();
    if (now - this.#lastRevive >= REVIVE_EVERY_MS) {
      this.#lastRevive = now;
      await this.#options.store.throttles.reviveParkedBacklogs(this.#leaseMs + REVIVE_GRACE_MS);
    }
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await this.#options.store.pruneDeliveries(now - (this.#options.retentionMs ?? 30 * 86400_000));
  }
}
