import type { Context } from 'hono';
import type { Page } from '../records/store.ts';
import { queryOf } from './auth.ts';
import type { AppEnv } from './env.ts';

/** start/limit of a list operation, validated against the contract's parameter schemas. */
export function readPage(c: Context<AppEnv>, operationId: string): Page & { query: Record<string, string | number> } {
  const query = c.get('deps').contract.readQuery(operationId, queryOf(c.req.url));
  return { start: Number(query.start ?? 0), limit: Number(query.limit ?? 100), query };
}
