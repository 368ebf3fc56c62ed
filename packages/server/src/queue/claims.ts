// Claims: the worker leases due deliveries, with what it needs to attempt them. On the embedded store
// a claim may join the transaction of the writes that queued its deliveries (joinClaims).
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type Transaction } from 'kysely';
import type { Connection } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import { claimDueDeliveries as claimOnPostgres } from './postgres/claim.ts';
import { throttleOf } from './throttle.ts';
import type { ClaimNotes, DueDelivery, JoinedClaim } from './types.ts';

/** Final states hold no schedule; only pending and failed deliveries are ever claimed. */
export const OPEN_STATUSES = ['pending', 'failed'] as const;

/** A scan of due deliveries, `deliveries as d`, as claims and listeners (listeners.ts) write it. */
type DueScan = ExpressionBuilder<Schema & { d: Schema['deliveries'] }, 'd'>;

/**
 * Ordering "profile": a delivery with an ordering key is not due while an earlier one of its callback
 * and key is still open (pending or failed), whatever that one's due time.
 */
export function notBehindAnOpenDelivery(eb: DueScan) {
  return eb.or([
    eb('d.ordering_key', 'is', null),
    eb.not(
      eb.exists(
        eb
          .selectFrom('deliveries as earlier')
          .select('earlier.id')
          .whereRef('earlier.callback_id', '=', 'd.callback_id')
          .whereRef('earlier.ordering_key', '=', 'd.ordering_key')
          .whereRef('earlier.id', '<', 'd.id')
          .where('earlier.status', 'in', OPEN_STATUSES),
      ),
    ),
  ]);
}

/** the most rows a claim's scan reads: four per delivery of the largest batch the worker claims (100) */
const CLAIM_SCAN_MOST = 400;

/** rows in a row a claim passes over (their callbacks have no free slot left) before it stops looking */
const CLAIM_PASS_OVER_LIMIT = 32;

