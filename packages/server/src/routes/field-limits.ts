import type { Context } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { defaultFieldLimits, type FieldLimits } from '../records/store.ts';

/** A profile or subprofile may hold what one request may send: the contract's fields, the body limit's bytes. */
export function fieldLimits(c: Context<AppEnv>): FieldLimits {
  return { maxFields: defaultFieldLimits.maxFields, maxBytes: c.get('deps').config.maxBodyBytes };
}
