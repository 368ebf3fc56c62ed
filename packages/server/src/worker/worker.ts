// The delivery worker: claim due deliveries → prepare (filter by expression, render, sign) → send →
// handle success or failure (retry schedule, disabling) → record. Woken at once when a change
// commits in this process; a timer on the next due time is the safety net.
import type { CallbackMessage } from '@tidings/spec';
import { formatTimestamp, type Clock } from '../clock.ts';
import type { ExpressionSandbox } from '../expression/index.ts';
import { storeFault } from '../db/faults.ts';
import type { AttemptOutcome, ClaimNotes, DueDelivery, JoinedClaim } from '../queue/types.ts';
import type { Store } from '../records/store.ts';
import { renderBody } from '../receiver/render.ts';
import { DueTimes } from './due-times.ts';
import { nextAttemptAt, parseRetryAfter } from './retry.ts';
import type { Sender, SendResult } from '../receiver/sender.ts';
import { signatureHeader } from '../receiver/sign.ts';

export interface WorkerOptions {
  store: Store;
  sender: Sender;
  sandbox: ExpressionSandbox;
  clock: Clock;
  /** a number in [0, 1): the jitter source, injected so tests are exact */
  random: () => number;
  retryScheduleSeconds: readonly number[];
  deliveryTimeoutMs: number;
  concurrency: number;
  userAgent: string;
  /** longest sleep between looks at the store when nothing is due (the safety net) */
  pollIntervalMs?: number;
  retentionMs?: number;
  onError?: (error: unknown) => void;
}

type Prepared =
  | { kind: 'send'; body: string; headers: Record<string, string> }
  | { kind: 'discard' }
  | { kind: 'record'; outcome: AttemptOutcome };

const CLAIM_BATCH = 100;
/** how long a change waits for a claim while the rest of what is due belongs to callbacks with no free slot */
const SATURATED_CLAIM_DELAY_MS = 20;
/** outcomes recorded by one transaction at most */
const RECORD_BATCH = 200;
/** first and longest wait before recording outcomes again while the store is away */
const RECORD_RETRY_FIRST_MS = 100;
const RECORD_RETRY_LAST_MS = 5_000;

interface PendingRecord {
  outcome: AttemptOutcome;
  recorded(): void;
  failed(error: unknown): void;
}
const PRUNE_EVERY_MS = 3600_000;

