// The worker's slots: how many attempts run at once, in all and per callback (a quarter of the
// slots each, so one slow receiver leaves the rest to the others).
import type { DueDelivery } from '../queue/types.ts';

export class Slots {
  readonly size: number;
  readonly perCallback: number;
  /** attempts under way by callback: the claim leaves out callbacks whose every slot is busy */
  readonly busy = new Map<number, number>();
  readonly #running = new Set<Promise<void>>();
  /** deliveries this process is attempting right now: a lease that ran out must not send them twice */
  readonly #attempting = new Set<number>();

  constructor(size: number) {
    this.size = size;
    this.perCallback = Math.max(1, Math.floor(size / 4));
  }

  get used(): number {
    return this.#running.size;
  }

  get free(): number {
    return this.size - this.#running.size;
  }

  hasRoomFor(callbackId: number): boolean {
    return (this.busy.get(callbackId) ?? 0) < this.perCallback;
  }

  /**
   * Runs `work` for the delivery in a slot, then `after` once the slot is free again; nothing when the
   * delivery is being attempted already (claimed again after its lease ran out).
   */
  run(delivery: DueDelivery, work: () => Promise<void>, after: () => void): void {
    if (this.#attempting.has(delivery.id)) return;
    this.#attempting.add(delivery.id);
    const callbackId = delivery.callback.id;
    this.busy.set(callbackId, (this.busy.get(callbackId) ?? 0) + 1);
    const running = work().finally(() => {
      this.#attempting.delete(delivery.id);
      const left = (this.busy.get(callbackId) ?? 1) - 1;
      if (left === 0) this.busy.delete(callbackId);
      else this.busy.set(callbackId, left);
      this.#running.delete(running);
      after();
    });
    this.#running.add(running);
  }

  /** Resolves when the attempts under way now are over. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }
}
