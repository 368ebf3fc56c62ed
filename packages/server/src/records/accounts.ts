// Accounts and their access tokens (only a token's SHA-256 hash is stored).
import { createHash } from 'node:crypto';
import type { Connection } from '../db/connection.ts';
import type { AccountSummary, Principal } from './store.ts';

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Accounts {
  readonly #connection: Connection;

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  async createAccount(name: string): Promise<{ id: number; name: string } | null> {
    // ON CONFLICT rather than a look first: processes started together may both create `default`
    const row = await this.#connection.db
      .insertInto('accounts')
      .values({ name, created: this.#connection.now().stamp })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .returning(['id', 'name'])
      .executeTakeFirst();
    return row ? { id: row.id, name: row.name } : null;
  }

  async listAccounts(): Promise<AccountSummary[]> {
    const rows = await this.#connection.db
      .selectFrom('accounts')
      .leftJoin('tokens', 'tokens.account_id', 'accounts.id')
      .select(({ fn }) => [
        'accounts.id',
        'accounts.name',
        'accounts.created',
        fn.count<number>('tokens.id').as('tokens'),
      ])
      .groupBy(['accounts.id', 'accounts.name', 'accounts.created'])
      .orderBy('accounts.id')
      .execute();
    return rows.map((row) => ({ ...row, tokens: Number(row.tokens) }));
  }

  async findAccount(nameOrId: string): Promise<{ id: number; name: string } | null> {
    const byId = /^[0-9]+$/.test(nameOrId) ? Number(nameOrId) : -1;
    const row = await this.#connection.db
      .selectFrom('accounts')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', byId)]))
      .orderBy('id')
      .executeTakeFirst();
    return row ?? null;
  }

  async addToken(accountId: number, token: string, readOnly: boolean): Promise<void> {
    await this.#connection.db
      .insertInto('tokens')
      .values({
        account_id: accountId,
        token_hash: hashToken(token),
        read_only: readOnly ? 1 : 0,
        created: this.#connection.now().stamp,
      })
      .execute();
  }

  async revokeToken(token: string): Promise<boolean> {
    const result = await this.#connection.db.deleteFrom('tokens').where('token_hash', '=', hashToken(token)).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async authenticate(token: string): Promise<Principal | null> {
    const hash = hashToken(token);
    const row = await this.#connection.statements.first(
      this.#connection.db,
      'authenticate',
      () => this.#connection.db.selectFrom('tokens').select(['account_id', 'read_only']).where('token_hash', '=', hash),
      [hash],
    );
    return row ? { accountId: row.account_id, readOnly: row.read_only === 1 } : null;
  }

  async hasAccounts(): Promise<boolean> {
    return (await this.#connection.db.selectFrom('accounts').select('id').limit(1).executeTakeFirst()) !== undefined;
  }
}
