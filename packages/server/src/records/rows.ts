// Rows as the API shows them, and a page of them.
import type { Selectable } from 'kysely';
import type { Callback, Collection, Database, Delivery, DeliveryStatus, ListEnvelope, Profile, Subprofile } from '@tidings/spec';
import { formatTimestamp } from '../clock.ts';
import type { CallbacksTable, DeliveriesTable, ProfilesTable, SubprofilesTable } from '../db/schema.ts';
import type { Fields } from '../queue/message.ts';
import type { Page } from './store.ts';

export type CallbackRow = Selectable<CallbacksTable>;
export type ProfileRow = Selectable<ProfilesTable>;
export type SubprofileRow = Selectable<SubprofilesTable>;
type DeliveryRow = Selectable<DeliveriesTable>;

export const toDatabase = (row: { id: number; name: string; description: string; created: string }): Database => ({
  ID: String(row.id),
  name: row.name,
  description: row.description,
  created: row.created,
});

export const toCollection = (row: { id: number; name: string; database_id: number }): Collection => ({
  ID: String(row.id),
  name: row.name,
  database: String(row.database_id),
});

export const toProfile = (row: ProfileRow): Profile => ({
  ID: String(row.id),
  database: String(row.database_id),
  fields: JSON.parse(row.fields) as Fields,
  interests: JSON.parse(row.interests) as string[],
  created: row.created,
  modified: row.modified,
});

export const toSubprofile = (row: SubprofileRow): Subprofile => ({
  ID: String(row.id),
  profile: String(row.profile_id),
  collection: String(row.collection_id),
  fields: JSON.parse(row.fields) as Fields,
  created: row.created,
  modified: row.modified,
});

/** A callback as the API shows it; with `nowMs`, as an answer about it alone (with its throttle). */
export const toCallback = (row: CallbackRow, nowMs?: number): Callback => ({
  ID: String(row.id),
  url: row.url,
  expression: row.expression,
  action: row.action as Callback['action'],
  method: row.method as Callback['method'],
  database: String(row.database_id),
  collection: row.collection_id === null ? null : String(row.collection_id),
  ordering: row.ordering as Callback['ordering'],
  signing: row.signing as Callback['signing'],
  rateLimit: row.rate_limit,
  disabled: row.disabled === 1,
  disabledReason: row.disabled_reason,
  listenedUntil: row.listened_until === null ? null : formatTimestamp(Number(row.listened_until)),
  version: row.version,
  created: row.created,
  modified: row.modified,
  ...(nowMs !== undefined && { throttle: toThrottle(row, nowMs) }),
});

/** Where a callback's sending stands (queue/throttle.ts): null with no limit and no pause. */
export function toThrottle(row: Pick<CallbackRow, 'rate_limit' | 'throttle_rate' | 'paused_until'>, nowMs: number): Callback['throttle'] {
  const pausedUntil = row.paused_until !== null && Number(row.paused_until) > nowMs ? formatTimestamp(Number(row.paused_until)) : null;
  if (row.rate_limit === null && pausedUntil === null) return null;
  const rate = row.rate_limit === null ? null : Math.round((row.throttle_rate ?? row.rate_limit) * 100) / 100;
  return { rate, pausedUntil };
}

export const toDelivery = (row: DeliveryRow): Delivery => ({
  ID: String(row.id),
  callback: String(row.callback_id),
  event: row.event_key,
  webhookId: row.webhook_id,
  status: row.status as DeliveryStatus,
  attempts: row.attempts,
  nextAttempt: row.next_attempt_at === null ? null : formatTimestamp(row.next_attempt_at),
  lastStatusCode: row.last_status_code,
  created: row.created,
  modified: row.modified,
});

/** A page of a list: the total and the page's rows read at once. */
export async function listPage<Row, Item>(
  page: Page,
  count: () => Promise<number | string | bigint>,
  rows: () => Promise<Row[]>,
  present: (row: Row) => Item,
): Promise<ListEnvelope<Item>> {
  const [total, found] = await Promise.all([count(), rows()]);
  const data = found.map(present);
  return { start: page.start, limit: page.limit, count: data.length, total: Number(total), data };
}
