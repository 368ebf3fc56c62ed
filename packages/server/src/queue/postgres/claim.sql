-- A worker's claim in one statement: the due deliveries it may take, leased, with everything an
-- attempt needs (the payload, the callback, its live secrets newest first).
-- $1 now, $2 callbacks the worker keeps busy to its limit, $3/$4 callbacks with attempts in flight
-- and how many, $5 the most in flight per callback, $6 rows the scan reads at most, $7 candidates
-- to lock at most, $8 deliveries to lease at most, $9 lease until
WITH scanned AS MATERIALIZED (
  -- due, not leased, not of a saturated or listened callback, not waiting behind an earlier open delivery of the
  -- same profile (ordering "profile"): a bounded walk of the due index, earliest first
  SELECT d.id, d.callback_id, d.next_attempt_at
  FROM deliveries d
  WHERE d.next_attempt_at <= $1
    AND (d.lease_until IS NULL OR d.lease_until < $1)
    AND d.callback_id <> ALL ($2::bigint[])
    -- a callback a `tidings listen` stream holds gets its deliveries through the stream
    AND NOT EXISTS (SELECT 1 FROM callbacks lc WHERE lc.id = d.callback_id AND lc.listened_until >= $1)
    AND (d.ordering_key IS NULL OR NOT EXISTS (
      SELECT 1 FROM deliveries earlier
      WHERE earlier.callback_id = d.callback_id AND earlier.ordering_key = d.ordering_key
        AND earlier.id < d.id AND earlier.status IN ('pending', 'failed')))
  ORDER BY d.next_attempt_at, d.id
  LIMIT $6
), ranked AS MATERIALIZED (
  -- of each callback at most its free slots, so one busy callback cannot fill a batch (a window
  -- function cannot share a SELECT with FOR UPDATE: this is a stage of its own)
  SELECT s.id, s.next_attempt_at,
         row_number() OVER (PARTITION BY s.callback_id ORDER BY s.next_attempt_at, s.id) + coalesce(busy.n, 0) <= $5 AS free
  FROM scanned s
  LEFT JOIN unnest($3::bigint[], $4::int[]) AS busy(callback_id, n) ON busy.callback_id = s.callback_id
), candidates AS MATERIALIZED (
  SELECT id, next_attempt_at FROM ranked WHERE free ORDER BY next_attempt_at, id LIMIT $7
), locked AS (
  -- chosen on this statement's snapshot: locked without waiting for rows another worker is
  -- claiming, and checked again once locked (a row leased or finished meanwhile no longer passes)
  -- (by primary key: joined to the candidates, the planner may read the whole due index instead)
  SELECT d.id
  FROM deliveries d
  WHERE d.id = ANY (ARRAY(SELECT id FROM candidates))
    AND d.status IN ('pending', 'failed') AND d.next_attempt_at <= $1 AND (d.lease_until IS NULL OR d.lease_until < $1)
  ORDER BY d.next_attempt_at, d.id
  LIMIT $8
  FOR UPDATE OF d SKIP LOCKED
), leased AS (
  UPDATE deliveries d SET lease_until = $9
  FROM locked WHERE d.id = locked.id
  RETURNING d.id, d.webhook_id, d.event_key, d.attempts, d.retry_base, d.ordering_key, d.callback_id, d.event_id
), seen AS (
  -- whether due deliveries may have been left: rows beyond those read, or of callbacks with no free
  -- slot; and whether rows chosen were locked by another worker's claim (or finished) meanwhile, so
  -- that fewer were leased than wanted while more are due beyond those chosen
  SELECT (SELECT count(*) FROM scanned) >= $6 OR EXISTS (SELECT 1 FROM ranked WHERE NOT free) AS left_behind,
         (SELECT count(*) FROM leased) < $8 AND (SELECT count(*) FROM candidates) > (SELECT count(*) FROM leased)
           AND ((SELECT count(*) FROM ranked WHERE free) > (SELECT count(*) FROM candidates) OR (SELECT count(*) FROM scanned) >= $6)
           AS contended
)
SELECT seen.left_behind, seen.contended, claimed.*
FROM seen
LEFT JOIN (
  SELECT l.id, l.webhook_id, l.event_key, l.attempts, l.retry_base, l.ordering_key, e.payload, e.traceparent,
         c.id AS callback_id, c.url, c.method, c.expression, c.disabled, c.rate_limit, c.throttle_rate, c.paused_until, c.unreachable_streak, c.breaker_trips,
         array(SELECT s.secret FROM callback_secrets s
               WHERE s.callback_id = c.id AND (s.expires_at IS NULL OR s.expires_at > $1) ORDER BY s.id DESC) AS secrets
  FROM leased l
  JOIN events e ON e.id = l.event_id
  JOIN callbacks c ON c.id = l.callback_id
) AS claimed ON true
ORDER BY claimed.id
