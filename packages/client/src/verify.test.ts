// verifyWebhook against messages signed by the reference implementation (standardwebhooks), the
// contract's known-answer example, and every way a message can be wrong.
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import type { CallbackMessage } from './types.ts';
import { verifyWebhook, WebhookVerificationError, type VerifyWebhookOptions, type WebhookVerificationErrorCode } from './verify.ts';

const bundle = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@tidings/spec/openapi.json'), 'utf8')) as {
  components: { examples: Record<string, { value: unknown }> };
};
const example = <T>(name: string) => bundle.components.examples[name]?.value as T;

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OTHER_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
const message = example<CallbackMessage>('ProfileUpdatedMessage');
const body = JSON.stringify(message);
const now = new Date();

/** Headers as Tidings sends them, signed by the reference library. */
function signedHeaders(payload: string, options: { secrets?: string[]; id?: string; at?: Date } = {}): Record<string, string> {
  const id = options.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  const at = options.at ?? now;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': (options.secrets ?? [SECRET]).map((secret) => new Webhook(secret).sign(id, at, payload)).join(' '),
  };
}

async function failure(options: VerifyWebhookOptions): Promise<{ code: WebhookVerificationErrorCode; message: string }> {
  const error = await verifyWebhook(options).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof WebhookVerificationError)) throw new Error(`expected a WebhookVerificationError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe('verifyWebhook', () => {
  it('accepts a message signed by the reference standardwebhooks library and returns it parsed', async () => {
    expect(await verifyWebhook({ secret: SECRET, headers: signedHeaders(body), body })).toEqual(message);
  });

  it('reproduces the contract’s known-answer signature', async () => {
    const headers = {
      'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      'webhook-timestamp': '1772446800',
      'webhook-signature': 'v1,rQBbMEzwP7HMnqHUrTMU4PJi0qZG+Fy4GyHt51I6m8Q=',
    };
    expect(await verifyWebhook({ secret: SECRET, headers, body, now: new Date(1772446800_000) })).toEqual(message);
  });

  it('agrees with the reference library on what is genuine and what is not', async () => {
    const genuine = signedHeaders(body);
    const forged = { ...genuine, 'webhook-signature': new Webhook(OTHER_SECRET).sign(genuine['webhook-id'] as string, now, body) };
    const reference = new Webhook(SECRET);
    expect(reference.verify(body, genuine)).toEqual(message);
    expect(() => reference.verify(body, forged)).toThrow();
    expect((await failure({ secret: SECRET, headers: forged, body })).code).toBe('no_matching_signature');
  });

  it('accepts either secret during a rotation, when the message carries a signature for each', async () => {
    const headers = signedHeaders(body, { secrets: [OTHER_SECRET, SECRET] });
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(await verifyWebhook({ secret: SECRET, headers, body })).toEqual(message);
    expect(await verifyWebhook({ secret: OTHER_SECRET, headers, body })).toEqual(message);
    const single = signedHeaders(body, { secrets: [OTHER_SECRET] });
    expect(await verifyWebhook({ secrets: [SECRET, OTHER_SECRET], headers: single, body })).toEqual(message);
    expect((await failure({ secrets: [SECRET], headers: single, body })).code).toBe('no_matching_signature');
  });

  it('refuses a message signed more than 300 s ago or ahead, and accepts the edges', async () => {
    const at = (offset: number) => signedHeaders(body, { at: new Date(now.getTime() + offset * 1000) });
    expect(await failure({ secret: SECRET, headers: at(-301), body, now })).toMatchObject({ code: 'timestamp_too_old', message: expect.stringContaining('301 s ago') });
    expect((await failure({ secret: SECRET, headers: at(301), body, now })).code).toBe('timestamp_too_new');
    expect(await verifyWebhook({ secret: SECRET, headers: at(-300), body, now })).toEqual(message);
    expect(await verifyWebhook({ secret: SECRET, headers: at(300), body, now })).toEqual(message);
    expect(await verifyWebhook({ secret: SECRET, headers: at(-3000), body, now, toleranceSeconds: 3600 })).toEqual(message);
    expect((await failure({ secret: SECRET, headers: at(-2), body, now, toleranceSeconds: 1 })).code).toBe('timestamp_too_old');
  });

  it('refuses a timestamp that is not Unix seconds', async () => {
    for (const timestamp of ['yesterday', '1.7e9', '-5', '1772446800.5']) {
      const headers = { ...signedHeaders(body), 'webhook-timestamp': timestamp };
      expect((await failure({ secret: SECRET, headers, body })).code, timestamp).toBe('invalid_timestamp');
    }
  });

  it('names the missing headers', async () => {
    const { 'webhook-signature': _signature, 'webhook-id': _id, ...rest } = signedHeaders(body);
    expect(await failure({ secret: SECRET, headers: rest, body })).toEqual({
      code: 'missing_headers',
      message: expect.stringContaining('webhook-id, webhook-signature'),
    });
    expect((await failure({ secret: SECRET, headers: { ...signedHeaders(body), 'webhook-id': '' }, body })).code).toBe('missing_headers');
  });

  it('refuses any change to the body, the id or the timestamp after signing', async () => {
    const headers = signedHeaders(body);
    const tampered = [
      { headers, body: body.replace('Amsterdam', 'Amsterdan') },
      { headers, body: `${body} ` },
      { headers: { ...headers, 'webhook-id': 'msg_other' }, body },
      { headers: { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) }, body },
      { headers: { ...headers, 'webhook-signature': headers['webhook-signature']?.replace('v1,', 'v2,') ?? '' }, body },
      { headers: { ...headers, 'webhook-signature': 'v1,not-base64!' }, body },
    ];
    for (const attempt of tampered) expect((await failure({ secret: SECRET, ...attempt })).code).toBe('no_matching_signature');
  });

  it('reads headers from a Headers object, Node’s req.headers (arrays included) or any-case keys', async () => {
    const headers = signedHeaders(body, { secrets: [OTHER_SECRET, SECRET] });
    const [first, second] = (headers['webhook-signature'] as string).split(' ');
    expect(await verifyWebhook({ secret: SECRET, headers: new Headers(headers), body })).toEqual(message);
    const node = { ...headers, 'webhook-signature': [first as string, second as string], 'content-type': 'application/json' };
    expect(await verifyWebhook({ secret: SECRET, headers: node, body })).toEqual(message);
    const joinedByNode = { ...headers, 'webhook-signature': `${first}, ${second}` };
    expect(await verifyWebhook({ secret: SECRET, headers: joinedByNode, body })).toEqual(message);
    const capitalized = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.replace(/\b\w/g, (c) => c.toUpperCase()), value]));
    expect(await verifyWebhook({ secret: SECRET, headers: capitalized, body })).toEqual(message);
  });

  it('verifies the exact bytes, given as a string, Buffer, Uint8Array or ArrayBuffer', async () => {
    const unicode = JSON.stringify({ ...message, fields: { name: 'Zoë ☃ 𝄞', note: 'a\nb' } });
    const headers = signedHeaders(unicode);
    const bytes = Buffer.from(unicode, 'utf8');
    for (const form of [unicode, bytes, new Uint8Array(bytes), bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)]) {
      expect((await verifyWebhook({ secret: SECRET, headers, body: form })).fields).toEqual({ name: 'Zoë ☃ 𝄞', note: 'a\nb' });
    }
  });

  it('refuses a genuine signature over a body that is not a message', async () => {
    const signBytes = (payload: Uint8Array) => {
      const id = 'msg_1';
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
      const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest('base64');
      return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${mac}` };
    };
    const notUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
    expect(await failure({ secret: SECRET, headers: signBytes(notUtf8), body: notUtf8 })).toEqual({ code: 'invalid_body', message: expect.stringContaining('UTF-8') });
    for (const text of ['{"id":', '[1,2]', 'null', '<callback><id>x</id></callback>']) {
      const payload = new TextEncoder().encode(text);
      expect((await failure({ secret: SECRET, headers: signBytes(payload), body: payload })).code, text).toBe('invalid_body');
    }
  });

  it('reads an XML message into the same shape as its JSON form', async () => {
    for (const [xmlName, jsonName] of [
      ['ProfileUpdatedXmlMessage', 'ProfileUpdatedMessage'],
      ['SubprofileCreatedXmlMessage', 'SubprofileCreatedMessage'],
    ] as const) {
      const xml = example<string>(xmlName);
      const headers = { ...signedHeaders(xml), 'content-type': 'application/xml' };
      expect(await verifyWebhook({ secret: SECRET, headers, body: xml })).toEqual(example(jsonName));
      const sniffed = signedHeaders(xml);
      expect(await verifyWebhook({ secret: SECRET, headers: sniffed, body: Buffer.from(xml) })).toEqual(example(jsonName));
    }
  });

  it('treats a malformed secret or a missing one as a programming error', async () => {
    const headers = signedHeaders(body);
    await expect(verifyWebhook({ secret: 'whsec_***', headers, body })).rejects.toThrow(TypeError);
    await expect(verifyWebhook({ secret: '', headers, body })).rejects.toThrow(TypeError);
    await expect(verifyWebhook({ secrets: [], headers, body })).rejects.toThrow(TypeError);
  });
});

