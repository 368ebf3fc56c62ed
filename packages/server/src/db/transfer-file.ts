// The export file: JSON lines. The first line is the header, every other line one row:
//   {"format":"tidings-export","schema":2,"dialect":"sqlite","exported":"2026-11-22T09:00:00.000Z"}
//   {"table":"accounts","row":{"id":1,"name":"default","created":"2026-11-22 09:00:00"}}
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Store } from '../records/store.ts';
import { TABLES, type ExportHeader, type Row, type TableName, type TableRows } from './transfer.ts';

const PAGE = 500;

/** A path the user typed: relative to where they ran `pnpm tidings` (pnpm runs it in the package). */
function userPath(file: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

export function openExportTarget(file: string | undefined): { stream: Writable; path: string; close(): Promise<void> } {
  if (file === undefined || file === '-') {
    return { stream: process.stdout, path: 'stdout', close: async () => undefined };
  }
  const path = userPath(file);
  const stream = createWriteStream(path, { flags: 'wx' });
  return {
    stream,
    path,
    close: () =>
      new Promise((done, fail) => {
        stream.once('error', fail);
        stream.end(() => done());
      }),
  };
}

export function openImportSource(file: string | undefined): Readable {
  return file === undefined || file === '-' ? process.stdin : createReadStream(userPath(file));
}

async function writeChunk(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function exportStore(store: Store, out: Writable): Promise<Record<TableName, number>> {
  const header: ExportHeader = {
    format: 'tidings-export',
    schema: store.schemaVersion,
    dialect: store.dialect,
    exported: new Date().toISOString(),
  };
  await writeChunk(out, `${JSON.stringify(header)}\n`);
  return store.exportTables(async ({ table, rows }) => {
    await writeChunk(out, rows.map((row) => `${JSON.stringify({ table, row })}\n`).join(''));
  });
}

/** Reads the lines of an export into pages of one table each, checking the header first. */
async function* readExport(input: Readable, schemaVersion: number): AsyncGenerator<TableRows> {
  let header: ExportHeader | null = null;
  let page: TableRows | null = null;
  let lineNumber = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new Error(`line ${lineNumber} of the export is not JSON`);
    }
    if (header === null) {
      header = parsed as ExportHeader;
      if (header.format !== 'tidings-export') throw new Error('this is not a Tidings export (the first line is no export header)');
      if (header.schema !== schemaVersion) {
        throw new Error(`the export has schema version ${header.schema}, this store ${schemaVersion}: migrate the older one first`);
      }
      continue;
    }
    const { table, row } = parsed as { table: TableName; row: Row };
    if (!TABLES.includes(table) || typeof row !== 'object' || row === null) {
      throw new Error(`line ${lineNumber} of the export is not a row of a Tidings table`);
    }
    if (page !== null && (page.table !== table || page.rows.length >= PAGE)) {
      yield page;
      page = null;
    }
    page ??= { table, rows: [] };
    page.rows.push(row);
  }
  if (header === null) throw new Error('the export is empty');
  if (page !== null) yield page;
}

export function importStore(store: Store, input: Readable): Promise<Record<TableName, number>> {
  return store.importTables(readExport(input, store.schemaVersion));
}
