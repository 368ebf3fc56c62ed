import { randomBytes } from 'node:crypto';

/** A new access token: 192 random bits; only its SHA-256 hash is stored. */
export function newToken(): string {
  return `tid_${randomBytes(24).toString('base64url')}`;
}
