import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { checker } from '../../test/support/harness.ts';
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
