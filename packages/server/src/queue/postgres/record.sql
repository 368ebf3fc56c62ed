-- A worker's finished attempts, recorded in one statement from parallel arrays (one element per
-- outcome, in the order the worker recorded them).
-- $1 delivery IDs, $2 sent, $3 callback IDs, $4 statuses, $5 next attempt at, $6 status codes,
-- $7 attempt times, $8 durations in ms, $9 errors, $10 responses, $11 reasons to disable (410 Gone),
-- $12 now (epoch ms), $13 stamp, $14 days of failing that disable a callback, $15 channel, $16 origin,
-- $17 the leases the attempts were made under, $18 who made each attempt ('listener' for a
-- `tidings listen`, null for the worker)
WITH outcome AS (
  SELECT *
  FROM unnest($1::bigint[], $2::boolean[], $3::bigint[], $4::text[], $5::bigint[], $6::int[], $7::text[], $8::int[],
              $9::text[], $10::text[], $11::text[], $17::bigint[], $18::text[])
       WITH ORDINALITY AS o(delivery_id, sent, callback_id, status, next_attempt_at, status_code, time, duration_ms,
                            error, response, disable_reason, lease_until, via, n)
), held AS (
  -- the outcomes whose attempt still holds its lease: one that ran out may have been claimed and
  -- attempted again since (that attempt's outcome is the one to keep, and the one that counts for
  -- the callback), and a batch sent again after a lost commit acknowledgement finds its leases gone.
  -- Read in this statement's snapshot, unlocked: a claim that commits between the snapshot and the
  -- update of `recorded` makes that update pass over the outcome after `settled` counted it (a real
  -- answer of the receiver's); the rates and breakers count only what `recorded` returns
  SELECT o.*
  FROM outcome o
  JOIN deliveries d ON d.id = o.delivery_id AND d.lease_until = o.lease_until
), folded AS (
  -- what the sent attempts mean for each callback (an UPDATE … FROM changes a row once): a 410 Gone
  -- disables it; the last attempt decides whether it is failing; a failing spell that has lasted
  -- long enough disables it when a failure comes first in the batch
  SELECT callback_id,
         bool_or(disable_reason IS NOT NULL) AS gone,
         (array_agg(disable_reason ORDER BY n DESC) FILTER (WHERE disable_reason IS NOT NULL))[1] AS gone_reason,
         bool_or(status = 'succeeded') AS any_success,
         (array_agg(status = 'succeeded' ORDER BY n DESC))[1] AS ends_in_success,
         min(n) FILTER (WHERE status <> 'succeeded' AND disable_reason IS NULL) AS first_failure,
         min(n) FILTER (WHERE status = 'succeeded') AS first_success
  FROM held
  WHERE sent
  GROUP BY callback_id
), settled AS (
  -- decided on the callback's row as it is once locked (another worker's success may have ended the
  -- spell since these attempts were claimed), and written only where something changes: most
  -- successes write nothing
  UPDATE callbacks c SET
    disabled = CASE
      WHEN f.gone OR (c.disabled = 0 AND c.failing_since IS NOT NULL AND $12 - c.failing_since >= $14 * 86400000
                      AND f.first_failure < coalesce(f.first_success, f.first_failure + 1)) THEN 1
      ELSE c.disabled END,
    disabled_reason = CASE
      WHEN f.gone THEN f.gone_reason
      WHEN c.disabled = 0 AND c.failing_since IS NOT NULL AND $12 - c.failing_since >= $14 * 86400000
           AND f.first_failure < coalesce(f.first_success, f.first_failure + 1)
        THEN 'disabled after every attempt failed for ' || $14 || ' days (since '
             || to_char(to_timestamp(c.failing_since / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ')'
      ELSE c.disabled_reason END,
    modified = CASE
      WHEN f.gone OR (c.disabled = 0 AND c.failing_since IS NOT NULL AND $12 - c.failing_since >= $14 * 86400000
                      AND f.first_failure < coalesce(f.first_success, f.first_failure + 1)) THEN $13
      ELSE c.modified END,
    failing_since = CASE
      WHEN f.ends_in_success THEN NULL
      -- a failure on a callback disabled already changes nothing
      WHEN c.disabled = 1 AND NOT f.gone THEN CASE WHEN f.any_success THEN NULL ELSE c.failing_since END
      WHEN f.any_success THEN $12
      ELSE coalesce(c.failing_since, $12) END
  FROM folded f
  WHERE c.id = f.callback_id
    AND (f.gone
         OR (c.disabled = 0 AND c.failing_since IS NOT NULL AND $12 - c.failing_since >= $14 * 86400000
             AND f.first_failure < coalesce(f.first_success, f.first_failure + 1))
         OR c.failing_since IS DISTINCT FROM CASE
              WHEN f.ends_in_success THEN NULL
              WHEN c.disabled = 1 AND NOT f.gone THEN CASE WHEN f.any_success THEN NULL ELSE c.failing_since END
              WHEN f.any_success THEN $12
              ELSE coalesce(c.failing_since, $12) END)
  -- disabled by the spell here: enabled in this statement's snapshot, disabled now, not by a 410
  RETURNING c.id, f.first_failure,
            NOT f.gone AND c.disabled = 1 AND EXISTS (SELECT 1 FROM callbacks seen WHERE seen.id = c.id AND seen.disabled = 0) AS spell_over
), decided AS (
  -- the attempt that disables its callback is its delivery's last
  SELECT o.*, o.sent AND (o.disable_reason IS NOT NULL OR coalesce(s.spell_over AND s.first_failure = o.n, false)) AS disables
  FROM held o
  LEFT JOIN settled s ON s.id = o.callback_id
), recorded AS (
  -- a retry asked for during the attempt (retry_requested) sends a delivery that did not get through
  -- again at once, with a fresh round of retries; an attempt that was not sent does not count
  UPDATE deliveries d SET
    status = CASE
      WHEN d.retry_requested <> 0 AND x.status <> 'succeeded' THEN 'pending'
      WHEN x.disables AND x.status = 'failed' THEN 'exhausted'
      ELSE x.status END,
    attempts = d.attempts + x.sent::int,
    retry_base = CASE WHEN d.retry_requested <> 0 AND x.status <> 'succeeded' THEN d.attempts + x.sent::int ELSE d.retry_base END,
    next_attempt_at = CASE
      WHEN d.retry_requested <> 0 AND x.status <> 'succeeded' THEN $12
      WHEN x.disables THEN NULL
      ELSE x.next_attempt_at END,
    lease_until = NULL,
    retry_requested = 0,
    last_status_code = x.status_code,
    modified = $13
  FROM decided x
  -- checked again on the row as it is once locked: a claim that took it since this statement began
  -- keeps it
  WHERE d.id = x.delivery_id AND d.lease_until = x.lease_until
  RETURNING d.id, x.lease_until, d.callback_id, d.status = 'pending' AS requeued
), attempted AS (
  -- only for deliveries that still exist: one deleted with its callback while it was attempted has
  -- nothing left to record this on; and only the attempt recorded, not an earlier one of the same
  -- delivery in this batch whose lease ran out
  INSERT INTO delivery_attempts (delivery_id, time, status_code, duration_ms, error, response, via)
  SELECT o.delivery_id, o.time, o.status_code, o.duration_ms, o.error, o.response, o.via
  FROM outcome o
  JOIN recorded r ON r.id = o.delivery_id AND r.lease_until = o.lease_until
  ORDER BY o.n
  RETURNING 1
), notified AS (
  SELECT pg_notify($15, $16) FROM (SELECT 1 FROM recorded WHERE requeued LIMIT 1) AS any_requeued
)
SELECT array(SELECT DISTINCT callback_id FROM recorded WHERE requeued) AS requeued,
       array(SELECT id || ':' || lease_until FROM recorded) AS recorded,
       (SELECT count(*) FROM attempted) AS attempts,
       (SELECT count(*) FROM notified) AS notified
