-- A profile create, statement 1 of 2: the database (of this account), the new profile's ID (the
-- message carries it, and statement 2 inserts it) and the callbacks its change goes to (a disabled
-- one's delivery is kept as `missed`, for a replay).
-- $1 database ID, $2 account ID
SELECT nextval(pg_get_serial_sequence('profiles', 'id')) AS id, listening.callback_ids, listening.ordered, listening.missed
FROM databases d
CROSS JOIN LATERAL (
  SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS callback_ids,
         coalesce(array_agg(c.ordering = 'profile' ORDER BY c.id), '{}') AS ordered,
         coalesce(array_agg(c.disabled = 1 ORDER BY c.id), '{}') AS missed
  FROM (
    -- each half through a partial index of its own (callbacks_listening, callbacks_disabled)
    SELECT c.id, c.ordering, c.disabled FROM callbacks c
    WHERE c.database_id = d.id AND c.collection_id IS NULL AND c.disabled = 0 AND c.action IN ('all', 'create')
    UNION ALL
    SELECT c.id, c.ordering, c.disabled FROM callbacks c
    WHERE c.database_id = d.id AND c.collection_id IS NULL AND c.disabled = 1 AND c.action IN ('all', 'create')
  ) AS c
) AS listening
WHERE d.id = $1 AND d.account_id = $2
