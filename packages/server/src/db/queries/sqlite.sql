-- The hot queries of the sqlite store, as compiled by Kysely (src/db/queries.test.ts writes this file).

-- authenticate
select "account_id", "read_only" from "tokens" where "token_hash" = ?;

-- callbackCount
select "callback_count" from "databases" where "id" = ? and "account_id" = ?;

-- callbackDue
select "d"."id", "d"."callback_id" from "deliveries" as "d" where "d"."next_attempt_at" <= ? and ("d"."lease_until" is null or "d"."lease_until" < ?) and not exists (select "listened"."id" from "callbacks" as "listened" where "listened"."id" = "d"."callback_id" and "listened"."listened_until" >= ?) and ("d"."ordering_key" is null or not exists (select "earlier"."id" from "deliveries" as "earlier" where "earlier"."callback_id" = "d"."callback_id" and "earlier"."ordering_key" = "d"."ordering_key" and "earlier"."id" < "d"."id" and "earlier"."status" in (?, ?))) and "d"."callback_id" = ? order by "d"."next_attempt_at", "d"."id" limit 400;

-- callbackFailing
update "callbacks" set "failing_since" = ? where "id" = ? and "failing_since" is null;

-- callbackFailingSince
select "failing_since", "disabled" from "callbacks" where "id" = ?;

-- callbackHealthy
update "callbacks" set "failing_since" = ? where "id" = ? and "failing_since" is not null;

-- callbackJson
select json_object('ID', cast(id as text), 'url', url, 'expression', expression, 'action', action, 'method', method, 'database', cast(database_id as text), 'collection', cast(collection_id as text), 'ordering', ordering, 'signing', signing, 'rateLimit', rate_limit, 'disabled', json(iif(disabled = 1, 'true', 'false')), 'disabledReason', disabled_reason, 'listenedUntil', strftime('%Y-%m-%d %H:%M:%S', listened_until / 1000, 'unixepoch'), 'version', version, 'created', created, 'modified', modified) as "json", "rate_limit", "throttle_rate", "paused_until" from "callbacks" where "id" = ? and "account_id" = ?;

-- callbackRow
select * from "callbacks" where "id" = ? and "account_id" = ?;

-- claimedDeliveries
select "deliveries"."id", "deliveries"."webhook_id", "deliveries"."event_key", "deliveries"."attempts", "deliveries"."retry_base", "deliveries"."ordering_key", "events"."payload", "events"."traceparent", "callbacks"."id" as "callback_id", "callbacks"."url", "callbacks"."method", "callbacks"."expression", "callbacks"."disabled", "callbacks"."rate_limit", "callbacks"."throttle_rate", "callbacks"."paused_until", "callbacks"."unreachable_streak", "callbacks"."breaker_trips" from "deliveries" inner join "callbacks" on "callbacks"."id" = "deliveries"."callback_id" inner join "events" on "events"."id" = "deliveries"."event_id" where "deliveries"."id" in (select value from json_each(?)) order by "deliveries"."id";

-- claimedSecrets
select "callback_id", "secret" from "callback_secrets" where "callback_id" in (select value from json_each(?)) and ("expires_at" is null or "expires_at" > ?) order by "id" desc;

-- claimScan
select "d"."id", "d"."callback_id" from "deliveries" as "d" where "d"."next_attempt_at" <= ? and ("d"."lease_until" is null or "d"."lease_until" < ?) and not exists (select "listened"."id" from "callbacks" as "listened" where "listened"."id" = "d"."callback_id" and "listened"."listened_until" >= ?) and ("d"."ordering_key" is null or not exists (select "earlier"."id" from "deliveries" as "earlier" where "earlier"."callback_id" = "d"."callback_id" and "earlier"."ordering_key" = "d"."ordering_key" and "earlier"."id" < "d"."id" and "earlier"."status" in (?, ?))) order by "d"."next_attempt_at", "d"."id" limit 400;

-- collectionCallbacks:count
select count(*) as "n" from "callbacks" where "collection_id" = ?;

-- collectionCallbacks:page
select json_object('ID', cast(id as text), 'url', url, 'expression', expression, 'action', action, 'method', method, 'database', cast(database_id as text), 'collection', cast(collection_id as text), 'ordering', ordering, 'signing', signing, 'rateLimit', rate_limit, 'disabled', json(iif(disabled = 1, 'true', 'false')), 'disabledReason', disabled_reason, 'listenedUntil', strftime('%Y-%m-%d %H:%M:%S', listened_until / 1000, 'unixepoch'), 'version', version, 'created', created, 'modified', modified) as "json" from "callbacks" where "collection_id" = ? order by "id" limit ? offset ?;

-- collectionCallbacksTag
select "databases"."callbacks_tag" from "collections" inner join "databases" on "databases"."id" = "collections"."database_id" where "collections"."id" = ? and "collections"."account_id" = ?;

