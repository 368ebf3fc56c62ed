// Profile writes on PostgreSQL in two statements and no transaction: one reads the record and the
// callbacks its change goes to, one writes the change, its event, its deliveries and the signal
// (see the .sql files). An update applies to the version it read or not at all (a concurrent
// write since): then it reads again; after a few such conflicts the caller takes the locking path.
import type { Profile } from '@tidings/spec';
import { buildMessage, changedFields, newEventKey, newWebhookId, type Fields } from '../../queue/message.ts';
import { checkFieldLimits, type FieldLimits } from '../store.ts';
import { isGoneReference, sqlStatement, type Queued, type Runner, type Signal } from '../../db/postgres/prepared.ts';

const readProfile = sqlStatement(new URL('profile-read.sql', import.meta.url));
const writeUpdate = sqlStatement(new URL('profile-update.sql', import.meta.url));
const readDatabase = sqlStatement(new URL('profile-create-read.sql', import.meta.url));
const writeCreate = sqlStatement(new URL('profile-create.sql', import.meta.url));

/** optimistic tries of an update before the caller falls back to locking the row */
const UPDATE_TRIES = 4;
/** tries of a create whose database or callback went between its two statements */
const CREATE_TRIES = 3;

export interface ChangeContext {
  run: Runner;
  signal: Signal;
  now(): { ms: number; stamp: string };
  firstAttemptDelayMs: number;
  /** the trace context stored with the event (null when tracing is off) */
  traceparent(): string | null;
}

interface Listening {
  callback_ids: Array<number | string>;
  ordered: boolean[];
  /** the callback is disabled: its delivery is kept as `missed`, not due, for a replay */
  missed: boolean[];
}

/** The parallel arrays statement 2 inserts deliveries from, and the callbacks that get one due now. */
function targets(listening: Listening, profileId: number): [number[], Array<number | null>, string[], boolean[], number[]] {
  const ids = listening.callback_ids.map(Number);
  const due = ids.filter((_, index) => !listening.missed[index]);
  return [ids, ids.map((_, index) => (listening.ordered[index] ? profileId : null)), ids.map(() => newWebhookId()), listening.missed, due];
}

export type UpdateResult = { profile: Profile | null; queued: Queued } | 'contended';

export async function updateProfile(
  context: ChangeContext,
  accountId: number,
  id: number,
  input: { fields?: Fields; interests?: string[] },
  limits: FieldLimits,
): Promise<UpdateResult> {
  for (let attempt = 0; attempt < UPDATE_TRIES; attempt++) {
    const [before] = await context.run<Listening & {
      database_id: number;
      fields: string;
      interests: string;
      created: string;
      modified: string;
      revision: string;
    }>(readProfile, [id, accountId]);
    if (before === undefined) return { profile: null, queued: { callbacks: [] } };
    const oldFields = JSON.parse(before.fields) as Fields;
    const oldInterests = JSON.parse(before.interests) as string[];
    const fields = { ...oldFields, ...input.fields };
    const interests = input.interests ?? oldInterests;
    const previous = changedFields(oldFields, fields);
    const interestsJson = JSON.stringify(interests);
    const profile = (modified: string): Profile => ({
      ID: String(id),
      database: String(before.database_id),
      fields,
      interests,
      created: before.created,
      modified,
    });
    if (Object.keys(previous).length === 0 && interestsJson === before.interests) {
      return { profile: profile(before.modified), queued: { callbacks: [] } };
    }
    const fieldsJson = JSON.stringify(fields);
    if (input.fields !== undefined) checkFieldLimits('profile', id, fields, fieldsJson, limits);
    const { ms, stamp } = context.now();
    const message = buildMessage({
      eventKey: newEventKey(),
      type: 'profile',
      action: 'update',
      timestamp: stamp,
      epochMs: ms,
      database: before.database_id,
      collection: null,
      profile: id,
      subprofile: null,
      created: before.created,
      modified: stamp,
      fields,
      previous,
      interests,
    });
    const [callbackIds, orderingKeys, webhookIds, missed, due] = targets(before, id);
    const [written] = await context.run<{ updated: number }>(writeUpdate, [
      id,
      before.revision,
      fieldsJson,
      interestsJson,
      stamp,
      accountId,
      before.database_id,
      JSON.stringify(message),
      ms,
      callbackIds,
      orderingKeys,
      webhookIds,
      message.id,
      ms + context.firstAttemptDelayMs,
      context.signal.channel,
      context.signal.origin,
      missed,
      context.traceparent(),
    ]).catch((error: unknown) => {
      // a callback deleted between the two statements: read the listeners again
      if (isGoneReference(error)) return [{ updated: 0 }];
      throw error;
    });
    if (Number(written?.updated) === 1) return { profile: profile(stamp), queued: { callbacks: due } };
  }
  return 'contended';
}

export async function createProfile(
  context: ChangeContext,
  accountId: number,
  databaseId: number,
  input: { fields?: Fields; interests?: string[] },
): Promise<{ profile: Profile | null; queued: Queued }> {
  const fields = input.fields ?? {};
  const interests = input.interests ?? [];
  for (let attempt = 1; ; attempt++) {
    const [database] = await context.run<Listening & { id: number | string }>(readDatabase, [databaseId, accountId]);
    if (database === undefined) return { profile: null, queued: { callbacks: [] } };
    const id = Number(database.id);
    const { ms, stamp } = context.now();
    const message = buildMessage({
      eventKey: newEventKey(),
      type: 'profile',
      action: 'create',
      timestamp: stamp,
      epochMs: ms,
      database: databaseId,
      collection: null,
      profile: id,
      subprofile: null,
      created: stamp,
      modified: stamp,
      fields,
      previous: null,
      interests,
    });
    const [callbackIds, orderingKeys, webhookIds, missed, due] = targets(database, id);
    try {
      await context.run(writeCreate, [
        id,
        JSON.stringify(fields),
        JSON.stringify(interests),
        stamp,
        accountId,
        databaseId,
        JSON.stringify(message),
        ms,
        callbackIds,
        orderingKeys,
        webhookIds,
        message.id,
        ms + context.firstAttemptDelayMs,
        context.signal.channel,
        context.signal.origin,
        missed,
        context.traceparent(),
      ]);
    } catch (error) {
      // the database, or a callback, went between the two statements: look again
      if (attempt < CREATE_TRIES && isGoneReference(error)) continue;
      throw error;
    }
    const profile: Profile = { ID: String(id), database: String(databaseId), fields, interests, created: stamp, modified: stamp };
    return { profile, queued: { callbacks: due } };
  }
}
