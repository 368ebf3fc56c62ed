import { randomBytes } from 'node:crypto';

// Random text from a pool of 4 KiB of random bytes, each byte used once: a randomBytes call costs
// ≈ 5 µs here, a slice of the pool ≈ 0.3 µs. Message IDs and callback secrets are made with it (access
// tokens, made rarely and only ever stored hashed, are not: their bytes stay out of the pool).
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/** `bytes` fresh random bytes (at most 4,096), written as base64 or base64url */
export function randomText(bytes: number, encoding: 'base64' | 'base64url'): string {
  if (bytes > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (offset + bytes > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const text = pool.toString(encoding, offset, offset + bytes);
  offset += bytes;
  return text;
}