export class Claims {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
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
          deliveries = await this.#claimIn(trx, claim.limit, claim.leaseMs, claim.maxPerCallback, claim.busy, notes);
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
    return this.#connection.write((trx) => this.#claimIn(trx, limit, leaseMs, maxPerCallback, busy, notes));
  }

  async #claimIn(
    trx: Transaction<Schema>,
    limit: number,
    leaseMs: number,
    maxPerCallback: number,
    busy: ReadonlyMap<number, number>,
    notes: ClaimNotes,
  ): Promise<DueDelivery[]> {
    const saturatedIds = [...busy].filter(([, count]) => count >= maxPerCallback).map(([id]) => id);
    const saturated = this.#idList(saturatedIds);
    // the callbacks left out (busy) are the worker's to know: it counts them as left behind when their
    // sends are under way (a send that ends wakes it), not when only a pause holds them (its timer does)
    notes.leftBehind = false;
    const now = this.#connection.clock.now();
    // Two candidates per wanted row on PostgreSQL leave room for what other workers lock first.
    const wanted = this.#connection.dialect === 'postgres' ? limit * 2 : limit;
    // of each callback at most its free slots (the limit less what the worker sends it already),
    // so one busy callback cannot fill a batch
    const taken = new Map<number, number>();
    const candidates: number[] = [];
    // A run of rows all of callbacks whose slots this claim filled ends the scan: behind one busy
    // callback's backlog the rest is found by the next claim, which leaves that callback out in SQL.
    let passedOver = 0;
    const scanLimit = Math.max(limit * 4, 200);
    // SQLite reads the rows one at a time (the scan stops itself after scanLimit), under a LIMIT
    // written into the SQL: a bound LIMIT made this statement cost ≈ 45 µs instead of ≈ 5 µs
    let scanned = 0;
    const sqliteScan = this.#connection.dialect === 'sqlite';
    await this.#connection.statements.scan(
      trx,
      'claimScan',
      () => this.#claimScan(trx, now, saturated, sqliteScan ? sql.lit(CLAIM_SCAN_MOST) : scanLimit),
      sqliteScan ? [now, now, saturated, now, ...OPEN_STATUSES] : [now, now, saturated, now, ...OPEN_STATUSES, scanLimit],
      (row) => {
        if (++scanned > scanLimit) return false;
        const used = (busy.get(row.callback_id) ?? 0) + (taken.get(row.callback_id) ?? 0);
        if (used >= maxPerCallback) {
          notes.leftBehind = true;
          return ++passedOver < CLAIM_PASS_OVER_LIMIT;
        }
        passedOver = 0;
        taken.set(row.callback_id, (taken.get(row.callback_id) ?? 0) + 1);
        candidates.push(row.id);
        return candidates.length < wanted;
      },
    );
    // rows beyond those read may be due too
    if (scanned >= scanLimit) notes.leftBehind = true;
    if (candidates.length === 0) return [];
    const ids = this.#connection.dialect === 'postgres' ? await this.#lockCandidates(trx, candidates, limit, now) : candidates;
    if (ids.length === 0) return [];
    const idList = this.#idList(ids);
    const leaseUntil = now + leaseMs;
    await this.#connection.statements.rows(
      trx,
      'leaseClaimed',
      () => trx.updateTable('deliveries').set({ lease_until: leaseUntil }).where((eb) => this.#oneOf(eb.ref('id'), idList)),
      [leaseUntil, idList],
    );
    const rows = await this.#connection.statements.rows(
      trx,
      'claimedDeliveries',
      () =>
        trx
          .selectFrom('deliveries')
          .innerJoin('callbacks', 'callbacks.id', 'deliveries.callback_id')
          .innerJoin('events', 'events.id', 'deliveries.event_id')
          .select([
            'deliveries.id',
            'deliveries.webhook_id',
            'deliveries.event_key',
            'deliveries.attempts',
            'deliveries.retry_base',
            'deliveries.ordering_key',
            'events.payload',
            'events.traceparent',
            'callbacks.id as callback_id',
            'callbacks.url',
            'callbacks.method',
            'callbacks.expression',
            'callbacks.disabled',
            'callbacks.rate_limit',
            'callbacks.throttle_rate',
            'callbacks.paused_until',
            'callbacks.unreachable_streak',
            'callbacks.breaker_trips',
          ])
          .where((eb) => this.#oneOf(eb.ref('deliveries.id'), idList))
          .orderBy('deliveries.id'),
      [idList],
    );
    const callbackIds = this.#idList([...new Set(rows.map((row) => row.callback_id))]);
    const secrets = await this.#connection.statements.rows(
      trx,
      'claimedSecrets',
      () =>
        trx
          .selectFrom('callback_secrets')
          .select(['callback_id', 'secret'])
          .where((eb) => this.#oneOf(eb.ref('callback_id'), callbackIds))
          .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
          .orderBy('id', 'desc'),
      [callbackIds, now],
    );
    return rows.map((row) => ({
      id: row.id,
      webhookId: row.webhook_id,
      eventKey: row.event_key,
      attempts: row.attempts,
      retryBase: row.retry_base,
      payload: row.payload,
      traceparent: row.traceparent,
      ordered: row.ordering_key !== null,
      leaseUntil,
      callback: {
        id: row.callback_id,
        url: row.url,
        method: row.method as 'json' | 'xml',
        expression: row.expression,
        disabled: row.disabled === 1,
        secrets: secrets.filter((secret) => secret.callback_id === row.callback_id).map((secret) => secret.secret),
        ...throttleOf(row),
      },
    }));
  }

  /**
   * The deliveries a claim may take, earliest due first: due, not leased, not of a callback the
   * worker already keeps busy to its limit (a slow receiver cannot take every slot), not of a callback
   * a listener holds, and not waiting
   * behind an earlier open delivery of the same profile (ordering "profile"). The scan is bounded and
   * walks the due index in order, so a claim costs the same with a backlog of a million as with ten.
   */
  #claimScan(trx: Transaction<Schema>, now: number, saturated: string | number[], scanLimit: number | RawBuilder<number>) {
    return trx
      .selectFrom('deliveries as d')
      .select(['d.id', 'd.callback_id'])
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', now)]))
      .where((eb) => eb.not(this.#oneOf(eb.ref('d.callback_id'), saturated)))
      // a callback a `tidings listen` stream holds gets its deliveries through the stream (listen/)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('callbacks as listened').select('listened.id').whereRef('listened.id', '=', 'd.callback_id').where('listened.listened_until', '>=', now),
          ),
        ),
      )
      .where(notBehindAnOpenDelivery)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(scanLimit);
  }

  /**
   * PostgreSQL, where several workers claim at once: the candidates were chosen on a snapshot, so their
   * rows are locked with SKIP LOCKED (rows another worker is claiming this instant are passed over, not
   * waited for) and checked again once locked: a row another worker leased or finished meanwhile no
   * longer passes. The locks last until the caller's transaction commits the leases.
   */
  async #lockCandidates(trx: Transaction<Schema>, candidates: number[], limit: number, now: number): Promise<number[]> {
    const rows = await this.#connection.statements.rows(
      trx,
      'lockCandidates',
      () =>
        trx
          .selectFrom('deliveries')
          .select('id')
          .where((eb) => this.#oneOf(eb.ref('id'), candidates))
          .where('status', 'in', OPEN_STATUSES)
          .where('next_attempt_at', '<=', now)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('next_attempt_at')
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      [candidates, ...OPEN_STATUSES, now, now, limit],
    );
    return rows.map((row) => row.id);
  }

  /** A list of IDs as one parameter, so that statements over lists keep one shape: see #oneOf. */
  #idList(ids: readonly number[]): string | number[] {
    return this.#connection.dialect === 'postgres' ? [...ids] : JSON.stringify(ids);
  }

  #oneOf(column: Expression<number>, idList: string | number[]): RawBuilder<boolean> {
    return this.#connection.dialect === 'postgres'
      ? sql<boolean>`${column} = any(${idList})`
      : sql<boolean>`${column} in (select value from json_each(${idList}))`;
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
