// Standard Webhooks signatures: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, keyed with the
// base64-decoded part of a whsec_ secret, or v1a,<base64 Ed25519 signature of the same> with a whsk_
// secret (secrets.ts). One signature per valid secret, space-separated, so a receiver that still has
// the previous secret during a rotation keeps verifying.
import { createHmac, createSecretKey, sign as signWith, type KeyObject } from 'node:crypto';
import { ed25519Key } from '../secrets.ts';

const keys = new Map<string, KeyObject>();

/** The HMAC key of a whsec_ secret, built once per secret (building it was a cost of every message). */
export function secretKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64'));
    if (keys.size >= 10_000) keys.delete(keys.keys().next().value as string);
    keys.set(secret, key);
  }
  return key;
}

export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  if (secret.startsWith('whsk_')) {
    return `v1a,${signWith(null, Buffer.from(`${webhookId}.${timestampSeconds}.${body}`), ed25519Key(secret)).toString('base64')}`;
  }
  const mac = createHmac('sha256', secretKey(secret)).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function signatureHeader(secrets: readonly string[], webhookId: string, timestampSeconds: number, body: string): string {
  return secrets.map((secret) => sign(secret, webhookId, timestampSeconds, body)).join(' ');
}
