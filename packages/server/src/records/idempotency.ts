// Idempotency keys (Stripe's semantics): the first POST or PUT with a key is carried out and its answer
// kept for IDEMPOTENCY_TTL_MS; the same request with the same key gets that answer again; another
// request with the key is refused. Keys are an account's own: two accounts never see each other's.
import type { Connection } from '../db/connection.ts';

/** how long an answer is kept for its key */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/**
 * How long a key's first request may stay "in progress" before the key is taken to be abandoned (its
 * process died, or its answer could not be kept because the store went away) and another request may
 * take it over: longer than any request runs (statements are limited to seconds), short enough that a
 * client retrying after a 503 is not turned away for long.
 */
const IDEMPOTENCY_CLAIM_LEASE_MS = 60_000;
/** how often the keys past their time are dropped by the API itself (a worker's pruning drops them too) */
const PRUNE_EVERY_MS = 3600_000;

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What a request with a key may do: `proceed` (it is the first; finish() or forget() follows),
 * `replay` the stored answer, or nothing: the key was used for another request (`mismatch`), or its
 * first request is still being carried out (`in_progress`).
 */
export type KeyClaim = { state: 'proceed' } | { state: 'replay'; answer: StoredAnswer } | { state: 'mismatch' } | { state: 'in_progress' };

export class IdempotencyKeys {
  readonly #connection: Connection;
  #prunedAt = 0;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async claim(accountId: number, key: string, fingerprint: string): Promise<KeyClaim> {
    const { db, clock } = this.#connection;
    const now = clock.now();
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await this.prune();
    }
    // a key past its time is free again, and so is one whose first request was abandoned
    await db
      .deleteFrom('idempotency_keys')
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .where((eb) =>
        eb.or([eb('created_at', '<=', now - IDEMPOTENCY_TTL_MS), eb.and([eb('status', 'is', null), eb('created_at', '<=', now - IDEMPOTENCY_CLAIM_LEASE_MS)])]),
      )
      .execute();
    // ON CONFLICT rather than a look first: two requests with one key at once, one of them goes ahead
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ account_id: accountId, key, fingerprint, status: null, headers: null, body: null, created_at: now })
      .onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted !== undefined) return { state: 'proceed' };
    const row = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'headers', 'body'])
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .executeTakeFirst();
    // gone between the two statements (it expired, or its request failed): this one may go ahead
    if (row === undefined) return this.claim(accountId, key, fingerprint);
    if (row.fingerprint !== fingerprint) return { state: 'mismatch' };
    if (row.status === null) return { state: 'in_progress' };
    return { state: 'replay', answer: { status: Number(row.status), headers: JSON.parse(row.headers ?? '{}') as Record<string, string>, body: row.body ?? '' } };
  }

  /** Keeps the answer of the request that claimed the key. */
  async finish(accountId: number, key: string, answer: StoredAnswer): Promise<void> {
    await this.#connection.db
      .updateTable('idempotency_keys')
      .set({ status: answer.status, headers: JSON.stringify(answer.headers), body: answer.body })
      .where('account_id', '=', accountId)
      .where('key', '=', key)
      .execute();
  }

  /** Drops the keys older than their time: run with the deliveries' pruning. */
  async prune(): Promise<number> {
    const result = await this.#connection.db
      .deleteFrom('idempotency_keys')
      .where('created_at', '<=', this.#connection.clock.now() - IDEMPOTENCY_TTL_MS)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
