// Export and import of a whole store as JSON lines: how an embedded store's data moves into
// PostgreSQL (or back). The first line is a header; then one line per row, table by table, parents
// before children, so an import inserts them in file order with IDs kept.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Schema } from './schema.ts';

/** Every table, parents first: the order of an export and of an import. */
export const TABLES = [
  'accounts',
  'tokens',
  'databases',
  'collections',
  'profiles',
  'subprofiles',
  'callbacks',
  'callback_secrets',
  'events',
  'deliveries',
  'delivery_attempts',
] as const satisfies ReadonlyArray<keyof Schema>;

export type TableName = (typeof TABLES)[number];
export type Row = Record<string, unknown>;

export interface ExportHeader {
  format: 'tidings-export';
  /** the schema version (latest migration) of the exporting store; an import needs the same */
  schema: number;
  dialect: 'sqlite' | 'postgres';
  exported: string;
}

export interface TableRows {
  table: TableName;
  rows: Row[];
}

const PAGE = 1000;
const INSERT_BATCH = 500;

/** Untyped access by table name: every table has an integer `id`. */
type AnyTables = Kysely<Record<TableName, { id: number } & Row>>;
type AnyTransaction = Transaction<Record<TableName, { id: number } & Row>>;

/** Reads every table page by page inside one transaction (a consistent snapshot) and hands the pages on. */
export async function exportTables(
  db: Kysely<Schema>,
  dialect: 'sqlite' | 'postgres',
  write: (page: TableRows) => Promise<void>,
): Promise<Record<TableName, number>> {
  const counts = Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<TableName, number>;
  let transaction = (db as unknown as AnyTables).transaction();
  if (dialect === 'postgres') transaction = transaction.setIsolationLevel('repeatable read');
  await transaction.execute(async (trx) => {
    for (const table of TABLES) {
      let after = 0;
      for (;;) {
        const rows = await trx.selectFrom(table).selectAll().where('id', '>', after).orderBy('id').limit(PAGE).execute();
        if (rows.length === 0) break;
        await write({ table, rows });
        counts[table] += rows.length;
        after = Number(rows[rows.length - 1]?.id);
      }
    }
  });
  return counts;
}

/**
 * Inserts exported rows, IDs kept, in one transaction: all or nothing. The store must be empty. On
 * PostgreSQL the identity sequences then continue after the highest imported ID (SQLite's
 * AUTOINCREMENT does that by itself).
 */
export async function importTables(
  db: Kysely<Schema>,
  dialect: 'sqlite' | 'postgres',
  pages: AsyncIterable<TableRows>,
): Promise<Record<TableName, number>> {
  const counts = Object.fromEntries(TABLES.map((table) => [table, 0])) as Record<TableName, number>;
  await (db as unknown as AnyTables).transaction().execute(async (trx) => {
    for (const table of TABLES) {
      const present = await trx.selectFrom(table).select('id').limit(1).executeTakeFirst();
      if (present) throw new Error(`the target store is not empty (table ${table} has rows); import needs an empty store`);
    }
    let position = 0;
    for await (const { table, rows } of pages) {
      const at = TABLES.indexOf(table);
      if (at < position) throw new Error(`rows of ${table} come after rows of ${TABLES[position]}; the export is out of order`);
      position = at;
      for (let start = 0; start < rows.length; start += INSERT_BATCH) {
        await trx.insertInto(table).values(rows.slice(start, start + INSERT_BATCH)).execute();
      }
      counts[table] += rows.length;
    }
    if (dialect === 'postgres') await continueIdentities(trx);
  });
  return counts;
}

async function continueIdentities(trx: AnyTransaction): Promise<void> {
  for (const table of TABLES) {
    await sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) FROM ${sql.table(table)}`.execute(trx);
  }
}
