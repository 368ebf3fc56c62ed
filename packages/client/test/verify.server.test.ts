// End to end: the real server delivers to a receiver on 127.0.0.1 whose HTTP handler verifies each
// message with verifyWebhook and the secret from the create-callback answer — JSON and XML alike,
// and through a secret rotation.
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTidingsClient, verifyWebhook, type CallbackMessage, type TidingsClient } from '../src/index.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';
import { startServer, type RunningTarget } from './support/targets.ts';

interface Delivered {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  message: CallbackMessage;
}

let server: RunningTarget;
let receiver: Receiver;
let client: TidingsClient;
const secrets = new Map<string, string[]>();
const delivered: Delivered[] = [];
const refused: string[] = [];

async function waitForMessages(path: string, count: number): Promise<Delivered[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = delivered.filter((entry) => entry.path === path);
    if (found.length >= count) return found;
    if (refused.length > 0) throw new Error(`the receiver refused: ${refused.join('; ')}`);
    if (Date.now() > deadline) throw new Error(`expected ${count} messages on ${path}, got ${found.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function data<T>(answer: { data?: T; error?: unknown }): T {
  if (answer.data === undefined) throw new Error(`the API answered an error: ${JSON.stringify(answer.error)}`);
  return answer.data;
}

beforeAll(async () => {
  server = await startServer();
  client = createTidingsClient({ baseUrl: server.baseUrl, accessToken: server.token });
  receiver = await startReceiver(async (request, body, response) => {
    const path = request.url ?? '/';
    try {
      // What a consumer's handler does: the raw body, Node's headers, the callback's secret.
      const message = await verifyWebhook({ secrets: secrets.get(path) ?? [], headers: request.headers, body });
      delivered.push({ path, headers: request.headers, body, message });
      response.writeHead(204).end();
    } catch (error) {
      refused.push(`${path}: ${String(error)}`);
      response.writeHead(400).end();
    }
  });
});

afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

async function register(parent: { databaseID: string } | { collectionID: string }, path: string, method: 'json' | 'xml') {
  const body = { url: `${receiver.url}${path}`, method };
  const callback =
    'databaseID' in parent
      ? data(await client.POST('/database/{databaseID}/callbacks', { params: { path: parent }, body }))
      : data(await client.POST('/collection/{collectionID}/callbacks', { params: { path: parent }, body }));
  secrets.set(path, [callback.secret]);
  return callback;
}

describe('messages from the real server', () => {
  it('verify in an HTTP handler, and the XML form reads into exactly the JSON message', async () => {
    const database = data(await client.POST('/databases', { body: { name: 'customers' } }));
    const collection = data(await client.POST('/database/{databaseID}/collections', { params: { path: { databaseID: database.ID } }, body: { name: 'orders' } }));
    await register({ databaseID: database.ID }, '/profiles.json', 'json');
    await register({ databaseID: database.ID }, '/profiles.xml', 'xml');
    await register({ collectionID: collection.ID }, '/orders.json', 'json');
    await register({ collectionID: collection.ID }, '/orders.xml', 'xml');

    // Field names and values that XML cannot carry as they are.
    const fields = JSON.parse(
      '{"email":"jane@example.com","Naam & \\"bijnaam\\"":"<Jane> & \'Janet\'","lines":"one\\ntwo\\r\\nthree\\tfour",' +
        '"unicode":"Zoë ☃ 𝄞","empty":"","__proto__":"a field, not a prototype","012":"007"}',
    ) as Record<string, string>;
    const profile = data(await client.POST('/database/{databaseID}/profiles', { params: { path: { databaseID: database.ID } }, body: { fields, interests: ['news & offers'] } }));
    await client.PUT('/profile/{profileID}', { params: { path: { profileID: profile.ID } }, body: { fields: { lines: 'just one', empty: 'filled' } } });
    await client.POST('/profile/{profileID}/subprofiles/{collectionID}', {
      params: { path: { profileID: profile.ID, collectionID: collection.ID } },
      body: { fields: { product: 'MacBook <Pro>', amount: '1299' } },
    });
    await client.DELETE('/profile/{profileID}', { params: { path: { profileID: profile.ID } } });

    const json = await waitForMessages('/profiles.json', 3);
    const xml = await waitForMessages('/profiles.xml', 3);
    const ordersJson = await waitForMessages('/orders.json', 2);
    const ordersXml = await waitForMessages('/orders.xml', 2);
    expect(refused).toEqual([]);

    expect(json.map((entry) => entry.message.action).sort()).toEqual(['create', 'delete', 'update']);
    const created = json.find((entry) => entry.message.action === 'create')?.message;
    expect(created).toMatchObject({ type: 'profile', profile: profile.ID, database: database.ID, collection: null, previous: null, interests: ['news & offers'] });
    expect(Object.entries(created?.fields ?? {})).toEqual(expect.arrayContaining(Object.entries(fields)));
    const updated = json.find((entry) => entry.message.action === 'update')?.message;
    expect(updated?.previous).toEqual({ lines: 'one\ntwo\r\nthree\tfour', empty: '' });

    for (const [jsonSide, xmlSide] of [
      [json, xml],
      [ordersJson, ordersXml],
    ] as const) {
      for (const entry of xmlSide) {
        expect(entry.headers['content-type']).toMatch(/^application\/xml/);
        expect(entry.body.toString()).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><callback>/);
        const twin = jsonSide.find((candidate) => candidate.message.id === entry.message.id);
        expect(entry.message).toEqual(twin?.message);
      }
    }
    expect(ordersXml.map((entry) => entry.message)).toContainEqual(
      expect.objectContaining({ type: 'subprofile', action: 'create', collection: collection.ID, fields: { product: 'MacBook <Pro>', amount: '1299' } }),
    );
    for (const entry of [...json, ...xml]) {
      expect(entry.headers['user-agent']).toMatch(/^Tidings\//);
      expect(entry.headers['webhook-id']).toEqual(expect.any(String));
    }
  });

  it('keep verifying with the old or the new secret during a rotation', async () => {
    const database = data(await client.POST('/databases', { body: { name: 'rotation' } }));
    const callback = await register({ databaseID: database.ID }, '/rotating', 'xml');
    const rotated = data(await client.POST('/callback/{callbackID}/secret/rotate', { params: { path: { callbackID: callback.ID } } }));
    expect(rotated.previous.map((previous) => previous.secret)).toEqual([callback.secret]);
    // a token that may write gets the secret itself (only a read-only one gets public keys alone)
    if (rotated.secret === undefined) throw new Error('the rotation answered no secret');
    secrets.set('/rotating', [rotated.secret]);
    await client.POST('/callback/{callbackID}/test', { params: { path: { callbackID: callback.ID } } });

    const [test] = await waitForMessages('/rotating', 1);
    expect(test?.message).toMatchObject({ type: 'test', action: 'test', profile: null, created: null });
    expect(String(test?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [callback.secret, rotated.secret] as const) {
      expect(await verifyWebhook({ secret, headers: test?.headers ?? {}, body: test?.body ?? '' })).toEqual(test?.message);
    }
  });
});