-- collectionRow
select * from "collections" where "id" = ? and "account_id" = ?;

-- countCallbackIn
update "databases" set "callback_count" = "callback_count" + ? where "id" = ?;

-- databaseCallbacks:count
select count(*) as "n" from "callbacks" where "database_id" = ? and "collection_id" is null;

-- databaseCallbacks:page
select json_object('ID', cast(id as text), 'url', url, 'expression', expression, 'action', action, 'method', method, 'database', cast(database_id as text), 'collection', cast(collection_id as text), 'ordering', ordering, 'signing', signing, 'rateLimit', rate_limit, 'disabled', json(iif(disabled = 1, 'true', 'false')), 'disabledReason', disabled_reason, 'listenedUntil', strftime('%Y-%m-%d %H:%M:%S', listened_until / 1000, 'unixepoch'), 'version', version, 'created', created, 'modified', modified) as "json" from "callbacks" where "database_id" = ? and "collection_id" is null order by "id" limit ? offset ?;

-- databaseCallbacksTag
select "callbacks_tag" from "databases" where "id" = ? and "account_id" = ?;

-- disableCallback
update "callbacks" set "failing_since" = coalesce("failing_since", ?), "disabled" = ?, "disabled_reason" = ?, "modified" = ? where "id" = ?;

-- disableFailingCallback
update "callbacks" set "disabled" = ?, "disabled_reason" = ?, "modified" = ? where "id" = ? and "failing_since" = ? and "disabled" = ? returning "id";

-- exhaustDelivery
update "deliveries" set "status" = ?, "next_attempt_at" = ? where "id" = ?;

-- insertAttempt
insert into "delivery_attempts" ("delivery_id", "time", "status_code", "duration_ms", "error", "response", "via") values (?, ?, ?, ?, ?, ?, ?);

-- insertCallback
insert into "callbacks" ("account_id", "database_id", "collection_id", "url", "expression", "action", "method", "ordering", "signing", "rate_limit", "disabled", "disabled_reason", "version", "failing_since", "created", "modified") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning *;

-- insertDeliveries:1
insert into "deliveries" ("account_id", "callback_id", "event_id", "event_key", "webhook_id", "ordering_key", "status", "attempts", "retry_base", "next_attempt_at", "created", "modified", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertDeliveries:2
insert into "deliveries" ("account_id", "callback_id", "event_id", "event_key", "webhook_id", "ordering_key", "status", "attempts", "retry_base", "next_attempt_at", "created", "modified", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertEvent
insert into "events" ("account_id", "database_id", "payload", "created_at", "traceparent") values (?, ?, ?, ?, ?) returning "id";

-- insertSecret
insert into "callback_secrets" ("callback_id", "secret", "expires_at") values (?, ?, ?);

-- leaseClaimed
update "deliveries" set "lease_until" = ? where "id" in (select value from json_each(?));

-- missedTargets:collection
select "id", "ordering", "disabled" from "callbacks" where "database_id" = ? and "collection_id" = ? and disabled = 1 and "action" in (?, ?);

-- missedTargets:database
select "id", "ordering", "disabled" from "callbacks" where "database_id" = ? and "collection_id" is null and disabled = 1 and "action" in (?, ?);

-- nextScheduledCallback
select "d"."callback_id", "d"."next_attempt_at", (select "c"."listened_until" from "callbacks" as "c" where "c"."id" = "d"."callback_id") as "listened_until" from "deliveries" as "d" where "d"."next_attempt_at" is not null and "d"."callback_id" > ? order by "d"."callback_id", "d"."next_attempt_at" limit 1;

-- ownsDatabase
select "id" from "databases" where "id" = ? and "account_id" = ?;

-- profileRow
select * from "profiles" where "id" = ? and "account_id" = ?;

-- queueTargets:collection
select "id", "ordering", "disabled" from "callbacks" where "database_id" = ? and "collection_id" = ? and disabled = 0 and "action" in (?, ?);

-- queueTargets:database
select "id", "ordering", "disabled" from "callbacks" where "database_id" = ? and "collection_id" is null and disabled = 0 and "action" in (?, ?);

-- recordDelivery:sent
update "deliveries" set "status" = ?, "attempts" = "attempts" + ?, "next_attempt_at" = ?, "lease_until" = ?, "last_status_code" = ?, "modified" = ? where "id" = ? and "lease_until" = ? returning "retry_requested";

-- recordDelivery:unsent
update "deliveries" set "status" = ?, "attempts" = "attempts", "next_attempt_at" = ?, "lease_until" = ?, "last_status_code" = ?, "modified" = ? where "id" = ? and "lease_until" = ? returning "retry_requested";

-- updateProfile
update "profiles" set "fields" = ?, "interests" = ?, "modified" = ? where "id" = ? returning *;
