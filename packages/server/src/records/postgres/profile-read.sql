-- A profile update, statement 1 of 2: the profile, its row version (xmin: statement 2 writes only
-- while the row is still this version) and the callbacks its change goes to, in the order they were
-- made, found through the index of listening callbacks (callbacks_listening); a disabled one's
-- delivery is kept as `missed`, for a replay.
-- $1 profile ID, $2 account ID
SELECT p.id, p.database_id, p.fields, p.interests, p.created, p.modified, p.xmin::text AS revision,
       listening.callback_ids, listening.ordered, listening.missed
FROM profiles p
CROSS JOIN LATERAL (
  SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS callback_ids,
         coalesce(array_agg(c.ordering = 'profile' ORDER BY c.id), '{}') AS ordered,
         coalesce(array_agg(c.disabled = 1 ORDER BY c.id), '{}') AS missed
  FROM (
    -- each half through a partial index of its own (callbacks_listening, callbacks_disabled)
    SELECT c.id, c.ordering, c.disabled FROM callbacks c
    WHERE c.database_id = p.database_id AND c.collection_id IS NULL AND c.disabled = 0 AND c.action IN ('all', 'update')
    UNION ALL
    SELECT c.id, c.ordering, c.disabled FROM callbacks c
    WHERE c.database_id = p.database_id AND c.collection_id IS NULL AND c.disabled = 1 AND c.action IN ('all', 'update')
  ) AS c
) AS listening
WHERE p.id = $1 AND p.account_id = $2
