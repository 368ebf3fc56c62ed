// Callbacks' signing secrets: the current one, and at most one rotated out that still signs for a while.
import type { CallbackSecret } from '@tidings/spec';
import { formatTimestamp } from '../clock.ts';
import { publicKeyOf, type Signing } from '../secrets.ts';
import type { Connection, Db } from '../db/connection.ts';
import type { Callbacks } from './callbacks.ts';

export class Secrets {
  readonly #connection: Connection;
  readonly #callbacks: Callbacks;

  constructor(connection: Connection, callbacks: Callbacks) {
    this.#connection = connection;
    this.#callbacks = callbacks;
  }

  async #secretOf(db: Db, callbackId: number, nowMs: number): Promise<CallbackSecret> {
    const rows = await db
      .selectFrom('callback_secrets')
      .select(['secret', 'expires_at'])
      .where('callback_id', '=', callbackId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowMs)]))
      .orderBy('id', 'desc')
      .execute();
    const current = rows.find((row) => row.expires_at === null);
    if (!current) throw new Error(`callback ${callbackId} has no current secret`);
    const publicKey = publicKeyOf(current.secret);
    return {
      secret: current.secret,
      ...(publicKey !== undefined && { publicKey }),
      previous: rows
        .filter((row) => row.expires_at !== null)
        .map((row) => {
          const previousKey = publicKeyOf(row.secret);
          return { secret: row.secret, ...(previousKey !== undefined && { publicKey: previousKey }), expires: formatTimestamp(Number(row.expires_at)) };
        }),
    };
  }

  async getCallbackSecret(accountId: number, id: number): Promise<CallbackSecret | null> {
    if (!(await this.#callbacks.row(this.#connection.db, accountId, id))) return null;
    return this.#secretOf(this.#connection.db, id, this.#connection.clock.now());
  }

  /** `newSecret` makes the new secret, of the kind the callback signs with */
  rotateCallbackSecret(accountId: number, id: number, newSecret: (signing: Signing) => string, graceMs: number): Promise<CallbackSecret | null> {
    return this.#connection.write(async (trx) => {
      const callback = await this.#callbacks.row(trx, accountId, id);
      if (!callback) return null;
      const secret = newSecret(callback.signing as Signing);
      // two rotations at once on PostgreSQL would each see no other's new secret and both keep theirs
      if (this.#connection.dialect === 'postgres') await trx.selectFrom('callbacks').select('id').where('id', '=', id).forUpdate().execute();
      const now = this.#connection.clock.now();
      // At most one rotated-out secret keeps signing: the one this rotation replaces. One left from an
      // earlier rotation ends now, or rotations without end would add a signature to every message
      // each (3,000 of them made a 144 KB header that receivers refuse).
      await trx.deleteFrom('callback_secrets').where('callback_id', '=', id).where('expires_at', 'is not', null).execute();
      await trx
        .updateTable('callback_secrets')
        .set({ expires_at: now + graceMs })
        .where('callback_id', '=', id)
        .where('expires_at', 'is', null)
        .execute();
      await trx.insertInto('callback_secrets').values({ callback_id: id, secret, expires_at: null }).execute();
      return this.#secretOf(trx, id, now);
    });
  }
}