describe('verifyWebhook in a Hono app, as the README shows it', () => {
  const app = new Hono<{ Bindings: { TIDINGS_WEBHOOK_SECRET: string } }>();
  const seen: CallbackMessage[] = [];
  app.post('/hooks/tidings', async (c) => {
    try {
      const message = await verifyWebhook({
        secret: c.env.TIDINGS_WEBHOOK_SECRET,
        headers: c.req.raw.headers,
        body: await c.req.arrayBuffer(),
      });
      seen.push(message);
      return c.body(null, 204);
    } catch (error) {
      if (error instanceof WebhookVerificationError) return c.text(error.code, 400);
      throw error;
    }
  });
  const env = { TIDINGS_WEBHOOK_SECRET: SECRET };

  it('accepts a signed message and refuses a forged one with the code', async () => {
    const accepted = await app.request('/hooks/tidings', { method: 'POST', headers: signedHeaders(body), body }, env);
    expect(accepted.status).toBe(204);
    expect(seen).toEqual([message]);
    const forged = await app.request('/hooks/tidings', { method: 'POST', headers: signedHeaders(body, { secrets: [OTHER_SECRET] }), body }, env);
    expect([forged.status, await forged.text()]).toEqual([400, 'no_matching_signature']);
  });
});

describe('verifyWebhook with Ed25519 (v1a) public keys', () => {
  const pair = () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    return { privateKey, publicKey: `whpk_${raw.toString('base64')}` };
  };
  const v1aHeaders = (privateKey: KeyObject, payload: string, id = 'msg_ed25519') => {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const signature = sign(null, Buffer.from(`${id}.${timestamp}.${payload}`), privateKey).toString('base64');
    return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1a,${signature}`, 'content-type': 'application/json' };
  };

  it('accepts a message whose v1a signature the whpk_ public key verifies', async () => {
    const { privateKey, publicKey } = pair();
    expect(await verifyWebhook({ secret: publicKey, headers: v1aHeaders(privateKey, body), body, now })).toEqual(message);
  });

  it('refuses another key, a changed body, and v1 signatures for a public key', async () => {
    const { privateKey } = pair();
    const other = pair();
    await expect(verifyWebhook({ secret: other.publicKey, headers: v1aHeaders(privateKey, body), body, now })).rejects.toMatchObject({ code: 'no_matching_signature' });
    const mine = pair();
    await expect(verifyWebhook({ secret: mine.publicKey, headers: v1aHeaders(mine.privateKey, body), body: body.replace('Amsterdam', 'Rotterdam'), now })).rejects.toMatchObject({
      code: 'no_matching_signature',
    });
    await expect(verifyWebhook({ secret: mine.publicKey, headers: signedHeaders(body), body, now })).rejects.toMatchObject({ code: 'no_matching_signature' });
  });

  it('accepts either kind during a switch, and turns a private key away as a mistake', async () => {
    const { privateKey, publicKey } = pair();
    expect(await verifyWebhook({ secrets: [SECRET, publicKey], headers: v1aHeaders(privateKey, body), body, now })).toEqual(message);
    await expect(verifyWebhook({ secret: 'whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', headers: signedHeaders(body), body, now })).rejects.toThrow(TypeError);
  });
});
