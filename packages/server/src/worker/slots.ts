// The worker's slots: how many attempts run at once, in all and per callback (a quarter of the
// slots each, so one slow receiver leaves the rest to the others).
import type { DueDelivery } from '../queue/types.ts';

export interface SlotEvents {
  /** a callback's slot is free again: its send is over (or was never started) */
  sent(): void;
  /** the attempt is over, its outcome recorded; `wasFull`: no slot was free until now */
  done(wasFull: boolean): void;
}

export class Slots {
  readonly size: number;
  readonly perCallback: number;
  /** sends under way by callback: the claim leaves out callbacks whose every slot is busy */
  readonly busy = new Map<number, number>();
  readonly #running = new Set<Promise<void>>();
  /** deliveries this process is attempting right now: a lease that ran out must not send them twice */
  readonly #attempting = new Set<number>();
  /** how many sends have ended so far: a claim compares it before and after (worker.ts) */
  #sendsEnded = 0;

  constructor(size: number) {
    this.size = size;
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

  hasRoomFor(callbackId: number): boolean {
    return (this.busy.get(callbackId) ?? 0) < this.perCallback;
  }

  /**
   * Runs `work` for the delivery, which calls `sent` once its send is over; nothing when the delivery
   * is being attempted already (claimed again after its lease ran out). The callback's slot is kept
   * only while the receiver has the request: one slow receiver is what the per-callback limit is for,
   * and recording the outcome (which waits for the next write transaction) is no business of the
   * receiver's. The worker's slot is kept until the outcome is recorded, so outcomes waiting for a
   * store that is away stay bounded. `work` must not reject.
   */
  run(delivery: DueDelivery, work: (sent: () => void) => Promise<void>, events: SlotEvents): void {
    if (this.#attempting.has(delivery.id)) return;
    this.#attempting.add(delivery.id);
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
