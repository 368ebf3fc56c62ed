// What makes a delivery due for a claim, shared by the claims of both stores, listeners and parking.
import type { ExpressionBuilder } from 'kysely';
import type { Schema } from '../db/schema.ts';

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
