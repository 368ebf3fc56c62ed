-- A profile update, statement 1 of 2: the profile, its row version (xmin: statement 2 writes only
-- while the row is still this version) and the callbacks its change goes to, in the order they were
-- made, found through the index of listening callbacks (callbacks_listening).
-- $1 profile ID, $2 account ID
SELECT p.id, p.database_id, p.fields, p.interests, p.created, p.modified, p.xmin::text AS revision,
       listening.callback_ids, listening.ordered
FROM profiles p
CROSS JOIN LATERAL (
  SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}') AS callback_ids,
         coalesce(array_agg(c.ordering = 'profile' ORDER BY c.id), '{}') AS ordered
  FROM callbacks c
  WHERE c.database_id = p.database_id AND c.collection_id IS NULL AND c.disabled = 0 AND c.action IN ('all', 'update')
) AS listening
WHERE p.id = $1 AND p.account_id = $2
