// Profiles: one record per person in a database. Every change queues its messages in its own transaction.
import type { Transaction } from 'kysely';
import type { ListEnvelope, Profile } from '@tidings/spec';
import type { Connection, Db } from '../db/connection.ts';
import type { Schema } from '../db/schema.ts';
import type { Enqueue } from '../queue/enqueue.ts';
import { changedFields, type Fields } from '../queue/message.ts';
import type { Databases } from './databases.ts';
import { createProfile as createOnPostgres, updateProfile as updateOnPostgres, type ChangeContext } from './postgres/write-change.ts';
import { profileMessage, subprofileMessage } from './messages.ts';
import { listPage, toProfile, type ProfileRow } from './rows.ts';
import { checkFieldLimits, defaultFieldLimits, type FieldLimits, type Page } from './store.ts';

/**
 * PostgreSQL: takes the row lock of the profile a write is about before reading anything. Writes
 * to one profile and its subprofiles then commit one after another, in the order of their delivery
 * IDs (what per-profile ordering relies on), and none merges fields into a stale copy. The embedded
 * store has one writer at a time already.
 */
export async function lockProfile(
  connection: Connection,
  trx: Transaction<Schema>,
  target: { profileId: number } | { subprofileId: number },
): Promise<void> {
  if (connection.dialect !== 'postgres') return;
  const profileId =
    'profileId' in target
      ? target.profileId
      : trx.selectFrom('subprofiles').select('subprofiles.profile_id').where('subprofiles.id', '=', target.subprofileId);
  await trx.selectFrom('profiles').select('id').where('id', '=', profileId).forUpdate().execute();
}

export class Profiles {
  readonly #connection: Connection;
  readonly #databases: Databases;
  readonly #enqueue: Enqueue;

  constructor(connection: Connection, databases: Databases, enqueue: Enqueue) {
    this.#connection = connection;
    this.#databases = databases;
    this.#enqueue = enqueue;
  }

