import { createPublicKey, verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { eventually, startReceiver, type Receiver } from '../../test/support/receiver.ts';

let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8' }, { clockStart: Date.now() });
  receiver = await startReceiver();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
});

afterEach(async () => {
  await h.close();
  await receiver.close();
});

/** A read-only token of the harness's first account (the one its token belongs to). */
async function readOnlyTokenOfFirstAccount(): Promise<string> {
  const principal = await h.store.authenticate(h.token);
  const token = `tid_read_only_${Math.random().toString(36).slice(2)}_${'x'.repeat(8)}`;
  await h.store.addToken(principal?.accountId as number, token, true);
  return token;
}

/** Whether one of the header's v1a signatures verifies "id.timestamp.body" under the whpk_ key. */
function verifiesWith(publicKey: string, request: { headers: Record<string, string | string[] | undefined>; body: string }): boolean {
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url') }, format: 'jwk' });
  const content = Buffer.from(`${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`);
  return String(request.headers['webhook-signature'])
    .split(' ')
    .filter((part) => part.startsWith('v1a,'))
    .some((part) => verify(null, content, key, Buffer.from(part.slice(4), 'base64')));
}

describe('callbacks signed with Ed25519', () => {
  it('answer a whsk_ secret and its whpk_ public key, and sign messages the public key verifies', async () => {
    const created = await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook`, signing: 'ed25519' } });
    expect(created.status).toBe(201);
    const callback = created.body as { ID: string; signing: string; secret: string; publicKey: string };
    expect(callback.signing).toBe('ed25519');
    expect(callback.secret).toMatch(/^whsk_/);
    expect(callback.publicKey).toMatch(/^whpk_/);
    expect((await h.request('GET', `/v1/callback/${callback.ID}`)).body).toMatchObject({ signing: 'ed25519' });
    expect((await h.request('GET', `/v1/callback/${callback.ID}/secret`)).body).toEqual({ secret: callback.secret, publicKey: callback.publicKey, previous: [] });
    // a read-only token gets the public key (it is public), never the secret
    const readOnly = await readOnlyTokenOfFirstAccount();
    expect((await h.request('GET', `/v1/callback/${callback.ID}/secret`, { token: readOnly })).body).toEqual({ publicKey: callback.publicKey, previous: [] });

    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { a: '1' } } });
    const [first] = await receiver.waitFor(1);
    expect(String(first?.headers['webhook-signature'])).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    expect(verifiesWith(callback.publicKey, first as never)).toBe(true);

    // a rotation makes a new key pair of the same kind; both sign during the grace period
    const rotated = (await h.request('POST', `/v1/callback/${callback.ID}/secret/rotate`)).body as {
      secret: string;
      publicKey: string;
      previous: Array<{ secret: string; publicKey: string }>;
    };
    expect(rotated.secret).toMatch(/^whsk_/);
    expect(rotated.publicKey).not.toBe(callback.publicKey);
    expect(rotated.previous).toMatchObject([{ secret: callback.secret, publicKey: callback.publicKey }]);
    await h.request('PUT', '/v1/profile/1', { body: { fields: { a: '2' } } });
    const [, second] = await receiver.waitFor(2);
    expect(String(second?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifiesWith(rotated.publicKey, second as never)).toBe(true);
    expect(verifiesWith(callback.publicKey, second as never)).toBe(true);
    await eventually(async () => ((await h.request('GET', `/v1/callback/${callback.ID}/deliveries`)).body as { data: Array<{ status: string }> }).data.every((delivery) => delivery.status === 'succeeded'));
  });

  it('keep HMAC by default, with no public key, and refuse a signing they do not know', async () => {
    const created = (await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } })).body as Record<string, unknown>;
    expect(created).toMatchObject({ signing: 'hmac' });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).not.toHaveProperty('publicKey');
    // an HMAC callback's secret, or an unknown callback, is refused to a read-only token alike
    const readOnly = await readOnlyTokenOfFirstAccount();
    expect((await h.request('GET', `/v1/callback/${String(created.ID)}/secret`, { token: readOnly })).status).toBe(403);
    expect((await h.request('GET', '/v1/callback/999/secret', { token: readOnly })).status).toBe(403);
    // an ID too large to exist too: what the console asks to learn whether a token is read-only
    expect((await h.request('GET', '/v1/callback/999999999999999999/secret', { token: readOnly })).status).toBe(403);
    expect((await h.request('GET', '/v1/callback/999999999999999999/secret')).status).toBe(404);
    const unknown = await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook`, signing: 'rsa' } });
    expect(unknown.status).toBe(400);
  });
});
