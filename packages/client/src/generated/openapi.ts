// Generated from @tidings/spec's openapi.json by scripts/generate.ts — do not edit; run `pnpm generate`.
export interface paths {
    "/databases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List databases
         * @description Answers one page of the account's databases, oldest first.
         */
        get: operations["listDatabases"];
        put?: never;
        /**
         * Create a database
         * @description Creates an empty database. Only `name` is required.
         */
        post: operations["createDatabase"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/database/{databaseID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        /**
         * Get a database
         * @description Answers one database.
         */
        get: operations["getDatabase"];
        /**
         * Update a database
         * @description Changes the database's name or description; properties left out keep their value. `PUT` and `POST` on this path do the same.
         */
        put: operations["updateDatabase"];
        /**
         * Update a database (POST)
         * @description The same as `PUT` on this path, for clients written against Copernica, where `POST` and `PUT` are interchangeable.
         */
        post: operations["updateDatabaseWithPost"];
        /**
         * Delete a database
         * @description Deletes the database with its collections, profiles, subprofiles, callbacks and their deliveries. No messages are sent for the removed records, and deliveries still pending are dropped.
         */
        delete: operations["deleteDatabase"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/database/{databaseID}/collections": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        /**
         * List a database's collections
         * @description Answers one page of the collections in the database.
         */
        get: operations["listCollections"];
        put?: never;
        /**
         * Create a collection
         * @description Creates an empty collection in the database.
         */
        post: operations["createCollection"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/database/{databaseID}/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        /**
         * List a database's profiles
         * @description Answers one page of the profiles in the database, oldest first.
         */
        get: operations["listProfiles"];
        put?: never;
        /**
         * Create a profile
         * @description Creates a profile in the database and sends a `create` message to each of the database's callbacks whose action and expression match. The messages are queued in the same transaction as the profile, so none is lost.
         */
        post: operations["createProfile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/database/{databaseID}/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        /**
         * List a database's callbacks
         * @description Answers one page of the database callbacks of the database (those with `collection: null`), oldest first. Collection callbacks are listed under their collection.
         */
        get: operations["listDatabaseCallbacks"];
        put?: never;
        /**
         * Create a database callback
         * @description Registers a callback that receives a message whenever a profile of the database is created, updated or deleted (filtered by `action` and `expression`). Only `url` is required. The answer carries the callback's signing secret; keep it to verify the messages. Changes made before the callback existed are not sent.
         */
        post: operations["createDatabaseCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/collection/{collectionID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        /**
         * Get a collection
         * @description Answers one collection.
         */
        get: operations["getCollection"];
        /**
         * Update a collection
         * @description Renames the collection. `PUT` and `POST` on this path do the same.
         */
        put: operations["updateCollection"];
        /**
         * Update a collection (POST)
         * @description The same as `PUT` on this path, for clients written against Copernica.
         */
        post: operations["updateCollectionWithPost"];
        /**
         * Delete a collection
         * @description Deletes the collection with its subprofiles, its callbacks and their deliveries. No messages are sent for the removed subprofiles.
         */
        delete: operations["deleteCollection"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/collection/{collectionID}/subprofiles": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        /**
         * List a collection's subprofiles
         * @description Answers one page of the subprofiles in the collection, of all profiles, oldest first.
         */
        get: operations["listCollectionSubprofiles"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/collection/{collectionID}/callbacks": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        /**
         * List a collection's callbacks
         * @description Answers one page of the callbacks of the collection, oldest first.
         */
        get: operations["listCollectionCallbacks"];
        put?: never;
        /**
         * Create a collection callback
         * @description Registers a callback that receives a message whenever a subprofile in the collection is created, updated or deleted (filtered by `action` and `expression`). Only `url` is required. The answer carries the callback's signing secret; keep it to verify the messages.
         */
        post: operations["createCollectionCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/profile/{profileID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
            };
            cookie?: never;
        };
        /**
         * Get a profile
         * @description Answers one profile with its fields and interests.
         */
        get: operations["getProfile"];
        /**
         * Update a profile
         * @description Merges the given fields into the profile's fields (fields left out keep their value) and, when `interests` is given, replaces its interests. When something changed, sends an `update` message, with the old values in `previous`, to each of the database's matching callbacks. `PUT` and `POST` on this path do the same. A profile holds at most what one request may send: an update that would leave it with more than 1,000 fields, or with fields larger than the body limit as JSON, is refused with 400 `fields_limit_reached` and changes nothing.
         */
        put: operations["updateProfile"];
        /**
         * Update a profile (POST)
         * @description The same as `PUT` on this path, for clients written against Copernica.
         */
        post: operations["updateProfileWithPost"];
        /**
         * Delete a profile
         * @description Deletes the profile and its subprofiles. Sends a `delete` message for the profile to the database's matching callbacks, and one for each of its subprofiles to the matching callbacks of their collections; `fields` in those messages holds the values before the deletion.
         */
        delete: operations["deleteProfile"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/profile/{profileID}/subprofiles/{collectionID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        /**
         * List a profile's subprofiles in a collection
         * @description Answers one page of the profile's subprofiles in the collection, oldest first. The collection must be in the profile's database; otherwise the answer is 404 `collection_not_found`.
         */
        get: operations["listProfileSubprofiles"];
        put?: never;
        /**
         * Create a subprofile
         * @description Creates a subprofile of the profile in the collection and sends a `create` message to each of the collection's matching callbacks. The collection must be in the profile's database; otherwise the answer is 404 `collection_not_found`.
         */
        post: operations["createSubprofile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/subprofile/{subprofileID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
                 * @example 78
                 */
                subprofileID: components["parameters"]["subprofileID"];
            };
            cookie?: never;
        };
        /**
         * Get a subprofile
         * @description Answers one subprofile with its fields.
         */
        get: operations["getSubprofile"];
        /**
         * Update a subprofile
         * @description Merges the given fields into the subprofile's fields (fields left out keep their value). When something changed, sends an `update` message, with the old values in `previous`, to each of the collection's matching callbacks. `PUT` and `POST` on this path do the same. A subprofile holds at most what one request may send: an update that would leave it with more than 1,000 fields, or with fields larger than the body limit as JSON, is refused with 400 `fields_limit_reached` and changes nothing.
         */
        put: operations["updateSubprofile"];
        /**
         * Update a subprofile (POST)
         * @description The same as `PUT` on this path, for clients written against Copernica.
         */
        post: operations["updateSubprofileWithPost"];
        /**
         * Delete a subprofile
         * @description Deletes the subprofile and sends a `delete` message, with the fields as they were, to each of the collection's matching callbacks.
         */
        delete: operations["deleteSubprofile"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        /**
         * Get a callback
         * @description Answers one callback, without its secret (see `GET /callback/{callbackID}/secret`).
         */
        get: operations["getCallback"];
        /**
         * Update a callback
         * @description Changes the given properties; those left out keep their value, and `version` goes up by one. `disabled: false` re-enables a callback that Tidings disabled (after `410 Gone` or 5 days of failures) and clears its `disabledReason`. Changes apply to messages queued from then on. `PUT` and `POST` on this path do the same.
         */
        put: operations["updateCallback"];
        /**
         * Update a callback (POST)
         * @description The same as `PUT` on this path, for clients written against Copernica.
         */
        post: operations["updateCallbackWithPost"];
        /**
         * Delete a callback
         * @description Deletes the callback with its deliveries. Messages not yet delivered are dropped; an attempt already under way may still arrive.
         */
        delete: operations["deleteCallback"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        /**
         * Get a callback's signing secret
         * @description Answers the secret the callback's messages are signed with, and any rotated-out secrets that still sign them until they expire, and for a callback with `signing` `ed25519` the public keys receivers verify with. With a secret one can sign messages the callback's receiver trusts, so a read-only token gets only an Ed25519 callback's public keys (they are public), and is refused with 403 `forbidden` for any other (or an unknown) callback.
         */
        get: operations["getCallbackSecret"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/secret/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a callback's signing secret
         * @description Makes a new secret and moves the current one to `previous`. During a grace period (24 hours unless configured otherwise) every message carries a signature made with each secret, so the receiver can switch to the new secret at its own pace. Only the secret a rotation replaces stays in `previous`: rotating again ends the grace of any older one, so a message never carries more than two signatures. Takes no request body: one sent anyway is ignored, unless its `Content-Length` is over the limit (413).
         */
        post: operations["rotateCallbackSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a test message
         * @description Queues a message with `type` and `action` `test` for the callback, signed and retried like any other, regardless of its action filter and expression. The answer is the new delivery; follow it with `GET /delivery/{deliveryID}`. Takes no request body: one sent anyway is ignored, unless its `Content-Length` is over the limit (413).
         */
        post: operations["sendTestMessage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a window of deliveries again
         * @description Queues the callback's deliveries of a time window again, at once and each with a fresh set of retries: by default those the receiver never got (`exhausted`, `skipped`, and `missed`: the changes made while the callback was disabled), or those in the `status` given. Each message keeps its `webhook-id`, so a receiver that has it already can drop it. Oldest first, at most 10,000 per request (`more` says some are left). A delivery being attempted right now is left alone. Re-enable a disabled callback first, or the messages are exhausted again.
         */
        post: operations["replayCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        /**
         * List a callback's deliveries
         * @description Answers one page of the callback's deliveries, newest first, optionally only those with a given status.
         */
        get: operations["listCallbackDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/listen": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        /**
         * Listen to a callback's messages (Server-Sent Events)
         * @description Opens a `text/event-stream` that hands the callback's messages to the caller instead of sending
         *     them to the callback's URL: what `tidings listen --callback <id> --forward-to <local URL>` uses to
         *     bring real messages to a developer's machine, which the server need not reach. Only a token that
         *     may write to the callback can listen (a read-only one gets 403 `forbidden`).
         *
         *     **While a listener is connected** the worker sends none of the callback's messages to its URL;
         *     each message due goes to one listener as a `message` event, leased to it for the delivery
         *     timeout plus 10 seconds. The listener POSTs it with the headers given (the real
         *     `webhook-id`, `webhook-timestamp` and `webhook-signature`) to its target and reports the answer
         *     with `POST /callback/{callbackID}/listen/{deliveryID}`: it is recorded as the delivery's attempt
         *     (`via: listener` in the attempt log), and a failure is retried on the normal schedule, to a
         *     listener again while one is connected.
         *
         *     The callback's `listenedUntil` shows until when listeners hold it.
         *
         *     **Several listeners** on one callback share its messages: each message goes to one of them.
         *
         *     **When the listener goes away** (closed, crashed, network lost) nothing is lost: a message it was
         *     handed but did not report is handed out again when its lease runs out, with the same
         *     `webhook-id`; a listener that reconnects within 30 seconds gets the callback's messages again,
         *     and the messages wait for it meanwhile; after 30 seconds without a listener they go to the
         *     callback's URL again. Resuming needs no `Last-Event-ID`: the server knows which messages are
         *     leased and which are reported, so a listener that reconnects after a dropped connection gets
         *     neither a message it already holds (its lease still runs, and its report is still accepted) nor
         *     one already reported. Event IDs are the delivery IDs.
         *
         *     Events: `listening` once at the start (`{"callback":"21","heartbeatMs":10000}`), then a
         *     `message` for each message, whose `data` is JSON: `delivery` (ID), `webhookId`, `attempt` (1 for
         *     the first), `lease` (what the report must quote), `timeoutMs` (how long the target may take),
         *     `headers` and `body` (exactly what to POST). A comment line (`: heartbeat`) comes every
         *     `heartbeatMs`; a listener that hears nothing for two of them should reconnect.
         */
        get: operations["listenCallback"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/callback/{callbackID}/listen/{deliveryID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report what a listener's target answered
         * @description Records the attempt a listener (`GET /callback/{callbackID}/listen`) made with a message it was handed, as any attempt is recorded: a 2xx answer delivers it; anything else (or no answer) is a failure retried on the callback's schedule, a 410 Gone disables the callback. The attempt shows in the delivery's log with `via: listener`. The answer is the delivery as it now is. A report whose `lease` no longer holds (it ran out and the message was handed out again, or it was reported already) is refused with 409 `listen_lease_lost` and changes nothing.
         */
        post: operations["reportListenedAttempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/delivery/{deliveryID}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        /**
         * Get a delivery
         * @description Answers one delivery with the log of its attempts.
         */
        get: operations["getDelivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/delivery/{deliveryID}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a delivery
         * @description Queues the delivery for an immediate attempt with a fresh set of retries, whatever its status — typically an `exhausted` one after the receiver was fixed. The message is sent again with the same `webhook-id`, so a receiver that already has it can drop it. If the callback is disabled, re-enable it first or the delivery is exhausted again. A retry asked for while an attempt is in flight waits for that attempt rather than sending the message twice at once: the answer shows the delivery as it is; if the attempt fails, the delivery is queued at once with a fresh set of retries, and if it succeeds nothing more is sent. Takes no request body: one sent anyway is ignored, unless its `Content-Length` is over the limit (413).
         */
        post: operations["retryDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the server's health
         * @description Answers whether the server can reach its store. Needs no access token; meant for load balancers and uptime checks.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    jsonCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a JSON message
         * @description What Tidings POSTs to the `url` of a callback whose `method` is `json`, once for every matching change, with `Content-Type: application/json`. Verify `webhook-signature` before trusting the body, and drop messages whose `webhook-id` you have already processed: a message can arrive more than once.
         *
         *     Answer with any 2xx status within 15 seconds to accept the message. `410 Gone` disables the callback. Any other answer — another status, a redirect (redirects are not followed), a timeout or a refused connection — is a failure, and the message is sent again later.
         */
        post: operations["receiveJsonCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    xmlCallback: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive an XML message
         * @description What Tidings POSTs to the `url` of a callback whose `method` is `xml`, once for every matching change, with `Content-Type: application/xml`. The content and headers are those of the JSON message, except that characters XML 1.0 cannot carry (most C0 control characters, unpaired surrogates, U+FFFE and U+FFFF) arrive as U+FFFD; see `CallbackMessageXml`. The signature covers the XML body exactly as received. Verify `webhook-signature` before parsing the body, and drop messages whose `webhook-id` you have already processed.
         *
         *     Answer with any 2xx status within 15 seconds to accept the message. `410 Gone` disables the callback. Any other answer — another status, a redirect (redirects are not followed), a timeout or a refused connection — is a failure, and the message is sent again later.
         */
        post: operations["receiveXmlCallback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: {
        /**
         * @description An identifier: a decimal string such as `"21"`. Treat it as an opaque string — do not assume it is numeric, do not do arithmetic on it, and do not strip or add leading characters.
         * @example 21
         */
        Id: string;
        /**
         * @description A moment in UTC, written `YYYY-MM-DD HH:MM:SS` (no time zone suffix, no fraction).
         * @example 2026-03-02 10:20:00
         */
        Timestamp: string;
        /** @description A database holds profiles and the collections of subprofiles under them. */
        Database: {
            ID: components["schemas"]["Id"];
            /** @description The database's name. */
            name: string;
            /** @description Free text; empty when none was given. */
            description: string;
            created: components["schemas"]["Timestamp"];
        };
        /** @description One page of databases. */
        DatabaseList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The databases on this page. */
            data: components["schemas"]["Database"][];
        };
        /**
         * @description A stable, machine-readable key for the error. The `message` next to it is for humans and may
         *     change; branch on the code.
         *
         *     | Code | Status | Meaning |
         *     | --- | --- | --- |
         *     | `invalid_access_token` | 400 | The access token is missing or unknown. |
         *     | `forbidden` | 403 | The token is read-only and the request would change something, or read a signing secret. |
         *     | `invalid_body` | 400 | The body is not valid JSON or does not match the schema (wrong type, missing property, value out of range). |
         *     | `unknown_property` | 400 | The body has a key the resource does not know; keys are case-sensitive. The message names the closest valid key. |
         *     | `invalid_parameter` | 400 | A query parameter is malformed or out of range (for example `limit=5000`). |
         *     | `unsupported_media_type` | 415 | The body is not sent as `application/json`. |
         *     | `payload_too_large` | 413 | The body is larger than the server accepts (1 MB by default). |
         *     | `rate_limited` | 429 | Too many requests for this token; wait for `Retry-After` seconds. |
         *     | `not_found` | 404 | No such route. |
         *     | `database_id_invalid` | 400 | The database ID in the path is not a decimal ID. |
         *     | `collection_id_invalid` | 400 | The collection ID in the path is not a decimal ID. |
         *     | `profile_id_invalid` | 400 | The profile ID in the path is not a decimal ID. |
         *     | `subprofile_id_invalid` | 400 | The subprofile ID in the path is not a decimal ID. |
         *     | `callback_id_invalid` | 400 | The callback ID in the path is not a decimal ID. |
         *     | `delivery_id_invalid` | 400 | The delivery ID in the path is not a decimal ID. |
         *     | `database_not_found` | 404 | No database with this ID in your account. |
         *     | `collection_not_found` | 404 | No collection with this ID in your account (or, for a subprofile, not in the profile's database). |
         *     | `profile_not_found` | 404 | No profile with this ID in your account. |
         *     | `subprofile_not_found` | 404 | No subprofile with this ID in your account. |
         *     | `callback_not_found` | 404 | No callback with this ID in your account. |
         *     | `delivery_not_found` | 404 | No delivery with this ID in your account. |
         *     | `expression_invalid` | 400 | The callback's `expression` is not a valid JavaScript expression; the message carries the parser's error. |
         *     | `expression_too_long` | 400 | The callback's `expression` is longer than 4096 characters. |
         *     | `url_invalid` | 400 | The callback's `url` is not an absolute `http` or `https` URL. |
         *     | `url_not_allowed` | 400 | The callback's `url` points at a loopback, private, link-local or metadata address. |
         *     | `callback_limit_reached` | 400 | The database or collection already has as many callbacks as allowed. |
         *     | `fields_limit_reached` | 400 | After the update the profile or subprofile would hold more than one request may send: over 1,000 fields, or fields larger than the body limit (1 MB by default) as JSON. Nothing was changed. |
         *     | `idempotency_key_reused` | 409 | The `Idempotency-Key` was sent with another request in the last 24 hours; use a new key for a new request. |
         *     | `idempotency_key_in_use` | 409 | The first request with this `Idempotency-Key` is still being carried out; send it again in a moment. |
         *     | `listen_lease_lost` | 409 | A listener reported an attempt whose lease ran out (the message was handed out again) or that was reported already. |
         *     | `store_unavailable` | 503 | The server cannot reach its store (PostgreSQL restarting or unreachable, a statement past its time limit); nothing was changed; retry after `Retry-After` seconds. |
         *     | `insufficient_storage` | 507 | The store has no space left to write; nothing was changed; reads and queued deliveries go on; retry after `Retry-After` seconds. |
         *     | `service_unavailable` | 503 | The contract mock is still starting (the mock only). |
         * @enum {string}
         */
        ErrorCode: "invalid_access_token" | "forbidden" | "invalid_body" | "unknown_property" | "invalid_parameter" | "unsupported_media_type" | "payload_too_large" | "rate_limited" | "not_found" | "database_id_invalid" | "collection_id_invalid" | "profile_id_invalid" | "subprofile_id_invalid" | "callback_id_invalid" | "delivery_id_invalid" | "database_not_found" | "collection_not_found" | "profile_not_found" | "subprofile_not_found" | "callback_not_found" | "delivery_not_found" | "expression_invalid" | "expression_too_long" | "url_invalid" | "url_not_allowed" | "callback_limit_reached" | "fields_limit_reached" | "idempotency_key_reused" | "idempotency_key_in_use" | "listen_lease_lost" | "store_unavailable" | "insufficient_storage" | "service_unavailable";
        /** @description Every error answer has this shape. */
        ErrorEnvelope: {
            error: {
                /** @description A sentence for humans; it may change between versions. */
                message: string;
                code: components["schemas"]["ErrorCode"];
            };
        };
        /** @description A new database. */
        DatabaseCreate: {
            /** @description The database's name. */
            name: string;
            /**
             * @description Free text.
             * @default
             */
            description?: string;
        };
        /** @description The properties to change; those left out keep their value. */
        DatabaseUpdate: {
            /** @description The database's new name. */
            name?: string;
            /** @description The new description. */
            description?: string;
        };
        /** @description A collection belongs to a database and holds subprofiles (records under a profile, such as orders). */
        Collection: {
            ID: components["schemas"]["Id"];
            /** @description The collection's name. */
            name: string;
            /** @description The database the collection belongs to. */
            database: components["schemas"]["Id"];
        };
        /** @description One page of collections. */
        CollectionList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The collections on this page. */
            data: components["schemas"]["Collection"][];
        };
        /** @description A new collection. */
        CollectionCreate: {
            /** @description The collection's name. */
            name: string;
        };
        /** @description Field names and their values. Values are always strings; names are case-sensitive (`City` and `city` are two fields). */
        Fields: {
            [key: string]: string;
        };
        /** @description The names of the interests a profile has; each at most once. */
        Interests: string[];
        /** @description A profile is a record in a database, such as one subscriber. */
        Profile: {
            ID: components["schemas"]["Id"];
            /** @description The database the profile belongs to. */
            database: components["schemas"]["Id"];
            fields: components["schemas"]["Fields"];
            interests: components["schemas"]["Interests"];
            created: components["schemas"]["Timestamp"];
            modified: components["schemas"]["Timestamp"];
        };
        /** @description One page of profiles. */
        ProfileList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The profiles on this page. */
            data: components["schemas"]["Profile"][];
        };
        /** @description A new profile. Creating it sends a `create` message to the database's matching callbacks. */
        ProfileCreate: {
            fields?: components["schemas"]["Fields"];
            interests?: components["schemas"]["Interests"];
        };
        /**
         * @description Which changes fire the callback: `all`, or only `create`, `update` or `delete`.
         * @enum {string}
         */
        CallbackAction: "all" | "create" | "update" | "delete";
        /**
         * @description The format of the message: `json` (`application/json`) or `xml` (`application/xml`). See the `jsonCallback` and `xmlCallback` webhooks.
         * @enum {string}
         */
        CallbackMethod: "json" | "xml";
        /**
         * @description `none` (default): messages are delivered as fast as possible, in any order. `profile`: the messages about one profile (and its subprofiles) are delivered in the order the changes were made; the next waits until the previous one succeeded or ran out of attempts.
         * @enum {string}
         */
        CallbackOrdering: "none" | "profile";
        /**
         * @description How the callback's messages are signed (Standard Webhooks): `hmac` — `v1,` signatures, HMAC-SHA256 with a shared `whsec_` secret; `ed25519` — `v1a,` signatures made with a `whsk_` private key, which receivers verify with the callback's `whpk_` public key: safe to hand out, since it can verify but not sign. Chosen when the callback is created; rotations keep it.
         * @enum {string}
         */
        CallbackSigning: "hmac" | "ed25519";
        /**
         * Format: int32
         * @description The most messages a second Tidings sends this callback, counted over every worker process together; `null` (default) for no limit. The rate adapts: an answer of 429, 502, 503 or 504, or a time-out, halves the callback's current rate (at most once a second, never below one message per 10 seconds), and each success raises it again toward this limit. `throttle` shows where it stands.
         * @example 50
         */
        CallbackRateLimit: number | null;
        /** @description Where the callback's sending stands now; `null` when it has no `rateLimit` and is not paused. Shown in the answers about one callback, not in lists. */
        CallbackThrottle: {
            /** @description Messages a second Tidings sends now: `rateLimit`, or less after the receiver asked to slow down; `null` when the callback has no `rateLimit`. */
            rate: number | null;
            /** @description Set when the receiver answered 429 or 503 with `Retry-After` (at most an hour ahead), or gave no answer at all 5 times in a row (the circuit breaker: 5 s, doubling up to 5 minutes): no message of the callback is sent until then; `null` otherwise. */
            pausedUntil: components["schemas"]["Timestamp"] | null;
        } | null;
        /** @description A callback: where Tidings sends a message when a profile (database callback) or subprofile (collection callback) is created, updated or deleted. */
        Callback: {
            ID: components["schemas"]["Id"];
            /**
             * Format: uri
             * @description Where the messages are POSTed, as stored: the URL sent, normalized (a bare host gains its `/`, characters a URI may not hold are percent-encoded, e.g. `"` as `%22`).
             */
            url: string;
            /** @description A JavaScript condition evaluated against the changed record; the message is sent only when it is true. Empty means always. */
            expression: string;
            action: components["schemas"]["CallbackAction"];
            method: components["schemas"]["CallbackMethod"];
            /** @description The database the callback watches (for a collection callback, the collection's database). */
            database: components["schemas"]["Id"];
            /** @description The collection a collection callback watches; `null` for a database callback. */
            collection: components["schemas"]["Id"] | null;
            ordering: components["schemas"]["CallbackOrdering"];
            signing: components["schemas"]["CallbackSigning"];
            rateLimit: components["schemas"]["CallbackRateLimit"];
            throttle?: components["schemas"]["CallbackThrottle"];
            /** @description Whether the callback is switched off. Tidings disables a callback itself when its receiver answers `410 Gone` or has failed every attempt for 5 days; a disabled callback gets no new messages and its pending deliveries are exhausted; the changes made while it is disabled are kept as `missed` deliveries, which `POST /callback/{callbackID}/replay` sends once it is enabled. */
            disabled: boolean;
            /** @description Why Tidings disabled the callback; `null` when it is enabled or was disabled through the API. */
            disabledReason: string | null;
            /** @description Until when `tidings listen` listeners hold the callback (`GET /callback/{callbackID}/listen`): while this is in the future, its messages go to the listeners instead of its `url`. A listener holds it for three heartbeats (30 s) past its last one. `null` when it was never listened to; a time in the past means no listener now. */
            listenedUntil: components["schemas"]["Timestamp"] | null;
            /**
             * Format: int64
             * @description Starts at 1 and goes up by one on every update.
             */
            version: number;
            created: components["schemas"]["Timestamp"];
            modified: components["schemas"]["Timestamp"];
        };
        /** @description One page of callbacks. */
        CallbackList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The callbacks on this page. */
            data: components["schemas"]["Callback"][];
        };
        /** @description A new callback. Only `url` is required. */
        CallbackCreate: {
            /** @description An absolute `http` or `https` URL (`url_invalid` otherwise). A URL whose host is a literal loopback, private, link-local, CGNAT, multicast or cloud-metadata address is refused with `url_not_allowed`; host names are checked against the same ranges every time a message is sent. */
            url: string;
            /**
             * @description A JavaScript condition such as `company == 'Apple'`. Every field is a variable, and so are `fields`, `previous`, `action`, `type` and `interests`. Empty means always. A syntax error is refused with `expression_invalid`.
             * @default
             */
            expression?: string;
            /** @default all */
            action?: components["schemas"]["CallbackAction"];
            /** @default json */
            method?: components["schemas"]["CallbackMethod"];
            /** @default none */
            ordering?: components["schemas"]["CallbackOrdering"];
            /** @default hmac */
            signing?: components["schemas"]["CallbackSigning"];
            /** @default null */
            rateLimit?: components["schemas"]["CallbackRateLimit"];
            /**
             * @description Create the callback switched off.
             * @default false
             */
            disabled?: boolean;
        };
        /**
         * @description A signing secret: for signing `hmac`, `whsec_` followed by the base64 encoding of the key (sign and verify with the base64-decoded key, not with the string itself); for `ed25519`, `whsk_` followed by the base64 encoding of the private key's 32 bytes (receivers need only the `whpk_` public key).
         * @example whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
         */
        WebhookSecret: string;
        /**
         * @description An Ed25519 public key to verify `v1a,` signatures with: `whpk_` followed by the base64 encoding of its 32 bytes. Safe to publish.
         * @example whpk_kTJoPSbHyC7W1y3uvL1ExPHr5Au+hYqYLPrq3G3FKaY=
         */
        WebhookPublicKey: string;
        /** @description A callback as answered on creation: the only answer, besides `GET /callback/{callbackID}/secret`, that carries its signing secret. */
        CreatedCallback: components["schemas"]["Callback"] & {
            secret: components["schemas"]["WebhookSecret"];
            /** @description For signing `ed25519`, the public key receivers verify with. */
            publicKey?: components["schemas"]["WebhookPublicKey"];
        };
        /** @description The properties to change. */
        CollectionUpdate: {
            /** @description The collection's new name. */
            name?: string;
        };
        /** @description A subprofile is a record in a collection that belongs to one profile, such as one order of a customer. */
        Subprofile: {
            ID: components["schemas"]["Id"];
            /** @description The profile the subprofile belongs to. */
            profile: components["schemas"]["Id"];
            /** @description The collection the subprofile is in. */
            collection: components["schemas"]["Id"];
            fields: components["schemas"]["Fields"];
            created: components["schemas"]["Timestamp"];
            modified: components["schemas"]["Timestamp"];
        };
        /** @description One page of subprofiles. */
        SubprofileList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The subprofiles on this page. */
            data: components["schemas"]["Subprofile"][];
        };
        /** @description Changes to a profile. The `fields` given are merged into the stored ones: fields left out keep their value. `interests`, when given, replace the stored list. Sends an `update` message to the database's matching callbacks when something actually changed. */
        ProfileUpdate: {
            fields?: components["schemas"]["Fields"];
            interests?: components["schemas"]["Interests"];
        };
        /** @description A new subprofile. Creating it sends a `create` message to the collection's matching callbacks. */
        SubprofileCreate: {
            fields?: components["schemas"]["Fields"];
        };
        /** @description Changes to a subprofile. The `fields` given are merged into the stored ones: fields left out keep their value. Sends an `update` message to the collection's matching callbacks when something actually changed. */
        SubprofileUpdate: {
            fields: components["schemas"]["Fields"];
        };
        /** @description The properties to change; those left out keep their value. Every update increments `version`. `disabled: false` re-enables a callback that Tidings disabled and clears its `disabledReason`. */
        CallbackUpdate: {
            /** @description An absolute `http` or `https` URL; loopback, private, link-local and metadata addresses are refused with `url_not_allowed`. */
            url?: string;
            /** @description A JavaScript condition; empty means always. */
            expression?: string;
            action?: components["schemas"]["CallbackAction"];
            method?: components["schemas"]["CallbackMethod"];
            ordering?: components["schemas"]["CallbackOrdering"];
            rateLimit?: components["schemas"]["CallbackRateLimit"];
            /** @description `true` switches the callback off; `false` switches it on again and clears `disabledReason`. */
            disabled?: boolean;
        };
        /** @description The callback's signing secret. After a rotation the secrets rotated out are listed in `previous`: until they expire, every message carries a signature made with each of them as well as one made with `secret`, so receivers can switch keys without losing messages. A read-only token gets the public keys of an Ed25519 callback only (`publicKey`, and `previous[].publicKey`), never a secret; for an HMAC callback it is refused (403). */
        CallbackSecret: {
            secret?: components["schemas"]["WebhookSecret"];
            /** @description For signing `ed25519`, the public key receivers verify with. */
            publicKey?: components["schemas"]["WebhookPublicKey"];
            /** @description Rotated-out secrets still used to sign, until `expires`. */
            previous: {
                secret?: components["schemas"]["WebhookSecret"];
                publicKey?: components["schemas"]["WebhookPublicKey"];
                expires: components["schemas"]["Timestamp"];
            }[];
        };
        /**
         * @description Where a delivery stands:
         *     - `pending` — waiting for its first or next attempt;
         *     - `succeeded` — the receiver answered with a 2xx status;
         *     - `failed` — the last attempt failed and another one is scheduled at `nextAttempt` (or held back
         *       while the callback's circuit breaker is open: `nextAttempt` is then `null`);
         *     - `exhausted` — no attempts are left, or the callback is disabled; it can be retried by hand;
         *     - `skipped` — the callback's expression threw or hit a limit, so nothing was sent; the error is
         *       in the attempt log;
         *     - `missed` — the change happened while the callback was disabled: nothing was sent, and the message
         *       is kept so that `POST /callback/{callbackID}/replay` can send it once the callback is enabled.
         * @enum {string}
         */
        DeliveryStatus: "pending" | "succeeded" | "failed" | "exhausted" | "skipped" | "missed";
        /** @description One message for one callback, with its attempts so far. */
        Delivery: {
            ID: components["schemas"]["Id"];
            /** @description The callback the message is for. */
            callback: components["schemas"]["Id"];
            /** @description The change that caused the message; its `id`. One change to several callbacks makes one event and several deliveries. */
            event: string;
            /** @description The `webhook-id` header sent with every attempt; stable across retries, so receivers can drop duplicates by it. */
            webhookId: string;
            status: components["schemas"]["DeliveryStatus"];
            /**
             * Format: int32
             * @description The number of attempts made so far.
             */
            attempts: number;
            /** @description When the next attempt is due; `null` when none is scheduled: the delivery is finished, or it is `pending` or `failed` and held back while its callback's circuit breaker is open (the receiver gave no answer five times in a row). Held-back deliveries are sent, oldest first, once the receiver answers again, the callback's URL changes or it is enabled or disabled, or `tidings listen` takes the callback. */
            nextAttempt: components["schemas"]["Timestamp"] | null;
            /**
             * Format: int32
             * @description The HTTP status of the last answer; `null` before the first attempt, or when the last attempt got no answer (timeout, refused connection).
             */
            lastStatusCode: number | null;
            created: components["schemas"]["Timestamp"];
            modified: components["schemas"]["Timestamp"];
        };
        /** @description Which of the callback's deliveries to send again: those made (their change committed) from `since` to `until` (both UTC, inclusive), in one status or, by default, those the receiver never got (`exhausted`, `skipped`, and `missed`: made while the callback was disabled). */
        ReplayRequest: {
            since: components["schemas"]["Timestamp"];
            until?: components["schemas"]["Timestamp"];
            /**
             * @description Only deliveries in this status; `pending` ones are on their way already.
             * @enum {string}
             */
            status?: "succeeded" | "failed" | "exhausted" | "skipped" | "missed";
        };
        /** @description How many deliveries are queued again. At most 10,000 are queued by one request: when `more` is true, send the same request again for the rest. */
        ReplayResult: {
            /** Format: int32 */
            queued: number;
            more: boolean;
        };
        /** @description One page of deliveries. */
        DeliveryList: {
            /**
             * Format: int32
             * @description The offset of the first item on this page, as requested.
             */
            start: number;
            /**
             * Format: int32
             * @description The largest number of items this page could hold, as requested.
             */
            limit: number;
            /**
             * Format: int32
             * @description The number of items on this page.
             */
            count: number;
            /**
             * Format: int64
             * @description The number of items in all pages together.
             */
            total: number;
            /** @description The deliveries on this page. */
            data: components["schemas"]["Delivery"][];
        };
        /** @description What a listener's target answered to one message it was handed. */
        ListenedAttempt: {
            /** @description The `lease` of the `message` event the message came in. */
            lease: string;
            /**
             * Format: int32
             * @description The target's HTTP status; `null` when no answer arrived.
             */
            statusCode: number | null;
            /**
             * Format: int32
             * @description How long the target took, in milliseconds.
             */
            durationMs: number;
            /** @description The first 4 KB of the target's answer, as text; `null` when there was none. */
            response: string | null;
            /** @description Why no answer arrived (refused connection, timeout); `null` when one did. */
            error: string | null;
            /** @description The target's `Retry-After` header, honoured after a 429 or 503 as for any attempt. */
            retryAfter?: string;
        };
        /** @description One attempt to deliver a message (or, for a skipped delivery, the evaluation that stopped it). */
        DeliveryAttempt: {
            time: components["schemas"]["Timestamp"];
            /**
             * Format: int32
             * @description The receiver's HTTP status; `null` when no answer arrived.
             */
            statusCode: number | null;
            /**
             * Format: int32
             * @description How long the attempt took, in milliseconds.
             */
            durationMs: number;
            /** @description Why the attempt failed when there was no HTTP answer to judge it by (timeout, refused connection, address not allowed, expression error), and what an answer did to the callback's sending (its rate lowered after a 429, 502, 503 or 504; a pause after a `Retry-After`); `null` otherwise. */
            error: string | null;
            /** @description The first 4 KB of the receiver's answer, as text; `null` when there was none. It comes from the receiver: treat it as untrusted input when displaying it. */
            response: string | null;
            /**
             * @description Where the message went: `url`, the callback's URL, sent by Tidings; `listener`, a `tidings listen` stream, which forwarded it to a developer's local target and reported the answer (`POST /callback/{callbackID}/listen/{deliveryID}`).
             * @enum {string}
             */
            via: "url" | "listener";
        };
        /** @description A delivery with the message it carries and the log of its attempts. */
        DeliveryDetail: components["schemas"]["Delivery"] & {
            /** @description The request body Tidings sends, exactly: the JSON message, or its XML form for a callback with `method` `xml` (the headers are signed anew on every attempt). Its length is bounded by the record's fields (at most `TIDINGS_MAX_BODY_BYTES`, 64 MiB at most, twice over with `previous`) and XML escaping: far below the 1 GiB declared. */
            body: string;
            /** @description Every attempt, oldest first; past 1,000 attempts (retried by hand again and again), the latest 1,000. */
            attemptLog: components["schemas"]["DeliveryAttempt"][];
        };
        /** @description Whether the server can serve requests. */
        Health: {
            /**
             * @description `ok`, or `unavailable` when the store cannot be reached.
             * @enum {string}
             */
            status: "ok" | "unavailable";
            /** @description The Tidings version. */
            version: string;
        };
        /** @description The JSON message Tidings POSTs to a callback whose `method` is `json`. Receivers should ignore properties they do not know; new ones may be added. */
        CallbackMessage: {
            /** @description The event's ID (one change, whichever callbacks it goes to). Deduplicate by the `webhook-id` header, not by this. */
            id: string;
            /**
             * @description What changed; `test` for a message sent with `POST /callback/{callbackID}/test`.
             * @enum {string}
             */
            type: "profile" | "subprofile" | "test";
            /**
             * @description How it changed; `test` for a test message.
             * @enum {string}
             */
            action: "create" | "update" | "delete" | "test";
            /** @description When the change was made, in UTC. */
            timestamp: components["schemas"]["Timestamp"];
            /**
             * Format: int64
             * @description The same moment as `timestamp`, in Unix seconds.
             */
            time: number;
            /** @description The database of the changed record. */
            database: components["schemas"]["Id"];
            /** @description The subprofile's collection; `null` for profile and test messages. */
            collection: components["schemas"]["Id"] | null;
            /** @description The profile, or the profile the subprofile belongs to; `null` only for test messages. */
            profile: components["schemas"]["Id"] | null;
            /** @description The subprofile; `null` for profile and test messages. */
            subprofile: components["schemas"]["Id"] | null;
            /** @description When the record was created; `null` for test messages. */
            created: components["schemas"]["Timestamp"] | null;
            /** @description When the record was last modified; `null` for test messages. */
            modified: components["schemas"]["Timestamp"] | null;
            /** @description All of the record's fields after the change (not only those the change touched); for `delete`, as they were before it. An update merges the fields it is given into the stored ones and never removes one. */
            fields: components["schemas"]["Fields"];
            /**
             * @description For `update`, the value before the update of every field whose value it changed; `null` for
             *     `create`, `delete` and `test`.
             *
             *     - A field the update left out, or gave the value it already had, is not listed.
             *     - A field that did not exist before the update is listed with the empty string `""` as its
             *       old value, as is a field whose old value was `""`: `previous` cannot tell the two apart. A
             *       field added with the value `""` is listed too, with `""` in `previous` and in `fields`.
             *     - Every key of `previous` is also in `fields` (an update removes no field).
             *     - A profile update that changed only `interests` sends `previous: {}`: the old interests are
             *       not given. A subprofile update always lists at least one field, since an update that changes
             *       nothing sends no message.
             */
            previous: components["schemas"]["Fields"] | null;
            /** @description The interests of the profile (for a subprofile, of the profile it belongs to); empty for test messages. */
            interests: string[];
        };
        /**
         * @description The XML message Tidings POSTs to a callback whose `method` is `xml`. It carries the same content
         *     as the JSON message (`CallbackMessage`), as an XML document:
         *
         *     ```xml
         *     <?xml version="1.0" encoding="UTF-8"?>
         *     <callback>
         *       <id>evt_…</id>
         *       <type>profile | subprofile | test</type>
         *       <action>create | update | delete | test</action>
         *       <timestamp>YYYY-MM-DD HH:MM:SS</timestamp>
         *       <time>unix seconds</time>
         *       <database>…</database>
         *       <collection>…</collection>
         *       <profile>…</profile>
         *       <subprofile>…</subprofile>
         *       <created>YYYY-MM-DD HH:MM:SS</created>
         *       <modified>YYYY-MM-DD HH:MM:SS</modified>
         *       <fields><field name="…">value</field>…</fields>
         *       <previous><field name="…">old value</field>…</previous>
         *       <interests><interest>…</interest>…</interests>
         *     </callback>
         *     ```
         *
         *     - An element whose JSON value would be `null` is left out (`collection` and `subprofile` in a
         *       profile message; `previous` unless the action is `update`). `<previous></previous>` is empty
         *       for a profile update that changed only the interests.
         *     - Field names are not necessarily valid XML element names, so each field is a `<field>` element
         *       with the name in its `name` attribute. `<fields/>` and `<interests/>` are present even when
         *       empty.
         *     - All text and attribute values are escaped (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`). Tab,
         *       line feed and carriage return are written as character references (`&#9;`, `&#10;`, `&#13;`),
         *       so that an XML parser's line-end and attribute normalization leaves them as they were.
         *     - Characters XML 1.0 cannot carry at all are replaced with U+FFFD (`�`), in field names and
         *       values, interests and every other element: the C0 control characters U+0000–U+001F other than
         *       tab, line feed and carriage return, unpaired surrogates (U+D800–U+DFFF), U+FFFE and U+FFFF.
         *       There, and only there, the XML form differs from the JSON form, which carries the original
         *       characters (escaped where JSON requires it); two field names that differ only in such
         *       characters come out as the same `name`. The other control characters (U+007F–U+009F) are kept.
         *     - Whitespace between elements is not significant.
         */
        CallbackMessageXml: string;
    };
    responses: {
        /** @description The request is not valid: the access token is missing or unknown, the body or a query parameter is malformed, the body has an unknown key, or an ID in the path is not a decimal ID. */
        BadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description Too many requests for this access token (1000 per second unless configured otherwise). Wait for the number of seconds in `Retry-After`. */
        TooManyRequests: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The server cannot reach its store right now: PostgreSQL is restarting, unreachable or too slow (a statement ran past its time limit), or the embedded store is locked. The request was not carried out (only a connection lost at the very moment of a commit can leave a write done but unconfirmed: look before you create again). Send it again after the number of seconds in `Retry-After`. */
        StoreUnavailable: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The access token is read-only and the request would change something. */
        Forbidden: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The `Idempotency-Key` was sent with another request (method, path or body) in the last 24 hours (`idempotency_key_reused`: use a new key for a new request), or the first request with it is still being carried out (`idempotency_key_in_use`: send it again in a moment). */
        IdempotencyConflict: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The body is larger than the server accepts (1 MB unless configured otherwise): its `Content-Length` says so, or more arrived. A `POST` that takes no body is refused all the same when its `Content-Length` is over the limit. */
        PayloadTooLarge: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The body is not sent as `application/json`. */
        UnsupportedMediaType: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The store has no room left to write (the disk of the embedded store, or PostgreSQL's, is full). Nothing was changed; reads and the delivery of what is already queued go on. Send the request again once the operator has freed space, after the number of seconds in `Retry-After`. */
        InsufficientStorage: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                "Retry-After": components["headers"]["Retry-After"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No database with this ID in your account. The ID of another account's database is answered the same way, so the answer never reveals whether it exists. */
        DatabaseNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The request is not valid: the access token is missing or unknown, the body is malformed or has an unknown key, an ID in the path is not a decimal ID, the `expression` does not compile, the `url` is not an absolute http(s) URL or points at an address that is not allowed, or (on create) the database or collection already has as many callbacks as allowed. */
        CallbackBadRequest: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No collection with this ID in your account. The ID of another account's collection is answered the same way, so the answer never reveals whether it exists. */
        CollectionNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No profile with this ID in your account. The ID of another account's profile is answered the same way, so the answer never reveals whether it exists. */
        ProfileNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No profile with this ID in your account (`profile_not_found`, checked first), or no collection with this ID in the profile's database (`collection_not_found`). An ID of another account's profile or collection is answered the same way, so the answer never reveals whether it exists. */
        ProfileOrCollectionNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No subprofile with this ID in your account. The ID of another account's subprofile is answered the same way, so the answer never reveals whether it exists. */
        SubprofileNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No callback with this ID in your account. The ID of another account's callback is answered the same way, so the answer never reveals whether it exists. */
        CallbackNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The access token is read-only: with a callback's signing secret one could sign messages its receiver trusts, so only a token that may write can read it. */
        SecretForbidden: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No callback with this ID in your account (`callback_not_found`, checked first), or no delivery with this ID for the callback (`delivery_not_found`). An ID of another account's callback or delivery is answered the same way, so the answer never reveals whether it exists. */
        CallbackOrDeliveryNotFound: {
            headers: {
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The lease the report quotes no longer holds: it ran out and the message was handed out again, or the attempt was reported already. Nothing was recorded. */
        ListenLeaseLost: {
            headers: {
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                "X-Request-Id": components["headers"]["X-Request-Id"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description No delivery with this ID in your account. The ID of another account's delivery is answered the same way, so the answer never reveals whether it exists. */
        DeliveryNotFound: {
            headers: {
                "X-Request-Id": components["headers"]["X-Request-Id"];
                "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
    };
    parameters: {
        /** @description How many items to skip before the first one on the page. */
        start: number;
        /** @description The largest number of items on the page. */
        limit: number;
        /**
         * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
         * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
         */
        idempotencyKey: string;
        /**
         * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
         * @example 12
         */
        databaseID: components["schemas"]["Id"];
        /**
         * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
         * @example 34
         */
        collectionID: components["schemas"]["Id"];
        /**
         * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
         * @example 56
         */
        profileID: components["schemas"]["Id"];
        /**
         * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
         * @example 78
         */
        subprofileID: components["schemas"]["Id"];
        /**
         * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
         * @example 21
         */
        callbackID: components["schemas"]["Id"];
        /** @description Only deliveries with this status. */
        deliveryStatus: components["schemas"]["DeliveryStatus"];
        /**
         * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
         * @example 9001
         */
        deliveryID: components["schemas"]["Id"];
        /**
         * @description The delivery's ID: the same on every retry of the message, different for every message and callback. Use it to drop duplicates — delivery is at least once.
         * @example msg_2KWPBgLlAfxdpx2AI54pPJ85f4W
         */
        webhookId: string;
        /**
         * @description When this attempt was signed, in Unix seconds. Reject a message whose timestamp is more than 5 minutes away from your clock: that defeats replays of captured messages.
         * @example 1772446800
         */
        webhookTimestamp: string;
        /**
         * @description One or more signatures, separated by spaces, each `v1,` followed by the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded part of the callback's `whsec_` secret. During a secret rotation there is one signature per valid secret; accept the message when any of them matches. The example is the signature of the `profileUpdated` JSON example, sent as compact JSON (no spaces) with the example `webhook-id` and `webhook-timestamp`, under the secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`.
         * @example v1,rQBbMEzwP7HMnqHUrTMU4PJi0qZG+Fy4GyHt51I6m8Q=
         */
        webhookSignature: string;
        /**
         * @description `Tidings/` followed by the version of the server that sent the message.
         * @example Tidings/0.1.0
         */
        userAgent: string;
    };
    requestBodies: never;
    headers: {
        /**
         * @description The ID of this request, also on its line in the server's log (and on its trace span as `tidings.request_id`): the caller's own `X-Request-Id` when it sent one of at most 128 letters, digits, `.`, `_` and `-`, otherwise a new UUID. Quote it when reporting a problem.
         * @example 0c6e4b52-8f0a-4bb9-9c4e-2f1d3a7e5b10
         */
        "X-Request-Id": string;
        /**
         * @description The token's rate limit: how many requests it may send a second, which is also the largest burst (`TIDINGS_RATE_LIMIT`, 1000 by default). Sent on every answer to a request with a valid token; absent when the server runs without a rate limit (`TIDINGS_RATE_LIMIT=0`), and on the 400 `invalid_access_token` (an unknown token has no quota).
         * @example 1000
         */
        "RateLimit-Limit": number;
        /**
         * @description How many more requests the token may send right now, this one counted; 0 on a 429. Sent with `RateLimit-Limit`.
         * @example 999
         */
        "RateLimit-Remaining": number;
        /**
         * @description Seconds until the token's whole quota is back (0 when it is whole now). The quota refills continuously, `RateLimit-Limit` requests a second, so this is never more than 1. Sent with `RateLimit-Limit`.
         * @example 1
         */
        "RateLimit-Reset": number;
        /**
         * @description How many seconds to wait before sending another request.
         * @example 1
         */
        "Retry-After": number;
        /**
         * @description The path of the created or updated resource, `/v1/<kind>/<ID>`: for example `/v1/database/12` after creating database 12, `/v1/callback/21` after creating or updating callback 21.
         * @example /v1/callback/21
         */
        "X-Location": string;
        /**
         * @description The path of the created resource, the same value as `X-Location` (for example `/v1/callback/21`), for clients that follow the standard header.
         * @example /v1/callback/21
         */
        Location: string;
        /**
         * @description What was deleted, `<kind> <ID>`: for example `database 12` or `callback 21`.
         * @example callback 21
         */
        "X-Deleted": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listDatabases: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of databases. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatabaseList"];
                };
            };
            400: components["responses"]["BadRequest"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createDatabase: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatabaseCreate"];
            };
        };
        responses: {
            /** @description The database was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Database"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getDatabase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Database"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["DatabaseNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    updateDatabase: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatabaseUpdate"];
            };
        };
        responses: {
            /** @description The database after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Database"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    updateDatabaseWithPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatabaseUpdate"];
            };
        };
        responses: {
            /** @description The database after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Database"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteDatabase: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database and everything in it are gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Deleted": components["headers"]["X-Deleted"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listCollections: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of collections. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CollectionList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["DatabaseNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createCollection: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CollectionCreate"];
            };
        };
        responses: {
            /** @description The collection was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listProfiles: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of profiles. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProfileList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["DatabaseNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createProfile: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileCreate"];
            };
        };
        responses: {
            /** @description The profile was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listDatabaseCallbacks: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of callbacks. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["DatabaseNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createDatabaseCallback: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The database's ID, a decimal string. A value that is not a decimal ID is answered with 400 `database_id_invalid`; an unknown ID, or the ID of another account's database, with 404 `database_not_found`.
                 * @example 12
                 */
                databaseID: components["parameters"]["databaseID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CallbackCreate"];
            };
        };
        responses: {
            /** @description The callback was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedCallback"];
                };
            };
            400: components["responses"]["CallbackBadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DatabaseNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collection. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["CollectionNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    updateCollection: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CollectionUpdate"];
            };
        };
        responses: {
            /** @description The collection after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CollectionNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    updateCollectionWithPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CollectionUpdate"];
            };
        };
        responses: {
            /** @description The collection after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Collection"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CollectionNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteCollection: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The collection and everything in it are gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Deleted": components["headers"]["X-Deleted"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CollectionNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listCollectionSubprofiles: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of subprofiles. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubprofileList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["CollectionNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    listCollectionCallbacks: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of callbacks. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["CollectionNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createCollectionCallback: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CallbackCreate"];
            };
        };
        responses: {
            /** @description The callback was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedCallback"];
                };
            };
            400: components["responses"]["CallbackBadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CollectionNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The profile. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["ProfileNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    updateProfile: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileUpdate"];
            };
        };
        responses: {
            /** @description The profile after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ProfileNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    updateProfileWithPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfileUpdate"];
            };
        };
        responses: {
            /** @description The profile after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Profile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ProfileNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The profile and its subprofiles are gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Deleted": components["headers"]["X-Deleted"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ProfileNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listProfileSubprofiles: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
            };
            header?: never;
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of subprofiles. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubprofileList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["ProfileOrCollectionNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    createSubprofile: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The profile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `profile_id_invalid`; an unknown ID, or the ID of another account's profile, with 404 `profile_not_found`.
                 * @example 56
                 */
                profileID: components["parameters"]["profileID"];
                /**
                 * @description The collection's ID, a decimal string. A value that is not a decimal ID is answered with 400 `collection_id_invalid`; an unknown ID, or the ID of another account's collection, with 404 `collection_not_found`.
                 * @example 34
                 */
                collectionID: components["parameters"]["collectionID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubprofileCreate"];
            };
        };
        responses: {
            /** @description The subprofile was created. */
            201: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    Location: components["headers"]["Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subprofile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["ProfileOrCollectionNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getSubprofile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
                 * @example 78
                 */
                subprofileID: components["parameters"]["subprofileID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subprofile. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subprofile"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["SubprofileNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    updateSubprofile: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
                 * @example 78
                 */
                subprofileID: components["parameters"]["subprofileID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubprofileUpdate"];
            };
        };
        responses: {
            /** @description The subprofile after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subprofile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SubprofileNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    updateSubprofileWithPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
                 * @example 78
                 */
                subprofileID: components["parameters"]["subprofileID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SubprofileUpdate"];
            };
        };
        responses: {
            /** @description The subprofile after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Subprofile"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SubprofileNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteSubprofile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The subprofile's ID, a decimal string. A value that is not a decimal ID is answered with 400 `subprofile_id_invalid`; an unknown ID, or the ID of another account's subprofile, with 404 `subprofile_not_found`.
                 * @example 78
                 */
                subprofileID: components["parameters"]["subprofileID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The subprofile is gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Deleted": components["headers"]["X-Deleted"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SubprofileNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The callback. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Callback"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["CallbackNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    updateCallback: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CallbackUpdate"];
            };
        };
        responses: {
            /** @description The callback after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Callback"];
                };
            };
            400: components["responses"]["CallbackBadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    updateCallbackWithPost: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CallbackUpdate"];
            };
        };
        responses: {
            /** @description The callback after the update. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Location": components["headers"]["X-Location"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Callback"];
                };
            };
            400: components["responses"]["CallbackBadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    deleteCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The callback is gone. */
            204: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Deleted": components["headers"]["X-Deleted"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getCallbackSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The secrets. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["SecretForbidden"];
            404: components["responses"]["CallbackNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    rotateCallbackSecret: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret and those still valid. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallbackSecret"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    sendTestMessage: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The test message is queued. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    replayCallback: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplayRequest"];
            };
        };
        responses: {
            /** @description The deliveries are queued. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    listCallbackDeliveries: {
        parameters: {
            query?: {
                /** @description How many items to skip before the first one on the page. */
                start?: components["parameters"]["start"];
                /** @description The largest number of items on the page. */
                limit?: components["parameters"]["limit"];
                /** @description Only deliveries with this status. */
                status?: components["parameters"]["deliveryStatus"];
            };
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of deliveries. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["CallbackNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    listenCallback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream of the callback's messages. */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    reportListenedAttempt: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The callback's ID, a decimal string. A value that is not a decimal ID is answered with 400 `callback_id_invalid`; an unknown ID, or the ID of another account's callback, with 404 `callback_not_found`.
                 * @example 21
                 */
                callbackID: components["parameters"]["callbackID"];
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ListenedAttempt"];
            };
        };
        responses: {
            /** @description The attempt is recorded. */
            200: {
                headers: {
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["CallbackOrDeliveryNotFound"];
            409: components["responses"]["ListenLeaseLost"];
            413: components["responses"]["PayloadTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery and its attempts. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryDetail"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["DeliveryNotFound"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
        };
    };
    retryDelivery: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description Any unique value of your choosing (a UUID, say) that makes this request safe to send again. The first request with a key is carried out and its answer kept for 24 hours; the same request sent again with the same key gets that answer, with `Idempotent-Replayed: true`, and changes nothing. The same key with another method, path or body is refused with 409 `idempotency_key_reused`. An answer the server could not give (503, 507) is not kept, and a minute later the key is free again (until then it answers 409 `idempotency_key_in_use`: a connection lost at the moment of a commit can leave the first request done). Keys are your account's own.
                 * @example 5f0c8e1e-4f4a-4c7b-9a55-3b1f2a6d9e10
                 */
                "Idempotency-Key"?: components["parameters"]["idempotencyKey"];
            };
            path: {
                /**
                 * @description The delivery's ID, a decimal string. A value that is not a decimal ID is answered with 400 `delivery_id_invalid`; an unknown ID, or the ID of another account's delivery, with 404 `delivery_not_found`.
                 * @example 9001
                 */
                deliveryID: components["parameters"]["deliveryID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery is queued. */
            202: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    "RateLimit-Limit": components["headers"]["RateLimit-Limit"];
                    "RateLimit-Remaining": components["headers"]["RateLimit-Remaining"];
                    "RateLimit-Reset": components["headers"]["RateLimit-Reset"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Delivery"];
                };
            };
            400: components["responses"]["BadRequest"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["DeliveryNotFound"];
            409: components["responses"]["IdempotencyConflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRequests"];
            503: components["responses"]["StoreUnavailable"];
            507: components["responses"]["InsufficientStorage"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server is ready. */
            200: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The server cannot reach its store. */
            503: {
                headers: {
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    receiveJsonCallback: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The delivery's ID: the same on every retry of the message, different for every message and callback. Use it to drop duplicates — delivery is at least once.
                 * @example msg_2KWPBgLlAfxdpx2AI54pPJ85f4W
                 */
                "webhook-id": components["parameters"]["webhookId"];
                /**
                 * @description When this attempt was signed, in Unix seconds. Reject a message whose timestamp is more than 5 minutes away from your clock: that defeats replays of captured messages.
                 * @example 1772446800
                 */
                "webhook-timestamp": components["parameters"]["webhookTimestamp"];
                /**
                 * @description One or more signatures, separated by spaces, each `v1,` followed by the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded part of the callback's `whsec_` secret. During a secret rotation there is one signature per valid secret; accept the message when any of them matches. The example is the signature of the `profileUpdated` JSON example, sent as compact JSON (no spaces) with the example `webhook-id` and `webhook-timestamp`, under the secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`.
                 * @example v1,rQBbMEzwP7HMnqHUrTMU4PJi0qZG+Fy4GyHt51I6m8Q=
                 */
                "webhook-signature": components["parameters"]["webhookSignature"];
                /**
                 * @description `Tidings/` followed by the version of the server that sent the message.
                 * @example Tidings/0.1.0
                 */
                "User-Agent": components["parameters"]["userAgent"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CallbackMessage"];
            };
        };
        responses: {
            /** @description Gone — Tidings disables the callback and sends it nothing more until it is re-enabled. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Accepted. The body of the answer is stored (first 4 KB) but not interpreted. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer is a failure; the message is retried on the callback's retry schedule. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    receiveXmlCallback: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The delivery's ID: the same on every retry of the message, different for every message and callback. Use it to drop duplicates — delivery is at least once.
                 * @example msg_2KWPBgLlAfxdpx2AI54pPJ85f4W
                 */
                "webhook-id": components["parameters"]["webhookId"];
                /**
                 * @description When this attempt was signed, in Unix seconds. Reject a message whose timestamp is more than 5 minutes away from your clock: that defeats replays of captured messages.
                 * @example 1772446800
                 */
                "webhook-timestamp": components["parameters"]["webhookTimestamp"];
                /**
                 * @description One or more signatures, separated by spaces, each `v1,` followed by the base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` keyed with the base64-decoded part of the callback's `whsec_` secret. During a secret rotation there is one signature per valid secret; accept the message when any of them matches. The example is the signature of the `profileUpdated` JSON example, sent as compact JSON (no spaces) with the example `webhook-id` and `webhook-timestamp`, under the secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`.
                 * @example v1,rQBbMEzwP7HMnqHUrTMU4PJi0qZG+Fy4GyHt51I6m8Q=
                 */
                "webhook-signature": components["parameters"]["webhookSignature"];
                /**
                 * @description `Tidings/` followed by the version of the server that sent the message.
                 * @example Tidings/0.1.0
                 */
                "User-Agent": components["parameters"]["userAgent"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/xml": components["schemas"]["CallbackMessageXml"];
            };
        };
        responses: {
            /** @description Gone — Tidings disables the callback and sends it nothing more until it is re-enabled. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Accepted. The body of the answer is stored (first 4 KB) but not interpreted. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer is a failure; the message is retried on the callback's retry schedule. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
