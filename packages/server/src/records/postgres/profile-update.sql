-- A profile update, statement 2 of 2: the new fields, the event and one delivery per listening
-- callback, and the signal to other processes, all or nothing in one statement. The update applies
-- only to the version statement 1 read ($2): a write that committed since (or that this one waited
-- for) makes it match nothing, and then nothing else is written either. Delivery IDs are drawn
-- after the row is updated, while this statement holds its lock, so the deliveries of one profile
-- are numbered in commit order (what ordering "profile" relies on).
-- $1 profile ID, $2 revision, $3 fields, $4 interests, $5 stamp, $6 account ID, $7 database ID,
-- $8 payload, $9 epoch ms, $10 callback IDs, $11 ordering keys, $12 webhook IDs, $13 event key,
-- $14 first attempt at, $15 channel, $16 origin, $17 missed (the callback is disabled: kept, not due),
-- $18 traceparent (or null)
WITH updated AS (
  UPDATE profiles SET fields = $3, interests = $4, modified = $5
  WHERE id = $1 AND xmin = $2::text::xid
  RETURNING id
), event AS (
  INSERT INTO events (account_id, database_id, payload, created_at, traceparent)
  SELECT $6, $7, $8, $9, $18 FROM updated
  RETURNING id
), queued AS (
  INSERT INTO deliveries (account_id, callback_id, event_id, event_key, webhook_id, ordering_key, status, attempts,
                          retry_base, next_attempt_at, created, modified, created_at)
  SELECT $6, target.callback_id, event.id, $13, target.webhook_id, target.ordering_key,
         CASE WHEN target.missed THEN 'missed' ELSE 'pending' END, 0, 0, CASE WHEN target.missed THEN NULL ELSE $14::bigint END, $5, $5, $9
  FROM event, unnest($10::bigint[], $11::bigint[], $12::text[], $17::boolean[]) WITH ORDINALITY AS target(callback_id, ordering_key, webhook_id, missed, n)
  ORDER BY target.n
  RETURNING status
), notified AS (
  SELECT pg_notify($15, $16) FROM (SELECT 1 FROM queued WHERE status = 'pending' LIMIT 1) AS any_queued
)
SELECT (SELECT count(*) FROM updated) AS updated, (SELECT count(*) FROM notified) AS notified
