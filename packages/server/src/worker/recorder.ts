// Record: finished attempts' outcomes, committed in batches; kept and recorded again while the store is away.
import { storeFault } from '../db/faults.ts';
import { RecordedButNotAdjusted } from '../queue/outcomes.ts';
import type { AttemptOutcome } from '../queue/types.ts';
import type { Store } from '../records/store.ts';

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

export class Recorder {
  readonly #store: Store;
  readonly #onError: ((error: unknown) => void) | undefined;
  /** outcomes waiting for the next record transaction, and whether one is scheduled or running */
  #unrecorded: PendingRecord[] = [];
  /** the outcomes of the record transaction under way */
  #writing: readonly AttemptOutcome[] = [];
  #recording = false;

  constructor(store: Store, onError: ((error: unknown) => void) | undefined) {
    this.#store = store;
    this.#onError = onError;
  }

  /**
   * Resolves once the outcome is committed. Attempts that finish while a record transaction is
   * scheduled or running share the next one: one commit for many deliveries under load, and an
   * attempt alone still waits no longer than the turn of the event loop it finished in.
   */
  record(outcome: AttemptOutcome): Promise<void> {
    return new Promise((recorded, failed) => {
      this.#unrecorded.push({ outcome, recorded, failed });
      if (this.#recording) return;
      this.#recording = true;
      setImmediate(() => void this.#recordPending());
    });
  }

  /**
   * The outcome of the delivery, waiting to be recorded, is to be recorded under the lease a claim
   * gave it since (Slots.run): the outcome objects are shared with a batch being written, so a batch
   * that fails and is written again has the new lease too.
   */
  relet(deliveryId: number, leaseUntil: number): void {
    for (const pending of this.#unrecorded) if (pending.outcome.deliveryId === deliveryId) pending.outcome.leaseUntil = leaseUntil;
    for (const outcome of this.#writing) if (outcome.deliveryId === deliveryId) outcome.leaseUntil = leaseUntil;
  }

  /**
   * After a write of `batch`, whose outcomes had `leases` when it began: a claim took one of these
   * deliveries again while the write ran (relet), and the write matched no lease for it; it is
   * written again under the new one. (One the write did record was made due again since, by a retry
   * asked for meanwhile: that claim's attempt is another.) The others are done.
   */
  #written(batch: readonly PendingRecord[], leases: readonly number[], recorded: ReadonlySet<AttemptOutcome>): void {
    const relet = batch.filter((pending, index) => !recorded.has(pending.outcome) && pending.outcome.leaseUntil !== leases[index]);
    for (const pending of batch) if (!relet.includes(pending)) pending.recorded();
    this.#unrecorded.unshift(...relet);
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
      this.#writing = batch.map((pending) => pending.outcome);
      const leases = this.#writing.map((outcome) => outcome.leaseUntil);
      try {
        this.#written(batch, leases, await this.#store.recordAttempts(this.#writing));
        wait = RECORD_RETRY_FIRST_MS;
      } catch (error) {
        if (error instanceof RecordedButNotAdjusted) {
          this.#written(batch, leases, error.recorded);
          this.#onError?.(error);
          continue;
        }
        if (storeFault(error) === null) {
          for (const pending of batch) pending.failed(error);
          continue;
        }
        this.#onError?.(error);
        this.#unrecorded.unshift(...batch);
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = Math.min(wait * 2, RECORD_RETRY_LAST_MS);
      } finally {
        this.#writing = [];
      }
    }
    this.#recording = false;
  }
}
