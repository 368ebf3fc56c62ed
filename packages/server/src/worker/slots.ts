// The worker's slots: how many attempts run at once, in all and per callback (a quarter of the
// slots each, so one slow receiver leaves the rest to the others).
import type { DueDelivery } from '../queue/types.ts';

export interface SlotEvents {
  /** a callback's slot is free again: its send is over (or was never started) */
  sent(): void;
  /** the attempt is over, its outcome recorded; `wasFull`: no slot was free until now */
  done(wasFull: boolean): void;
}

/** Told when a claim took again a delivery this process is still attempting, under a new lease. */
export type Relet = (deliveryId: number, leaseUntil: number) => void;

export class Slots {
  readonly size: number;
  readonly perCallback: number;
  /** sends under way by callback: the claim leaves out callbacks whose every slot is busy */
  readonly busy = new Map<number, number>();
  readonly #running = new Set<Promise<void>>();
  /** deliveries this process is attempting right now: a lease that ran out must not send them twice */
  readonly #attempting = new Map<number, DueDelivery>();
  /** how many sends have ended so far: a claim compares it before and after (worker.ts) */
  #sendsEnded = 0;
  readonly #relet: Relet;

  constructor(size: number, relet: Relet) {
    this.size = size;
    this.#relet = relet;
    this.perCallback = Math.max(1, Math.floor(size / 4));
  }

  get used(): number {
    return this.#running.size;
  }

  get sendsEnded(): number {
    return this.#sendsEnded;
  }

  get free(): number {
    return this.size - this.#running.size;
  }

  /**
   * Runs `work` for the delivery, which calls `sent` once its send is over. When the delivery is being
   * attempted already (claimed again by this process after its lease ran out: the store was away
   * longer than the lease while its outcome waited), nothing runs: the attempt under way takes the
   * new lease (and `relet` is told), so that its outcome is recorded under the lease the store has
   * now, rather than dropped and the message sent again when that lease ran out. The callback's slot
   * is kept only while the receiver has the request: one slow receiver is what the per-callback limit
   * is for, and recording the outcome (which waits for the next write transaction) is no business of
   * the receiver's. The worker's slot is kept until the outcome is recorded, so outcomes waiting for a
   * store that is away stay bounded. `work` must not reject.
   */
  run(delivery: DueDelivery, work: (sent: () => void) => Promise<void>, events: SlotEvents): void {
    const attempting = this.#attempting.get(delivery.id);
    if (attempting !== undefined) {
      attempting.leaseUntil = delivery.leaseUntil;
      this.#relet(delivery.id, delivery.leaseUntil);
      return;
    }
    this.#attempting.set(delivery.id, delivery);
    const callbackId = delivery.callback.id;
    this.busy.set(callbackId, (this.busy.get(callbackId) ?? 0) + 1);
    let sending = true;
    const sent = (): void => {
      if (!sending) return;
      sending = false;
      this.#sendsEnded++;
      const left = (this.busy.get(callbackId) ?? 1) - 1;
      if (left === 0) this.busy.delete(callbackId);
      else this.busy.set(callbackId, left);
      events.sent();
    };
    const running = work(sent).finally(() => {
      sent();
      this.#attempting.delete(delivery.id);
      const wasFull = this.free === 0;
      this.#running.delete(running);
      events.done(wasFull);
    });
    this.#running.add(running);
  }

  /** Resolves when the attempts under way now are over. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}