export class DeliveryWorker {
  readonly #options: WorkerOptions;
  readonly #maxInFlightPerCallback: number;
  readonly #leaseMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  /** deliveries this process is attempting right now: a lease that ran out must not send them twice */
  readonly #attempting = new Set<number>();
  readonly #busyByCallback = new Map<number, number>();
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
  /** outcomes waiting for the next record transaction, and whether one is scheduled or running */
  #unrecorded: PendingRecord[] = [];
  #recording = false;
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
    // a quarter of the slots per callback: one slow receiver leaves the rest to the others
    this.#maxInFlightPerCallback = Math.max(1, Math.floor(options.concurrency / 4));
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
    if (!this.#running || this.#pumping || this.#inFlight.size > 0) return null;
    const wanted = Math.min(this.#options.concurrency - this.#inFlight.size, CLAIM_BATCH);
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
      maxPerCallback: this.#maxInFlightPerCallback,
      busy: this.#busyByCallback,
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
      for (const id of callbackIds) if ((this.#busyByCallback.get(id) ?? 0) < this.#maxInFlightPerCallback) return this.wake();
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
    await Promise.allSettled([...this.#inFlight]);
  }

  get inFlight(): number {
    return this.#inFlight.size;
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
    const { store, concurrency } = this.#options;
    for (;;) {
      this.#pumpAgain = false;
      // what is due now is this claim's to take, or (no room) the claim's that a finished attempt wakes
      this.#retries.dropThrough(this.#options.clock.now());
      const room = concurrency - this.#inFlight.size;
      if (room <= 0) this.#backlog = true;
      if (!this.#running || room <= 0) return;
      const notes = { leftBehind: false };
      const wanted = Math.min(room, CLAIM_BATCH);
      const batch = await store.claimDueDeliveries(wanted, this.#leaseMs, this.#maxInFlightPerCallback, this.#busyByCallback, notes);
      const tookAll = this.#take(batch, wanted, notes);
      if (tookAll && !this.#pumpAgain) break;
    }
    await this.#pruneNow();
  }

  /** Starts the attempts of what a claim of `wanted` deliveries took; whether it took all there was. */
  #take(batch: readonly DueDelivery[], wanted: number, notes: ClaimNotes): boolean {
    for (const delivery of batch) {
      if (this.#attempting.has(delivery.id)) continue;
      this.#attempting.add(delivery.id);
      const callbackId = delivery.callback.id;
      this.#busyByCallback.set(callbackId, (this.#busyByCallback.get(callbackId) ?? 0) + 1);
      this.#track(
        this.#attempt(delivery).finally(() => {
          this.#attempting.delete(delivery.id);
          const left = (this.#busyByCallback.get(callbackId) ?? 1) - 1;
          if (left === 0) this.#busyByCallback.delete(callbackId);
          else this.#busyByCallback.set(callbackId, left);
        }),
        delivery.ordered,
      );
    }
    const tookAll = batch.length < wanted;
    this.#saturated = tookAll && [...this.#busyByCallback.values()].some((busy) => busy >= this.#maxInFlightPerCallback);
    this.#backlog = !tookAll || notes.leftBehind;
    return tookAll;
  }

  /** `ordered`: the delivery holds back later ones of its ordering key, which are due once it is done */
  #track(work: Promise<void>, ordered: boolean): void {
    const tracked = work
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#inFlight.delete(tracked);
        if (this.#backlog || ordered) this.wake();
      });
    this.#inFlight.add(tracked);
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
    const prepared = await this.#prepare(delivery);
    if (prepared.kind === 'discard') return this.#options.store.discardDelivery(delivery.id);
    if (prepared.kind === 'record') return this.#record(prepared.outcome);
    // A send must end (by its time limit) before the lease does, or another worker may claim the
    // delivery and send it while this one still is. After a stall (the store, this process) that
    // ate the margin, the delivery is left to whoever claims it next: late, never twice at once.
    if (this.#options.clock.now() + this.#options.deliveryTimeoutMs >= delivery.leaseUntil) return;
    const result = await this.#options.sender.send({ url: delivery.callback.url, body: prepared.body, headers: prepared.headers });
    const outcome = isSuccess(result) ? this.#handleSuccess(delivery, result) : this.#handleFailure(delivery, result);
    await this.#record(outcome);
    this.#noteRetry(outcome.nextAttemptAt);
  }

  /**
   * Resolves once the outcome is committed. Attempts that finish while a record transaction is
   * scheduled or running share the next one: one commit for many deliveries under load, and an
   * attempt alone still waits no longer than the turn of the event loop it finished in.
   */
  #record(outcome: AttemptOutcome): Promise<void> {
    return new Promise((recorded, failed) => {
      this.#unrecorded.push({ outcome, recorded, failed });
      if (this.#recording) return;
      this.#recording = true;
      setImmediate(() => void this.#recordPending());
    });
  }

  /**
   * While the store is away (restarting, unreachable, its disk full) outcomes wait in memory and are
   * recorded once it is back: dropped, each would be sent again when its lease ran out. They are
   * bounded by the worker's slots, which they keep meanwhile, so nothing more is claimed.
   */
  async #recordPending(): Promise<void> {
    let wait = RECORD_RETRY_FIRST_MS;
    while (this.#unrecorded.length > 0) {
      const batch = this.#unrecorded.splice(0, RECORD_BATCH);
      try {
        await this.#options.store.recordAttempts(batch.map((pending) => pending.outcome));
        for (const pending of batch) pending.recorded();
        wait = RECORD_RETRY_FIRST_MS;
      } catch (error) {
        if (storeFault(error) === null) {
          for (const pending of batch) pending.failed(error);
          continue;
        }
        this.#options.onError?.(error);
        this.#unrecorded.unshift(...batch);
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, RECORD_RETRY_LAST_MS);
      }
    }
    this.#recording = false;
  }

  /** Decides whether to send at all, and builds the signed request when it does. */
  async #prepare(delivery: DueDelivery): Promise<Prepared> {
    const { callback } = delivery;
    if (callback.disabled) {
      return { kind: 'record', outcome: this.#unsent(delivery, 'exhausted', 'not sent: the callback is disabled') };
    }
    const message = JSON.parse(delivery.payload) as CallbackMessage;
    // The expression is judged once, before the first attempt; a retry resends what matched.
    if (message.type !== 'test' && callback.expression.trim() !== '' && delivery.attempts === 0) {
      // the callback owns its expression for the sandbox's time-out bench (sandbox.ts)
      const record = { fields: message.fields, previous: message.previous, action: message.action, type: message.type, interests: message.interests };
      const verdict = await this.#options.sandbox.evaluate(callback.expression, record, `callback ${callback.id}`);
      if (verdict.error !== undefined) {
        return { kind: 'record', outcome: this.#unsent(delivery, 'skipped', `not sent: the expression failed: ${verdict.error}`) };
      }
      if (!verdict.matched) return { kind: 'discard' };
    }
    const { body, contentType } = renderBody(delivery.payload, callback.method);
    const timestamp = Math.floor(this.#options.clock.now() / 1000);
    return {
      kind: 'send',
      body,
      headers: {
        'content-type': contentType,
        'user-agent': this.#options.userAgent,
        'webhook-id': delivery.webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(callback.secrets, delivery.webhookId, timestamp, body),
      },
    };
  }

  #unsent(delivery: DueDelivery, status: 'exhausted' | 'skipped', error: string): AttemptOutcome {
    return {
      deliveryId: delivery.id,
      callbackId: delivery.callback.id,
      sent: false,
      attempt: { time: formatTimestamp(this.#options.clock.now()), statusCode: null, durationMs: 0, error, response: null },
      status,
      nextAttemptAt: null,
      disableCallback: null,
    };
  }

  #handleSuccess(delivery: DueDelivery, result: SendResult): AttemptOutcome {
    return {
      deliveryId: delivery.id,
      callbackId: delivery.callback.id,
      sent: true,
      attempt: this.#attemptRecord(result),
      status: 'succeeded',
      nextAttemptAt: null,
      disableCallback: null,
    };
  }

  /**
   * A failure's retry. Whether the callback has now failed for too long is not decided here: the store
   * does that when it records the outcome, from the callback as it is then (see AttemptOutcome).
   */
  #handleFailure(delivery: DueDelivery, result: SendResult): AttemptOutcome {
    const now = this.#options.clock.now();
    const disableCallback = result.statusCode === 410 ? `disabled after the receiver answered 410 Gone at ${formatTimestamp(now)}` : null;
    const next =
      disableCallback === null
        ? nextAttemptAt({
            schedule: this.#options.retryScheduleSeconds,
            attemptsMade: delivery.attempts - delivery.retryBase + 1,
            nowMs: now,
            random: this.#options.random,
            retryAfterSeconds: result.statusCode === 429 || result.statusCode === 503 ? parseRetryAfter(result.retryAfter, now) : null,
          })
        : null;
    return {
      deliveryId: delivery.id,
      callbackId: delivery.callback.id,
      sent: true,
      attempt: this.#attemptRecord(result),
      status: next === null ? 'exhausted' : 'failed',
      nextAttemptAt: next,
      disableCallback,
    };
  }

  #attemptRecord(result: SendResult): AttemptOutcome['attempt'] {
    const redirect = result.statusCode !== null && result.statusCode >= 300 && result.statusCode < 400;
    return {
      time: formatTimestamp(this.#options.clock.now()),
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      error: result.error ?? (redirect ? 'redirects are not followed; point the callback at the final URL' : null),
      response: result.response,
    };
  }
}

function isSuccess(result: SendResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}
