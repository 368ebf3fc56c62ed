// What makes a delivery due for a claim, and what a claimed one is to its attempt: shared by the claims
// of both stores, listeners and parking.
import type { ExpressionBuilder } from 'kysely';
import type { Schema } from '../db/schema.ts';
import type { DueDelivery } from './types.ts';

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

/** The columns of a claimed delivery and its event that an attempt needs. */
export interface ClaimedDelivery {
  id: number | string;
  webhook_id: string;
  event_key: string;
  attempts: number;
  retry_base: number;
  ordering_key: unknown;
  payload: string;
  traceparent: string | null;
}

/** A claimed delivery as its attempt takes it, leased until `leaseUntil`, sent to `callback`. */
export function dueDelivery(row: ClaimedDelivery, leaseUntil: number, callback: DueDelivery['callback']): DueDelivery {
  return {
    id: Number(row.id),
    webhookId: row.webhook_id,
    eventKey: row.event_key,
    attempts: row.attempts,
    retryBase: row.retry_base,
    payload: row.payload,
    traceparent: row.traceparent,
    ordered: row.ordering_key !== null,
    leaseUntil,
    callback,
  };
}
