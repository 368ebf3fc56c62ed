// Subprofiles: records of a profile in one of its database's collections (such as orders). Every change
// queues its messages in its own transaction.
import type { ListEnvelope, Subprofile } from '@tidings/spec';
import type { Connection, Db } from '../db/connection.ts';
import type { Enqueue } from '../queue/enqueue.ts';
import { changedFields, type Fields } from '../queue/message.ts';
import type { Collections } from './collections.ts';
import { subprofileMessage } from './messages.ts';
import { lockProfile, type Profiles } from './profiles.ts';
import { listPage, toSubprofile } from './rows.ts';
import { checkFieldLimits, defaultFieldLimits, type FieldLimits, type Page } from './store.ts';

export class Subprofiles {
  readonly #connection: Connection;
  readonly #profiles: Profiles;
  readonly #collections: Collections;
  readonly #enqueue: Enqueue;

  constructor(connection: Connection, profiles: Profiles, collections: Collections, enqueue: Enqueue) {
    this.#connection = connection;
    this.#profiles = profiles;
    this.#collections = collections;
    this.#enqueue = enqueue;
  }

  async #withParents(db: Db, accountId: number, id: number) {
    return db
      .selectFrom('subprofiles')
      .innerJoin('profiles', 'profiles.id', 'subprofiles.profile_id')
      .selectAll('subprofiles')
      .select(['profiles.database_id as database_id', 'profiles.interests as interests'])
      .where('subprofiles.id', '=', id)
      .where('subprofiles.account_id', '=', accountId)
      .executeTakeFirst();
  }

  async listProfileSubprofiles(
    accountId: number,
    profileId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<Subprofile> | 'profile_not_found' | 'collection_not_found'> {
    const profile = await this.#profiles.row(this.#connection.db, accountId, profileId);
    if (!profile) return 'profile_not_found';
    const collection = await this.#collections.row(this.#connection.db, accountId, collectionId);
    if (!collection || collection.database_id !== profile.database_id) return 'collection_not_found';
    const base = this.#connection.db
      .selectFrom('subprofiles')
      .where('profile_id', '=', profileId)
      .where('collection_id', '=', collectionId);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toSubprofile,
    );
  }

  async listCollectionSubprofiles(
    accountId: number,
    collectionId: number,
    page: Page,
  ): Promise<ListEnvelope<Subprofile> | null> {
    if (!(await this.#collections.row(this.#connection.db, accountId, collectionId))) return null;
    const base = this.#connection.db.selectFrom('subprofiles').where('collection_id', '=', collectionId);
    return listPage(
      page,
      async () => (await base.select(({ fn }) => fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      () => base.selectAll().orderBy('id').limit(page.limit).offset(page.start).execute(),
      toSubprofile,
    );
  }

  createSubprofile(
    accountId: number,
    profileId: number,
    collectionId: number,
    input: { fields?: Fields },
  ): Promise<Subprofile | 'profile_not_found' | 'collection_not_found'> {
    return this.#connection.write(async (trx, queued) => {
      await lockProfile(this.#connection, trx, { profileId });
      const profile = await this.#profiles.row(trx, accountId, profileId);
      if (!profile) return 'profile_not_found';
      const collection = await this.#collections.row(trx, accountId, collectionId);
      if (!collection || collection.database_id !== profile.database_id) return 'collection_not_found';
      const { ms, stamp } = this.#connection.now();
      const fields = input.fields ?? {};
      const row = await trx
        .insertInto('subprofiles')
        .values({
          account_id: accountId,
          profile_id: profileId,
          collection_id: collectionId,
          fields: JSON.stringify(fields),
          created: stamp,
          modified: stamp,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const interests = JSON.parse(profile.interests) as string[];
      const message = subprofileMessage('create', row, profile.database_id, fields, null, interests, ms, stamp);
      await this.#enqueue.message(
        trx,
        queued,
        accountId,
        { databaseId: profile.database_id, collectionId, profileId },
        message,
        ms,
        stamp,
      );
      return toSubprofile(row);
    });
  }

  async getSubprofile(accountId: number, id: number): Promise<Subprofile | null> {
    const row = await this.#connection.db
      .selectFrom('subprofiles')
      .selectAll()
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? toSubprofile(row) : null;
  }

  updateSubprofile(accountId: number, id: number, input: { fields: Fields }, limits: FieldLimits = defaultFieldLimits): Promise<Subprofile | null> {
    return this.#connection.write(async (trx, queued) => {
      await lockProfile(this.#connection, trx, { subprofileId: id });
      const before = await this.#withParents(trx, accountId, id);
      if (!before) return null;
      const oldFields = JSON.parse(before.fields) as Fields;
      const fields = { ...oldFields, ...input.fields };
      const previous = changedFields(oldFields, fields);
      if (Object.keys(previous).length === 0) return toSubprofile(before);
      const fieldsJson = JSON.stringify(fields);
      checkFieldLimits('subprofile', id, fields, fieldsJson, limits);
      const { ms, stamp } = this.#connection.now();
      const row = await trx
        .updateTable('subprofiles')
        .set({ fields: fieldsJson, modified: stamp })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const interests = JSON.parse(before.interests) as string[];
      const message = subprofileMessage('update', row, before.database_id, fields, previous, interests, ms, stamp);
      await this.#enqueue.message(
        trx,
        queued,
        accountId,
        { databaseId: before.database_id, collectionId: row.collection_id, profileId: row.profile_id },
        message,
        ms,
        stamp,
      );
      return toSubprofile(row);
    });
  }

  deleteSubprofile(accountId: number, id: number): Promise<boolean> {
    return this.#connection.write(async (trx, queued) => {
      await lockProfile(this.#connection, trx, { subprofileId: id });
      const row = await this.#withParents(trx, accountId, id);
      if (!row) return false;
      const { ms, stamp } = this.#connection.now();
      const interests = JSON.parse(row.interests) as string[];
      const message = subprofileMessage('delete', row, row.database_id, JSON.parse(row.fields) as Fields, null, interests, ms, stamp);
      await this.#enqueue.message(
        trx,
        queued,
        accountId,
        { databaseId: row.database_id, collectionId: row.collection_id, profileId: row.profile_id },
        message,
        ms,
        stamp,
      );
      await trx.deleteFrom('subprofiles').where('id', '=', id).execute();
      return true;
    });
  }
}