  row(db: Db, accountId: number, id: number): Promise<ProfileRow | undefined> {
    return this.#connection.statements.first(
      db,
      'profileRow',
      () => db.selectFrom('profiles').selectAll().where('id', '=', id).where('account_id', '=', accountId),
      [id, accountId],
    );
  }

  async listProfiles(accountId: number, databaseId: number, page: Page): Promise<ListEnvelope<Profile> | null> {
    if (!(await this.#databases.owns(this.#connection.db, accountId, databaseId))) return null;
    const base = this.#connection.db.selectFrom('profiles').where('database_id', '=', databaseId);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toProfile,
    );
  }

  /** PostgreSQL's two-statement path for profile writes (postgres/write-change.ts) */
  #onPostgres(): ChangeContext | undefined {
    const postgres = this.#connection.postgres;
    return (
      postgres && {
        ...postgres,
        now: () => this.#connection.now(),
        firstAttemptDelayMs: this.#enqueue.firstAttemptDelayMs,
        traceparent: () => this.#connection.traceparent(),
      }
    );
  }

  async createProfile(
    accountId: number,
    databaseId: number,
    input: { fields?: Fields; interests?: string[] },
  ): Promise<Profile | null> {
    const postgres = this.#onPostgres();
    if (postgres) {
      const created = await this.#connection.traced(() => createOnPostgres(postgres, accountId, databaseId, input));
      this.#connection.told(created.queued.callbacks);
      return created.profile;
    }
    return this.#connection.write(async (trx, queued) => {
      if (!(await this.#databases.owns(trx, accountId, databaseId))) return null;
      const { ms, stamp } = this.#connection.now();
      const fields = input.fields ?? {};
      const interests = input.interests ?? [];
      const row = await trx
        .insertInto('profiles')
        .values({
          account_id: accountId,
          database_id: databaseId,
          fields: JSON.stringify(fields),
          interests: JSON.stringify(interests),
          created: stamp,
          modified: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const message = profileMessage('create', row, fields, interests, null, ms, stamp);
      await this.#enqueue.message(trx, queued, accountId, { databaseId, collectionId: null, profileId: row.id }, message, ms, stamp);
      return toProfile(row);
    });
  }

  async getProfile(accountId: number, id: number): Promise<Profile | null> {
    const row = await this.row(this.#connection.db, accountId, id);
    return row ? toProfile(row) : null;
  }

  async updateProfile(
    accountId: number,
    id: number,
    input: { fields?: Fields; interests?: string[] },
    limits: FieldLimits = defaultFieldLimits,
  ): Promise<Profile | null> {
    const postgres = this.#onPostgres();
    // after a few writes of others between its read and its write, the update takes the row's lock
    const optimistic = postgres && (await this.#connection.traced(() => updateOnPostgres(postgres, accountId, id, input, limits)));
    if (optimistic && optimistic !== 'contended') {
      this.#connection.told(optimistic.queued.callbacks);
      return optimistic.profile;
    }
    return this.#connection.write(async (trx, queued) => {
      await lockProfile(this.#connection, trx, { profileId: id });
      const before = await this.row(trx, accountId, id);
      if (!before) return null;
      const oldFields = JSON.parse(before.fields) as Fields;
      const oldInterests = JSON.parse(before.interests) as string[];
      const fields = { ...oldFields, ...input.fields };
      const interests = input.interests ?? oldInterests;
      const previous = changedFields(oldFields, fields);
      const interestsChanged = JSON.stringify(interests) !== JSON.stringify(oldInterests);
      if (Object.keys(previous).length === 0 && !interestsChanged) return toProfile(before);
      const fieldsJson = JSON.stringify(fields);
      if (input.fields !== undefined) checkFieldLimits('profile', id, fields, fieldsJson, limits);
      const { ms, stamp } = this.#connection.now();
      const interestsJson = JSON.stringify(interests);
      const row = await this.#connection.statements.first(
        trx,
        'updateProfile',
        () =>
          trx
            .updateTable('profiles')
            .set({ fields: fieldsJson, interests: interestsJson, modified: stamp })
            .where('id', '=', id)
            .returningAll(),
        [fieldsJson, interestsJson, stamp, id],
      );
      if (row === undefined) throw new Error(`profile ${id} vanished inside its transaction`);
      const message = profileMessage('update', row, fields, interests, previous, ms, stamp);
      await this.#enqueue.message(
        trx,
        queued,
        accountId,
        { databaseId: row.database_id, collectionId: null, profileId: row.id },
        message,
        ms,
        stamp,
      );
      return toProfile(row);
    });
  }

  deleteProfile(accountId: number, id: number): Promise<boolean> {
    return this.#connection.write(async (trx, queued) => {
      await lockProfile(this.#connection, trx, { profileId: id });
      const row = await this.row(trx, accountId, id);
      if (!row) return false;
      const { ms, stamp } = this.#connection.now();
      const interests = JSON.parse(row.interests) as string[];
      const subprofiles = await trx.selectFrom('subprofiles').selectAll().where('profile_id', '=', id).orderBy('id').execute();
      for (const subprofile of subprofiles) {
        const collection = await trx
          .selectFrom('collections')
          .select('database_id')
          .where('id', '=', subprofile.collection_id)
          .executeTakeFirstOrThrow();
        const message = subprofileMessage('delete', subprofile, collection.database_id, JSON.parse(subprofile.fields) as Fields, null, interests, ms, stamp);
        await this.#enqueue.message(
          trx,
          queued,
          accountId,
          { databaseId: collection.database_id, collectionId: subprofile.collection_id, profileId: id },
          message,
          ms,
          stamp,
        );
      }
      const message = profileMessage('delete', row, JSON.parse(row.fields) as Fields, interests, null, ms, stamp);
      await this.#enqueue.message(trx, queued, accountId, { databaseId: row.database_id, collectionId: null, profileId: id }, message, ms, stamp);
      await trx.deleteFrom('profiles').where('id', '=', id).execute();
      return true;
    });
  }
}
