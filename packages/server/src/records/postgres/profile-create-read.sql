-- A profile create, statement 1 of 2: the database (of this account), the new profile's ID (the
-- message carries it, and statement 2 inserts it) and the callbacks its change goes to.
-- $1 database ID, $2 account ID
SELECT nextval(pg_get_serial_sequence('profiles', 'id')) AS id, listening.callback_ids, listening.ordered
FROM databases d
CROSS JOIN LATERAL (
  SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS callback_ids,
         coalesce(array_agg(c.ordering = 'profile' ORDER BY c.id), '{}') AS ordered
  FROM callbacks c
  WHERE c.database_id = d.id AND c.collection_id IS NULL AND c.disabled = 0 AND c.action IN ('all', 'create')
) AS listening
WHERE d.id = $1 AND d.account_id = $2
