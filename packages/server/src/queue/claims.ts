// Claims: the worker leases due deliveries, with what it needs to attempt them (postgres/claim.ts,
// sqlite/claim.ts). On the embedded store a claim may join the transaction of the writes that queued
// its deliveries (joinClaims).
import { sql } from 'kysely';
import type { Connection } from '../db/connection.ts';
import { claimDueDeliveries as claimOnPostgres } from './postgres/claim.ts';
import { SqliteClaims } from './sqlite/claim.ts';
import type { ClaimNotes, DueDelivery, JoinedClaim } from './types.ts';

export class Claims {
  readonly #connection: Connection;
  readonly #sqlite: SqliteClaims;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#sqlite = new SqliteClaims(connection);
  }

  /**
   * The embedded store calls `request` before it commits writes that queued deliveries, and makes the
   * claim it answers in that same transaction (see Store.joinClaims).
   */
  joinClaims(request: () => JoinedClaim | null): void {
    this.#connection.endWritesWith(() => {
      const claim = request();
      if (claim === null) return null;
      let deliveries: DueDelivery[] = [];
      const notes: ClaimNotes = { leftBehind: true };
      return {
        run: async (trx) => {
          deliveries = await this.#sqlite.claimIn(trx, claim.limit, claim.leaseMs, claim.maxPerCallback, claim.busy, notes);
        },
        failed: () => {
          notes.leftBehind = true;
        },
        done: (committed) => (committed ? claim.done(deliveries, notes) : claim.done([], { leftBehind: true })),
      };
    });
  }

  claimDueDeliveries(
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number> = new Map(),
    notes: ClaimNotes = { leftBehind: false },
  ): Promise<DueDelivery[]> {
    const postgres = this.#connection.postgres;
    if (postgres) return claimOnPostgres(postgres.run, this.#connection.clock.now(), limit, leaseMs, maxPerCallback, busy, notes);
    // on the embedded store, in the transaction the writes of the moment share (see db/connection.ts)
    return this.#connection.write((trx) => this.#sqlite.claimIn(trx, limit, leaseMs, maxPerCallback, busy, notes));
  }

  async nextDueTime(): Promise<number | null> {
    // a paused callback's deliveries are due when the pause ends (those enqueued during the pause
    // keep the time of their change)
    const row = await this.#connection.db
      .selectFrom('deliveries as d')
      .innerJoin('callbacks as c', 'c.id', 'd.callback_id')
      .select(({ fn }) =>
        fn.min<number>(sql`case when c.paused_until > d.next_attempt_at then c.paused_until else d.next_attempt_at end`).as('due'),
      )
      .where('d.next_attempt_at', 'is not', null)
      .where('d.lease_until', 'is', null)
      .executeTakeFirst();
    const leased = await this.#connection.db
      .selectFrom('deliveries')
      .select(({ fn }) => fn.min<number>('lease_until').as('due'))
      .where('lease_until', 'is not', null)
      .where('next_attempt_at', 'is not', null)
      .executeTakeFirst();
    const candidates = [row?.due, leased?.due].filter((due): due is number => due !== null && due !== undefined).map(Number);
    return candidates.length === 0 ? null : Math.min(...candidates);
  }

  async releaseAllLeases(): Promise<number> {
    const result = await this.#connection.db.updateTable('deliveries').set({ lease_until: null }).where('lease_until', 'is not', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
