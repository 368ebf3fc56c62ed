import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { checker } from '../../test/support/harness.ts';
import { createPublicKey, verify } from 'node:crypto';
import { newSecret, publicKeyOf } from '../secrets.ts';
import { sign, signatureHeader } from './sign.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

function example(name: string): unknown {
  const examples = (checker.contract.bundle.components as Record<string, Record<string, { value: unknown }>>).examples;
  return examples?.[name]?.value;
}

describe('signing', () => {
  it('matches the known answer published in the contract', () => {
    const body = JSON.stringify(example('ProfileUpdatedMessage'));
    expect(sign(SECRET, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', 1772446800, body)).toBe('v1,rQBbMEzwP7HMnqHUrTMU4PJi0qZG+Fy4GyHt51I6m8Q=');
  });

  it('is accepted by the reference standardwebhooks verifier, and refused when anything changes', () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const body = '{"id":"evt_1","fields":{"a":"ü"}}';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(timestamp), 'webhook-signature': signatureHeader([SECRET], 'msg_1', timestamp, body) };
    expect(new Webhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(SECRET).verify(body.replace('ü', 'u'), headers)).toThrow();
    expect(() => new Webhook(SECRET).verify(body, { ...headers, 'webhook-id': 'msg_2' })).toThrow();
    expect(() => new Webhook('whsec_dGhlIG90aGVyIHNlY3JldCBrZXkgYnl0ZXM=').verify(body, headers)).toThrow();
  });

  it('sends one signature per secret, space-separated', () => {
    const header = signatureHeader([SECRET, 'whsec_dGhlIG90aGVyIHNlY3JldCBrZXkgYnl0ZXM='], 'msg_1', 1, 'x');
    expect(header.split(' ')).toHaveLength(2);
    expect(header.split(' ').every((part) => part.startsWith('v1,'))).toBe(true);
  });
});

describe('Ed25519 signing (v1a)', () => {
  // the seed 00 01 02 … 1f, whose public key 03a107bf…5531b8 is a published test value of Ed25519
  const seeded = `whsk_${Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64')}`;

  it('derives the published public key of a known seed, as whpk_ and base64', () => {
    expect(publicKeyOf(seeded)).toBe(`whpk_${Buffer.from('03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8', 'hex').toString('base64')}`);
    expect(publicKeyOf(SECRET)).toBeUndefined();
  });

  it('signs "id.timestamp.body" so that the public key verifies it, and nothing else', () => {
    const signature = sign(seeded, 'msg_1', 1772446800, '{"a":"1"}');
    expect(signature).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    // Ed25519 is deterministic: the same input always signs the same
    expect(sign(seeded, 'msg_1', 1772446800, '{"a":"1"}')).toBe(signature);
    const raw = Buffer.from((publicKeyOf(seeded) as string).slice('whpk_'.length), 'base64');
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    const bytes = Buffer.from(signature.slice('v1a,'.length), 'base64');
    expect(verify(null, Buffer.from('msg_1.1772446800.{"a":"1"}'), publicKey, bytes)).toBe(true);
    expect(verify(null, Buffer.from('msg_1.1772446800.{"a":"2"}'), publicKey, bytes)).toBe(false);
  });

  it('makes secrets of the kind asked for, and signs with each kind side by side during a rotation', () => {
    expect(newSecret('hmac')).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const asymmetric = newSecret('ed25519');
    expect(asymmetric).toMatch(/^whsk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOf(asymmetric)).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(signatureHeader([asymmetric, seeded], 'msg_1', 1, 'x').split(' ').map((part) => part.slice(0, 4))).toEqual(['v1a,', 'v1a,']);
  });
});
