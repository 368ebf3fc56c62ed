-- A profile create, statement 2 of 2: the profile, the event and one delivery per listening callback,
-- and the signal to other processes, all or nothing in one statement.
-- $1 profile ID, $2 fields, $3 interests, $4 stamp, $5 account ID, $6 database ID, $7 payload,
-- $8 epoch ms, $9 callback IDs, $10 ordering keys, $11 webhook IDs, $12 event key, $13 first attempt at,
-- $14 channel, $15 origin, $16 missed (the callback is disabled: kept, not due), $17 traceparent (or null)
WITH created AS (
  INSERT INTO profiles (id, account_id, database_id, fields, interests, created, modified)
  VALUES ($1, $5, $6, $2, $3, $4, $4)
  RETURNING id
), event AS (
  INSERT INTO events (account_id, database_id, payload, created_at, traceparent)
  SELECT $5, $6, $7, $8, $17 FROM created
  RETURNING id
), queued AS (
  INSERT INTO deliveries (account_id, callback_id, event_id, event_key, webhook_id, ordering_key, status, attempts,
                          retry_base, next_attempt_at, created, modified, created_at)
  SELECT $5, target.callback_id, event.id, $12, target.webhook_id, target.ordering_key,
         CASE WHEN target.missed THEN 'missed' ELSE 'pending' END, 0, 0, CASE WHEN target.missed THEN NULL ELSE $13::bigint END, $4, $4, $8
  FROM event, unnest($9::bigint[], $10::bigint[], $11::text[], $16::boolean[]) WITH ORDINALITY AS target(callback_id, ordering_key, webhook_id, missed, n)
  ORDER BY target.n
  RETURNING status
), notified AS (
  SELECT pg_notify($14, $15) FROM (SELECT 1 FROM queued WHERE status = 'pending' LIMIT 1) AS any_queued
)
SELECT (SELECT count(*) FROM created) AS created, (SELECT count(*) FROM notified) AS notified
