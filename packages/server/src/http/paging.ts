import type { Context } from 'hono';
import type { Page } from '../store/store.ts';
import type { AppEnv } from './env.ts';

/** start/limit of a list operation, validated against the contract's parameter schemas. */
export function readPage(c: Context<AppEnv>, operationId: string): Page & { query: Record<string, string | number> } {
  const url = c.req.url;
  const queryStart = url.indexOf('?');
  const search = new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1));
  const query = c.get('deps').contract.readQuery(operationId, search);
  return { start: Number(query.start ?? 0), limit: Number(query.limit ?? 100), query };
}
