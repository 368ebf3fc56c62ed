// Signing secrets, as Standard Webhooks writes them: `whsec_` + base64 of a random HMAC key (signing
// "hmac", signatures `v1,`), or `whsk_` + base64 of an Ed25519 private key's 32 raw bytes (signing
// "ed25519", signatures `v1a,`), whose public key `whpk_` + base64 of its 32 raw bytes receivers verify
// with: it is safe to publish, since it can verify messages but not sign them.
import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { randomText } from './random.ts';

export type Signing = 'hmac' | 'ed25519';

/** Ed25519 private keys in PKCS #8 DER: this fixed prefix, then the 32-byte seed (RFC 8410) */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function newSecret(signing: Signing): string {
  return signing === 'ed25519' ? `whsk_${randomBytes(32).toString('base64')}` : `whsec_${randomText(24, 'base64')}`;
}

const privateKeys = new Map<string, KeyObject>();

/** The Ed25519 private key of a whsk_ secret, built once per secret. */
export function ed25519Key(secret: string): KeyObject {
  let key = privateKeys.get(secret);
  if (key === undefined) {
    const seed = Buffer.from(secret.slice('whsk_'.length), 'base64');
    if (seed.length !== 32) throw new Error('an Ed25519 signing secret holds 32 bytes');
    key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    if (privateKeys.size >= 10_000) privateKeys.delete(privateKeys.keys().next().value as string);
    privateKeys.set(secret, key);
  }
  return key;
}

/** The whpk_ public key of a whsk_ secret; undefined for an HMAC secret, which has none. */
export function publicKeyOf(secret: string): string | undefined {
  if (!secret.startsWith('whsk_')) return undefined;
  const spki = createPublicKey(ed25519Key(secret)).export({ format: 'der', type: 'spki' });
  // the SubjectPublicKeyInfo of an Ed25519 key ends with its 32 raw bytes
  return `whpk_${spki.subarray(spki.length - 32).toString('base64')}`;
}
