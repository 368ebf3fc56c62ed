-- The hot queries of the postgres store, as compiled by Kysely (src/db/queries.test.ts writes this file).

-- authenticate
select "account_id", "read_only" from "tokens" where "token_hash" = $1;

-- callbackCount
select "callback_count" from "databases" where "id" = $1 and "account_id" = $2 for no key update;

-- callbackJson
select (select row_to_json(c)::text from (select callbacks.id::text as "ID", callbacks.url as "url", callbacks.expression as "expression", callbacks.action as "action", callbacks.method as "method", callbacks.database_id::text as "database", callbacks.collection_id::text as "collection", callbacks.ordering as "ordering", callbacks.signing as "signing", callbacks.rate_limit as "rateLimit", callbacks.disabled = 1 as "disabled", callbacks.disabled_reason as "disabledReason", to_char(to_timestamp(callbacks.listened_until / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "listenedUntil", callbacks.version as "version", callbacks.created as "created", callbacks.modified as "modified") as c) as "json", "rate_limit", "throttle_rate", "paused_until" from "callbacks" where "id" = $1 and "account_id" = $2;

-- callbackRow
select * from "callbacks" where "id" = $1 and "account_id" = $2;

-- collectionCallbacks:count
select count(*) as "n" from "callbacks" where "collection_id" = $1;

-- collectionCallbacks:page
select (select row_to_json(c)::text from (select callbacks.id::text as "ID", callbacks.url as "url", callbacks.expression as "expression", callbacks.action as "action", callbacks.method as "method", callbacks.database_id::text as "database", callbacks.collection_id::text as "collection", callbacks.ordering as "ordering", callbacks.signing as "signing", callbacks.rate_limit as "rateLimit", callbacks.disabled = 1 as "disabled", callbacks.disabled_reason as "disabledReason", to_char(to_timestamp(callbacks.listened_until / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "listenedUntil", callbacks.version as "version", callbacks.created as "created", callbacks.modified as "modified") as c) as "json" from "callbacks" where "collection_id" = $1 order by "id" limit $2 offset $3;

-- collectionCallbacksTag
select "databases"."callbacks_tag" from "collections" inner join "databases" on "databases"."id" = "collections"."database_id" where "collections"."id" = $1 and "collections"."account_id" = $2;

-- collectionRow
select * from "collections" where "id" = $1 and "account_id" = $2;

-- countCallbackIn
update "databases" set "callback_count" = "callback_count" + $1 where "id" = $2;

-- databaseCallbacks:count
select count(*) as "n" from "callbacks" where "database_id" = $1 and "collection_id" is null;

-- databaseCallbacks:page
select (select row_to_json(c)::text from (select callbacks.id::text as "ID", callbacks.url as "url", callbacks.expression as "expression", callbacks.action as "action", callbacks.method as "method", callbacks.database_id::text as "database", callbacks.collection_id::text as "collection", callbacks.ordering as "ordering", callbacks.signing as "signing", callbacks.rate_limit as "rateLimit", callbacks.disabled = 1 as "disabled", callbacks.disabled_reason as "disabledReason", to_char(to_timestamp(callbacks.listened_until / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') as "listenedUntil", callbacks.version as "version", callbacks.created as "created", callbacks.modified as "modified") as c) as "json" from "callbacks" where "database_id" = $1 and "collection_id" is null order by "id" limit $2 offset $3;

-- databaseCallbacksTag
select "callbacks_tag" from "databases" where "id" = $1 and "account_id" = $2;

-- insertCallback
insert into "callbacks" ("account_id", "database_id", "collection_id", "url", "expression", "action", "method", "ordering", "signing", "rate_limit", "disabled", "disabled_reason", "version", "failing_since", "created", "modified") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) returning *;

-- insertDeliveries:1
insert into "deliveries" ("account_id", "callback_id", "event_id", "event_key", "webhook_id", "ordering_key", "status", "attempts", "retry_base", "next_attempt_at", "created", "modified", "created_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- insertEvent
insert into "events" ("account_id", "database_id", "payload", "created_at", "traceparent") values ($1, $2, $3, $4, $5) returning "id";

-- insertSecret
insert into "callback_secrets" ("callback_id", "secret", "expires_at") values ($1, $2, $3);

-- missedTargets:collection
select "id", "ordering", "disabled" from "callbacks" where "database_id" = $1 and "collection_id" = $2 and disabled = 1 and "action" in ($3, $4);

-- missedTargets:database
select "id", "ordering", "disabled" from "callbacks" where "database_id" = $1 and "collection_id" is null and disabled = 1 and "action" in ($2, $3);

-- ownsDatabase
select "id" from "databases" where "id" = $1 and "account_id" = $2;

-- profileRow
select * from "profiles" where "id" = $1 and "account_id" = $2;

-- queueTargets:collection
select "id", "ordering", "disabled" from "callbacks" where "database_id" = $1 and "collection_id" = $2 and disabled = 0 and "action" in ($3, $4);

-- queueTargets:database
select "id", "ordering", "disabled" from "callbacks" where "database_id" = $1 and "collection_id" is null and disabled = 0 and "action" in ($2, $3);
