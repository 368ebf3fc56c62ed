import type { Context } from 'hono';
import type { Page } from '../store/store.ts';
import type { AppEnv } from './env.ts';

/** start/limit of a list operation, validated against the contract's parameter schemas. */
export function readPage(c: Context<AppEnv>, operationId: string): Page & { query: Record<string, string | number> } {
  const query = c.var.deps.contract.readQuery(operationId, new URL(c.req.url).searchParams);
  return { start: Number(query.start ?? 0), limit: Number(query.limit ?? 100), query };
}
