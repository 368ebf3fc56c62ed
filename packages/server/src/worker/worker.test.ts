import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallbackMessage } from '@tidings/spec';
import { formatTimestamp } from '../clock.ts';
import { compileSchema } from '../http/contract.ts';
import { checker, createHarness, sandbox, type Harness } from '../../test/support/harness.ts';
import { answer, eventually, startReceiver, type Receiver } from '../../test/support/receiver.ts';

const validateMessage = compileSchema(checker.contract.ajv, { $ref: '#/components/schemas/CallbackMessage' });

let h: Harness;
let receiver: Receiver;

beforeEach(async () => {
  h = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8' }, { clockStart: Date.now() });
  receiver = await startReceiver();
  await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
  await h.request('POST', '/v1/database/1/collections', { body: { name: 'orders' } });
});

afterEach(async () => {
  await h.close();
  await receiver.close();
});

async function createCallback(scope: string, body: Record<string, unknown>): Promise<{ ID: string; secret: string }> {
  const response = await h.request('POST', `/v1/${scope}/callbacks`, { body: { url: `${receiver.url}/hook`, ...body } });
  expect(response.status, response.text).toBe(201);
  return response.body as { ID: string; secret: string };
}

function message(index: number): CallbackMessage {
  const body = JSON.parse(receiver.requests[index]?.body ?? 'null') as CallbackMessage;
  if (!validateMessage(body)) throw new Error(`message breaks the contract: ${JSON.stringify(validateMessage.errors)}`);
  return body;
}

async function deliveries(callbackId: string) {
  return (await h.request('GET', `/v1/callback/${callbackId}/deliveries`)).body as {
    data: Array<{ ID: string; status: string; attempts: number; webhookId: string; nextAttempt: string | null; lastStatusCode: number | null }>;
  };
}

/** The IDs of the deliveries the store's claims hand out from now on, in order (a claim made in a change's own transaction aside). */
function claimedByClaims(): number[] {
  const ids: number[] = [];
  const claim = h.store.claimDueDeliveries.bind(h.store);
  h.store.claimDueDeliveries = async (...args) => {
    const batch = await claim(...args);
    ids.push(...batch.map((delivery) => delivery.id));
    return batch;
  };
  return ids;
}

/**
 * Four answers that asked to slow down, a second apart, recorded as the worker records them (before it
 * starts): the callback's rate is at its floor, one message in 10 s.
 */
async function slowedToTheFloor(callbackId: string): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const claimed = await h.store.claimDueDeliveries(100, 60_000, 100);
    await h.store.recordAttempts(
      claimed.map((delivery) => ({
        deliveryId: delivery.id,
        leaseUntil: delivery.leaseUntil,
        callbackId: delivery.callback.id,
        sent: true,
        attempt: { time: formatTimestamp(h.clock.now()), statusCode: 429, durationMs: 3, error: null, response: null },
        status: 'exhausted' as const,
        nextAttemptAt: null,
        disableCallback: null,
        throttle: { slowDown: true, succeeded: false, pauseUntil: null, unanswered: false, answeredAgain: false },
      })),
    );
    h.clock.advance(1_100);
  }
  expect(((await h.request('GET', `/v1/callback/${callbackId}`)).body as { throttle: { rate: number } }).throttle.rate).toBe(0.1);
}

/**
 * Until the worker is done with its attempts: an outcome shows in the API once it is recorded, and its
 * signal to the callback's rate and breaker (a pause after no answer, say) is applied just after. A
 * test that moves the clock before then has that signal read the later time (a CI run on PostgreSQL
 * once paused a callback past the test's end this way).
 */
function idle(worker: { inFlight: number }): Promise<true> {
  return eventually(() => worker.inFlight === 0);
}

describe('delivering changes', () => {
  it('sends profile create, update and delete to a database callback, signed per Standard Webhooks', async () => {
    const callback = await createCallback('database/1', {});
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { email: 'jane@example.com', city: 'Utrecht' }, interests: ['news'] } });
    await h.request('PUT', '/v1/profile/1', { body: { fields: { city: 'Amsterdam' } } });
    await h.request('DELETE', '/v1/profile/1');
    await receiver.waitFor(3);
    const byAction = Object.fromEntries(receiver.requests.map((request, index) => [message(index).action, { request, message: message(index) }]));
    expect(byAction.create?.message).toMatchObject({ type: 'profile', database: '1', profile: '1', collection: null, subprofile: null, previous: null, interests: ['news'] });
    expect(byAction.update?.message).toMatchObject({ fields: { email: 'jane@example.com', city: 'Amsterdam' }, previous: { city: 'Utrecht' } });
    expect(byAction.delete?.message).toMatchObject({ fields: { email: 'jane@example.com', city: 'Amsterdam' }, previous: null });
    const webhook = new Webhook(callback.secret);
    for (const request of receiver.requests) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['user-agent']).toBe('Tidings/0.0.0-test');
      expect(webhook.verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(request.body));
    }
    await eventually(async () => (await deliveries(callback.ID)).data.every((delivery) => delivery.status === 'succeeded'));
  });

  it('sends subprofile changes to collection callbacks only, as well-formed XML', async () => {
    await createCallback('database/1', { action: 'create' });
    const collection = await createCallback('collection/1', { method: 'xml' });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple' } } });
    await h.request('POST', '/v1/profile/1/subprofiles/1', { body: { fields: { product: 'MacBook', 'odd <name> & "quotes"': '<script>&amp;\u0001' } } });
    await receiver.waitFor(2);
    const xmlRequest = receiver.requests.find((request) => request.headers['content-type'] === 'application/xml');
    expect(xmlRequest).toBeDefined();
    expect(XMLValidator.validate(xmlRequest!.body)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xmlRequest!.body) as {
      callback: { type: string; action: string; collection: number; fields: { field: Array<{ name: string; '#text': string }> } };
    };
    expect(parsed.callback).toMatchObject({ type: 'subprofile', action: 'create', collection: 1 });
    expect(parsed.callback.fields.field).toEqual(
      expect.arrayContaining([{ name: 'odd <name> & "quotes"', '#text': '<script>&amp;\uFFFD' }]),
    );
    expect(new Webhook(collection.secret).verify(xmlRequest!.body, xmlRequest!.headers as Record<string, string>, { jsonParse: false })).toBeUndefined();
  });

  it('filters by action and by expression, with fields as variables', async () => {
    const updates = await createCallback('database/1', { action: 'update' });
    const apple = await createCallback('database/1', { expression: "company == 'Apple' && previous == null" });
    const moved = await createCallback('database/1', { expression: "action == 'update' && previous.city == 'Utrecht' && interests.includes('news')" });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple', city: 'Utrecht' }, interests: ['news'] } });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Pear' } } });
    await h.request('PUT', '/v1/profile/1', { body: { fields: { city: 'Amsterdam' } } });
    await receiver.waitFor(3);
    await eventually(async () => {
      const all = await Promise.all([updates, apple, moved].map(async (callback) => (await deliveries(callback.ID)).data));
      return all.flat().every((delivery) => delivery.status === 'succeeded') && all;
    });
    expect((await deliveries(updates.ID)).data).toHaveLength(1);
    expect((await deliveries(apple.ID)).data).toHaveLength(1);
    expect((await deliveries(moved.ID)).data).toHaveLength(1);
    expect(receiver.requests).toHaveLength(3);
  });

  it('records an expression that throws as skipped, sending nothing', async () => {
    const callback = await createCallback('database/1', { expression: 'fields.missing.deeper == 1' });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    const skipped = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'skipped'));
    const detail = (await h.request('GET', `/v1/delivery/${skipped.ID}`)).body as { attemptLog: Array<{ error: string }>; attempts: number };
    expect(detail.attempts).toBe(0);
    expect(detail.attemptLog[0]?.error).toMatch(/^not sent: the expression failed: TypeError/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('benches the expression of a callback that keeps running out of time, and only that callback', async () => {
    const looping = await createCallback('database/1', { expression: '(() => { while (true) {} })()' });
    // a call sends it to the sandbox's thread too, where the looping one runs
    const healthy = await createCallback('database/1', { expression: "company.startsWith('App')" });
    h.startWorker();
    const errors = async () =>
      Promise.all(
        (await deliveries(looping.ID)).data.map(async (delivery) => {
          const detail = (await h.request('GET', `/v1/delivery/${delivery.ID}`)).body as { attemptLog: Array<{ error: string }> };
          return detail.attemptLog[0]?.error ?? '';
        }),
      );
    for (let n = 1; n <= 4; n++) {
      await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple' } } });
      await eventually(async () => (await errors()).filter((error) => error !== '').length === n);
    }
    // newest first: three time-outs, then skipped without running
    const [fourth, ...first] = await errors();
    expect(first).toEqual(Array(3).fill('not sent: the expression failed: expression exceeded its time limit'));
    expect(fourth).toMatch(/^not sent: the expression failed: expression skipped: it ran out of time 3 times in a row, and is evaluated again in 10 s$/);
    // the other callback's messages all went out (the looping one sends nothing)
    // (an answer arrives before its attempt is recorded: wait for the records)
    await eventually(async () => {
      const statuses = (await deliveries(healthy.ID)).data.map((delivery) => delivery.status);
      return statuses.length === 4 && statuses.every((status) => status === 'succeeded');
    });
    expect((await deliveries(healthy.ID)).data.map((delivery) => delivery.status)).toEqual(Array(4).fill('succeeded'));
    expect(receiver.requests).toHaveLength(4);
  });

  it('sends nothing to disabled callbacks, and keeps what they missed', async () => {
    const disabled = await createCallback('database/1', { disabled: true });
    await createCallback('database/1', {});
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: {} } });
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    expect((await deliveries(disabled.ID)).data.map((delivery) => delivery.status)).toEqual(['missed']);
  });
});

describe('retries', () => {
  it('retries on the schedule with the same webhook-id, and logs every attempt', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond((_request, index, response) => {
      response.writeHead(index < 2 ? 500 : 200);
      response.end(index < 2 ? 'down for maintenance' : 'ok');
    });
    const worker = h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { a: '1' } } });
    await receiver.waitFor(1);
    const first = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'failed'));
    expect(first).toMatchObject({ attempts: 1, lastStatusCode: 500 });
    await idle(worker);
    h.clock.advance(5_000);
    worker.wake();
    await receiver.waitFor(2);
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.attempts === 2);
    await idle(worker);
    h.clock.advance(300_000);
    worker.wake();
    await receiver.waitFor(3);
    const done = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'succeeded'));
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id']))).toEqual(new Set([done.webhookId]));
    const detail = (await h.request('GET', `/v1/delivery/${done.ID}`)).body as { attemptLog: Array<{ statusCode: number; response: string }> };
    expect(detail.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    expect(detail.attemptLog[0]?.response).toBe('down for maintenance');
  });

  it('does not retry before the schedule says so', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond(answer(503));
    const worker = h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'failed');
    await idle(worker);
    h.clock.advance(4_900);
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
  });

  it('honours Retry-After by postponing, never by hurrying', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond(answer(429, '', { 'retry-after': '120' }));
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const failed = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'failed'));
    const now = new Date(h.clock.now() + 120_000).toISOString().slice(0, 19).replace('T', ' ');
    expect(failed.nextAttempt).toBe(now);
  });

  it('marks a delivery exhausted after the last attempt, and a retry by hand sends it again', async () => {
    const limited = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '0,1' }, { clockStart: Date.now() });
    try {
      await limited.request('POST', '/v1/databases', { body: { name: 'x' } });
      await limited.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } });
      receiver.respond(answer(500));
      const worker = limited.startWorker();
      const list = async () => ((await limited.request('GET', '/v1/callback/1/deliveries')).body as { data: Array<{ status: string; attempts: number; nextAttempt: string | null }> }).data;
      await limited.request('POST', '/v1/database/1/profiles', { body: {} });
      await eventually(async () => (await list())[0]?.status === 'failed');
      await idle(worker);
      limited.clock.advance(1_000);
      worker.wake();
      await receiver.waitFor(2);
      await eventually(async () => (await list())[0]?.status === 'exhausted');
      expect((await list())[0]).toMatchObject({ attempts: 2, nextAttempt: null });
      receiver.respond(answer(204));
      expect((await limited.request('POST', '/v1/delivery/1/retry')).status).toBe(202);
      await receiver.waitFor(3);
      await eventually(async () => (await list())[0]?.status === 'succeeded');
      expect((await list())[0]?.attempts).toBe(3);
    } finally {
      await limited.close();
    }
  });

  it('disables the callback after 410 Gone, and re-enabling it works', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond(answer(410));
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(async () => ((await h.request('GET', `/v1/callback/${callback.ID}`)).body as { disabled: boolean }).disabled);
    const disabled = (await h.request('GET', `/v1/callback/${callback.ID}`)).body as { disabledReason: string };
    expect(disabled.disabledReason).toMatch(/410 Gone/);
    expect((await deliveries(callback.ID)).data[0]).toMatchObject({ status: 'exhausted', lastStatusCode: 410 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    receiver.respond(answer(200));
    const enabled = await h.request('PUT', `/v1/callback/${callback.ID}`, { body: { disabled: false } });
    expect(enabled.body).toMatchObject({ disabled: false, disabledReason: null });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(2);
  });

  it('disables a callback whose every attempt failed for 5 days', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond(answer(500));
    const worker = h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'failed');
    h.clock.advance(5 * 86400_000);
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    worker.wake();
    await eventually(async () => ((await h.request('GET', `/v1/callback/${callback.ID}`)).body as { disabled: boolean }).disabled);
    const body = (await h.request('GET', `/v1/callback/${callback.ID}`)).body as { disabledReason: string };
    expect(body.disabledReason).toMatch(/failed for 5 days/);
  });

  it('does not disable a callback for a failure that was in flight when a success ended its failing spell', async () => {
    const callback = await createCallback('database/1', {});
    let releaseSlow: () => void = () => undefined;
    receiver.respond((request, _index, response) => {
      const { step } = (JSON.parse(request.body) as CallbackMessage).fields;
      if (step === 'slow') releaseSlow = () => response.writeHead(500).end();
      else response.writeHead(step === 'ok' ? 200 : 500).end();
    });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { step: 'fail' } } });
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'failed');
    h.clock.advance(5 * 86400_000 - 1_000);
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { step: 'slow' } } });
    const slow = await eventually(() => receiver.requests.find((request) => (JSON.parse(request.body) as CallbackMessage).fields.step === 'slow'));
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { step: 'ok' } } });
    await eventually(async () => (await deliveries(callback.ID)).data.some((delivery) => delivery.status === 'succeeded'));
    // 5 days and a second after the first failure, but the success came in between
    h.clock.advance(2_000);
    releaseSlow();
    await eventually(async () =>
      (await deliveries(callback.ID)).data.some((delivery) => delivery.webhookId === slow.headers['webhook-id'] && delivery.attempts === 1),
    );
    expect(((await h.request('GET', `/v1/callback/${callback.ID}`)).body as { disabled: boolean }).disabled).toBe(false);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond(answer(302, '', { location: `${receiver.url}/elsewhere` }));
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const failed = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'failed'));
    const detail = (await h.request('GET', `/v1/delivery/${failed.ID}`)).body as { attemptLog: Array<{ statusCode: number; error: string }> };
    expect(detail.attemptLog[0]).toMatchObject({ statusCode: 302, error: expect.stringMatching(/redirects are not followed/) });
    expect(receiver.requests.map((request) => request.path)).toEqual(['/hook']);
  });

  it('gives up on a receiver that does not answer in time, and keeps only 4 KB of what answers do say', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond((_request, index, response) => {
      if (index === 0) return; // never answers
      response.writeHead(500);
      response.end('x'.repeat(100_000));
    });
    const worker = h.startWorker({ deliveryTimeoutMs: 300 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const failed = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'failed'));
    let detail = (await h.request('GET', `/v1/delivery/${failed.ID}`)).body as { attemptLog: Array<{ statusCode: number | null; error: string | null; response: string | null }> };
    expect(detail.attemptLog[0]).toMatchObject({ statusCode: null, error: 'no answer within 300 ms' });
    await idle(worker);
    h.clock.advance(5_000);
    worker.wake();
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.attempts === 2);
    detail = (await h.request('GET', `/v1/delivery/${failed.ID}`)).body as typeof detail;
    expect(detail.attemptLog[1]?.response).toHaveLength(4096);
  });

  it('keeps the connection after an answer exactly as long as what it keeps, for the next message', async () => {
    const callback = await createCallback('database/1', {});
    const ports: number[] = [];
    receiver.respond((_request, _index, response) => {
      ports.push(response.socket?.remotePort ?? -1);
      // in two parts, so that the last one completes the answer as it reaches the cap
      response.writeHead(200, { 'content-length': '4096' });
      response.write('y'.repeat(2048), () => setTimeout(() => response.end('y'.repeat(2048)), 30));
    });
    h.startWorker();
    const succeeded = async (count: number) =>
      (await deliveries(callback.ID)).data.filter((delivery) => delivery.status === 'succeeded').length === count;
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(() => succeeded(1));
    await h.request('PUT', '/v1/profile/1', { body: { fields: { step: '1' } } });
    await eventually(() => succeeded(2));
    // read to its end, not cut off: the second message went over the first one's connection
    expect(ports).toHaveLength(2);
    expect(ports[1]).toBe(ports[0]);
    const [latest] = (await deliveries(callback.ID)).data;
    const detail = (await h.request('GET', `/v1/delivery/${latest?.ID}`)).body as { attemptLog: Array<{ response: string | null }> };
    expect(detail.attemptLog[0]?.response).toHaveLength(4096);
  });

  it('counts an answer that breaks off after its status line, keeping what arrived of it', async () => {
    const callback = await createCallback('database/1', {});
    receiver.respond((_request, _index, response) => {
      // promises 100 bytes, sends 7, then the connection drops
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial', () => setTimeout(() => response.socket?.destroy(), 20));
    });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const delivered = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'succeeded'));
    const detail = (await h.request('GET', `/v1/delivery/${delivered.ID}`)).body as { attemptLog: Array<{ statusCode: number | null; error: string | null; response: string | null }> };
    expect(detail.attemptLog).toEqual([expect.objectContaining({ statusCode: 200, error: null, response: 'partial' })]);
  });
});

describe('ordering, test messages, rotation and the SSRF guard', () => {
  it('delivers the events of one profile in commit order with ordering:"profile"', async () => {
    const callback = await createCallback('database/1', { ordering: 'profile' });
    receiver.respond((_request, index, response) => {
      response.writeHead(index === 0 ? 500 : 200);
      response.end();
    });
    const worker = h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { step: '0' } } });
    for (let step = 1; step <= 3; step++) await h.request('PUT', '/v1/profile/1', { body: { fields: { step: String(step) } } });
    await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
    await idle(worker);
    h.clock.advance(5_000);
    worker.wake();
    await receiver.waitFor(5);
    expect(receiver.requests.map((_request, index) => message(index).fields.step)).toEqual(['0', '0', '1', '2', '3']);
    await eventually(async () => (await deliveries(callback.ID)).data.every((delivery) => delivery.status === 'succeeded'));
  });

  it('sends a test message on demand, logged like any delivery', async () => {
    const callback = await createCallback('collection/1', {});
    h.startWorker();
    const queued = await h.request('POST', `/v1/callback/${callback.ID}/test`);
    expect(queued.status).toBe(202);
    await receiver.waitFor(1);
    expect(message(0)).toMatchObject({ type: 'test', action: 'test', database: '1', collection: '1', profile: null });
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'succeeded');
  });

  it('signs with both secrets during a rotation', async () => {
    const callback = await createCallback('database/1', {});
    const rotated = (await h.request('POST', `/v1/callback/${callback.ID}/secret/rotate`)).body as { secret: string };
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const [request] = await receiver.waitFor(1);
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [callback.secret, rotated.secret]) {
      expect(() => new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).not.toThrow();
    }
  });

  it('refuses at connect time a host name that resolves to loopback, sending nothing', async () => {
    const callback = (
      await h.request('POST', '/v1/database/1/callbacks', { body: { url: `http://receiver.example.org:${receiver.port}/hook` } })
    ).body as { ID: string };
    h.startWorker({ allowedNetworks: '', lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    const failed = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'failed'));
    const detail = (await h.request('GET', `/v1/delivery/${failed.ID}`)).body as { attemptLog: Array<{ error: string }> };
    expect(detail.attemptLog[0]?.error).toMatch(/refused to connect to 127\.0\.0\.1/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('keeps one slow receiver from taking every slot', async () => {
    const slow = await startReceiver();
    try {
      slow.respond(() => undefined);
      const stuck = (await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${slow.url}/slow` } })).body as { ID: string };
      await createCallback('database/1', {});
      h.startWorker({ concurrency: 8, deliveryTimeoutMs: 5_000 });
      for (let i = 0; i < 12; i++) await h.request('POST', '/v1/database/1/profiles', { body: {} });
      await receiver.waitFor(12, 3_000);
      expect(slow.requests.length).toBeLessThanOrEqual(2);
      expect((await deliveries(stuck.ID)).data.length).toBe(12);
    } finally {
      await slow.close();
    }
  });
});

describe('a backlog', () => {
  it('of a receiver that does not answer does not hold back the deliveries of another callback', async () => {
    const slow = await startReceiver();
    try {
      slow.respond(() => undefined);
      const stuck = (await h.request('POST', '/v1/database/1/callbacks', { body: { url: `${slow.url}/slow` } })).body as { ID: string };
      // more due deliveries ahead of the others than a claim passes over or scans
      for (let i = 0; i < 250; i++) await h.request('POST', '/v1/database/1/profiles', { body: {} });
      h.startWorker({ concurrency: 8, deliveryTimeoutMs: 10_000 });
      await slow.waitFor(2, 3_000);
      await createCallback('database/1', {});
      for (let i = 1; i <= 5; i++) await h.request('PUT', `/v1/profile/${i}`, { body: { fields: { n: String(i) } } });
      await receiver.waitFor(5, 3_000);
      expect(receiver.requests.map((request) => (JSON.parse(request.body) as CallbackMessage).profile).sort()).toEqual(['1', '2', '3', '4', '5']);
      // two slots of eight at most for the slow one, and its backlog all still queued
      expect(slow.requests.length).toBe(2);
      expect((await h.request('GET', `/v1/callback/${stuck.ID}/deliveries?limit=1`)).body).toMatchObject({ total: 255 });
    } finally {
      await slow.close();
    }
  });
});

describe('a parked backlog left without a probe', () => {
  it('gets one back from a running worker once the pause has been over for a lease and a minute, and not before', async () => {
    const callback = await createCallback('database/1', {});
    // a worker that is gone now: five unanswered attempts trip the breaker and park four of them; the
    // probe's last attempt is recorded, and that worker died before it made the next one due
    for (let i = 0; i < 5; i++) expect((await h.request('POST', '/v1/database/1/profiles', { body: {} })).status).toBe(201);
    const gone = await h.store.claimDueDeliveries(100, 60_000, 100);
    const outcome = (due: (typeof gone)[number], status: 'failed' | 'exhausted', unanswered: boolean) => ({
      deliveryId: due.id,
      leaseUntil: due.leaseUntil,
      callbackId: due.callback.id,
      sent: true,
      attempt: { time: formatTimestamp(h.clock.now()), statusCode: null, durationMs: 3, error: 'connection refused', response: null },
      status,
      nextAttemptAt: status === 'failed' ? h.clock.now() + 1_000 : null,
      disableCallback: null,
      throttle: unanswered ? { slowDown: false, succeeded: false, pauseUntil: null, unanswered: true, answeredAgain: false } : null,
    });
    await h.store.recordAttempts(gone.map((due) => outcome(due, 'failed', true)));
    h.clock.advance(5_000);
    const [probe] = await h.store.claimDueDeliveries(100, 60_000, 100);
    await h.store.recordAttempts([outcome(probe!, 'exhausted', false)]);
    expect((await h.store.queueDepth()).parked).toBe(4);

    // the worker's lease is the attempt time limit (15 s) and 10 s: the backlog is seen to after 85 s
    const worker = h.startWorker({ pollIntervalMs: 20 });
    h.clock.advance(60_000);
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(0);
    expect((await h.store.queueDepth()).parked).toBe(4);

    // a minute after that look, the worker looks again: the probe it makes due is answered, and that
    // answer releases the rest
    h.clock.advance(60_000);
    worker.wake();
    await receiver.waitFor(4, 5_000);
    const statuses = async () => (await deliveries(callback.ID)).data.map((delivery) => delivery.status).sort();
    await eventually(async () => !(await statuses()).includes('failed'));
    expect(await statuses()).toEqual(['exhausted', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(receiver.requests).toHaveLength(4);
    expect((await h.store.queueDepth()).parked).toBe(0);
  });
});

describe('claims', () => {
  const noPoll = 3_600_000;
  /** claims of both kinds: made alone, and made in the transaction of the change (the embedded store) */
  function countClaims(): { count: number; joined: number } {
    const counter = { count: 0, joined: 0 };
    const claim = h.store.claimDueDeliveries.bind(h.store);
    h.store.claimDueDeliveries = (...args) => {
      counter.count++;
      return claim(...args);
    };
    const joinClaims = h.store.joinClaims.bind(h.store);
    h.store.joinClaims = (request) =>
      joinClaims(() => {
        const joined = request();
        if (joined !== null) {
          counter.count++;
          counter.joined++;
        }
        return joined;
      });
    return counter;
  }

  it('follow a finished attempt only while deliveries were left behind, and none are then left waiting for the poll', async () => {
    await createCallback('database/1', {});
    const claims = countClaims();
    // one slot per callback (a quarter of two): five of six deliveries wait for the one before
    h.startWorker({ concurrency: 2, pollIntervalMs: noPoll });
    for (let i = 0; i < 6; i++) await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(6, 3_000);
    await eventually(async () => (await deliveries('1')).data.every((delivery) => delivery.status === 'succeeded'));
    // the last of those left deliveries behind when it was claimed: the claim its finished attempt
    // wakes (which finds nothing) may still be on its way; it belongs to this part, not to the next
    await new Promise((resolve) => setTimeout(resolve, 200));
    // one change at a time: one claim each (in the change's own transaction on the embedded store),
    // none after its finished attempt
    claims.count = 0;
    claims.joined = 0;
    for (let i = 1; i <= 3; i++) {
      await h.request('PUT', `/v1/profile/${i}`, { body: { fields: { n: String(i) } } });
      await receiver.waitFor(6 + i, 3_000);
      await eventually(async () => (await deliveries('1')).data.every((delivery) => delivery.status === 'succeeded'));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(claims.count).toBe(3);
    expect(claims.joined).toBe(h.store.dialect === 'sqlite' ? 3 : 0);
  });

  it('take a change for a callback with no free slot as soon as a slot frees, without waiting for the poll', async () => {
    await createCallback('database/1', {});
    const answers: Array<() => void> = [];
    receiver.respond((_request, _index, response) => {
      answers.push(() => response.end('ok'));
    });
    // one slot per callback (a quarter of four), busy with the first message when the second commits
    h.startWorker({ concurrency: 4, pollIntervalMs: noPoll });
    // past the claim of start-up: the first message's claim is the last one made
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    answers[0]?.();
    await receiver.waitFor(2, 3_000);
    answers[1]?.();
    await eventually(async () => (await deliveries('1')).data.every((delivery) => delivery.status === 'succeeded'));
  });

  it('make no claim after a send for a callback held until its far-off slot: its timer claims it then', async () => {
    const held = await createCallback('database/1', { rateLimit: 1, url: `${receiver.url}/held` });
    // the held callback's receiver asks to slow down (its rate stays at the floor); the other answers
    receiver.respond((request, _index, response) => {
      response.writeHead(request.path === '/held' ? 429 : 200).end();
    });
    await slowedToTheFloor(held.ID);
    await createCallback('database/1', { url: `${receiver.url}/free` });
    const claims = countClaims();
    const worker = h.startWorker({ pollIntervalMs: noPoll });
    const sentTo = (path: string) => receiver.requests.filter((request) => request.path === path).length;
    // the held callback's first message goes, its second finds its slot 10 s off and waits in the queue
    for (let i = 1; i <= 2; i++) {
      await h.request('POST', '/v1/database/1/profiles', { body: {} });
      await eventually(() => sentTo('/free') === i);
    }
    await idle(worker);
    expect(sentTo('/held')).toBe(1);
    // one change at a time: one claim each, none after a send, though the held callback's deliveries wait
    claims.count = 0;
    for (let i = 3; i <= 5; i++) {
      await h.request('POST', '/v1/database/1/profiles', { body: {} });
      await eventually(() => sentTo('/free') === i);
      await idle(worker);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(claims.count).toBe(3);
    expect(sentTo('/held')).toBe(1);
    // and when the slot comes, the timer claims the held callback's messages, one a slot
    h.clock.advance(10_001);
    worker.wake();
    await eventually(() => sentTo('/held') === 2);
  });

  it("take a change left behind by a claim during which the callback's slot freed, without waiting for the poll", async () => {
    // profile 1 exists before the callbacks: its update is the change for both of them
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await createCallback('database/1', {});
    await createCallback('database/1', { action: 'update' });
    const answers: Array<() => void> = [];
    receiver.respond((_request, _index, response) => {
      answers.push(() => response.end('ok'));
    });
    // one slot per callback (a quarter of four)
    const worker = h.startWorker({ concurrency: 4, pollIntervalMs: noPoll });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // the first callback's only slot: busy with a create, which the second callback does not take
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    // the update's claim takes the second callback's delivery and leaves the first's behind; the
    // create's answer comes (and frees the first callback's slot) while that claim is under way
    const claim = h.store.claimDueDeliveries.bind(h.store);
    h.store.claimDueDeliveries = async (...args) => {
      h.store.claimDueDeliveries = claim;
      const batch = await claim(...args);
      answers[0]?.();
      await idle(worker);
      return batch;
    };
    await h.request('PUT', '/v1/profile/1', { body: { fields: { n: '1' } } });
    // the first callback's update, while the second's stays unanswered (its answer would wake a claim)
    await receiver.waitFor(3, 10_000);
    for (const end of answers.slice(1)) end();
    await idle(worker);
  });

  it('give a callback its slot back once the receiver has answered, while the outcome waits to be recorded', async () => {
    await createCallback('database/1', {});
    let recordable: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (recordable = resolve));
    const record = h.store.recordAttempts.bind(h.store);
    h.store.recordAttempts = async (outcomes) => {
      await gate;
      return record(outcomes);
    };
    // one slot per callback (a quarter of four)
    h.startWorker({ concurrency: 4, pollIntervalMs: noPoll });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(2, 3_000);
    recordable();
    await eventually(async () => {
      const { data } = await deliveries('1');
      return data.length === 2 && data.every((delivery) => delivery.status === 'succeeded');
    });
  });

  it('follow a finished ordered delivery, so that the next of its profile goes without waiting for the poll', async () => {
    await createCallback('database/1', { ordering: 'profile' });
    h.startWorker({ pollIntervalMs: noPoll });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { step: '0' } } });
    for (let step = 1; step <= 4; step++) await h.request('PUT', '/v1/profile/1', { body: { fields: { step: String(step) } } });
    await receiver.waitFor(5, 3_000);
    expect(receiver.requests.map((_request, index) => message(index).fields.step)).toEqual(['0', '1', '2', '3', '4']);
  });
});

describe('retrying by hand', () => {
  it('leaves a delivery that is being attempted alone, so it is not sent twice', async () => {
    const callback = await createCallback('database/1', {});
    let release: () => void = () => undefined;
    receiver.respond(async (_request, _index, response) => {
      await new Promise<void>((resolve) => (release = resolve));
      response.end('ok');
    });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    const id = (await deliveries(callback.ID)).data[0]?.ID;
    const retried = await h.request('POST', `/v1/delivery/${id}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { ID: id, status: 'pending', attempts: 0 } });
    release();
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
  });

  it('sends a delivery again at once when the attempt it was asked for during fails', async () => {
    const callback = await createCallback('database/1', {});
    let release: () => void = () => undefined;
    receiver.respond((_request, index, response) => {
      if (index === 0) release = () => response.writeHead(500).end('down');
      else response.end('ok');
    });
    // no poll, and the clock stands still: only the retry asked for can send it again
    h.startWorker({ pollIntervalMs: 3_600_000 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    const id = (await deliveries(callback.ID)).data[0]?.ID;
    expect((await h.request('POST', `/v1/delivery/${id}/retry`)).status).toBe(202);
    release();
    await receiver.waitFor(2, 3_000);
    const done = await eventually(async () => (await deliveries(callback.ID)).data.find((delivery) => delivery.status === 'succeeded'));
    expect(done.attempts).toBe(2);
    expect(receiver.requests[1]?.headers['webhook-id']).toBe(receiver.requests[0]?.headers['webhook-id']);
    const detail = (await h.request('GET', `/v1/delivery/${id}`)).body as { attemptLog: Array<{ statusCode: number }> };
    expect(detail.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 200]);
  });
});

describe('deleting a callback while its message is in flight', () => {
  it('leaves the messages to the other callbacks sent once and recorded', async () => {
    const callbacks = [];
    for (let i = 0; i < 4; i++) callbacks.push(await createCallback('database/1', { url: `${receiver.url}/hook${i}` }));
    const answers: Array<() => void> = [];
    receiver.respond((_request, _index, response) => {
      answers.push(() => response.end('ok'));
    });
    h.startWorker();
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(4);
    expect((await h.request('DELETE', `/v1/callback/${callbacks[1]?.ID}`)).status).toBe(204);
    // all answers at once: their outcomes are recorded together, the deleted callback's with them
    for (const send of answers) send();
    const others = callbacks.filter((_callback, index) => index !== 1);
    await eventually(async () => {
      const all = await Promise.all(others.map(async (callback) => (await deliveries(callback.ID)).data));
      return all.every((list) => list[0]?.status === 'succeeded');
    });
    // past the leases: an attempt that was not recorded would be claimed and sent again now
    h.clock.advance(h.config.deliveryTimeoutMs + 10_001);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests.map((request) => request.path).sort()).toEqual(['/hook0', '/hook1', '/hook2', '/hook3']);
    for (const callback of others) {
      const [delivery] = (await deliveries(callback.ID)).data;
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 });
      const detail = (await h.request('GET', `/v1/delivery/${delivery?.ID}`)).body as { attemptLog: unknown[] };
      expect(detail.attemptLog).toHaveLength(1);
    }
  });
});

describe('leases', () => {
  it('does not start a send that could outlast its lease, and the next claim sends it once', async () => {
    const callback = await createCallback('database/1', { expression: "company == 'Apple'" });
    // the evaluation stalls (here: the clock jumps) until the lease is nearly gone: another worker
    // may claim the delivery now, so this one must not send it as well
    const real = sandbox();
    let stalls = 1;
    const stalling = {
      ...real,
      evaluate: async (...args: Parameters<typeof real.evaluate>) => {
        if (stalls-- > 0) h.clock.advance(h.config.deliveryTimeoutMs + 9_000);
        return real.evaluate(...args);
      },
    };
    const worker = h.startWorker({ sandbox: stalling, pollIntervalMs: 3_600_000 });
    await h.request('POST', '/v1/database/1/profiles', { body: { fields: { company: 'Apple' } } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.requests).toHaveLength(0);
    // once the lease has run out, the delivery is claimed again and sent, once
    h.clock.advance(1_001);
    worker.wake();
    await receiver.waitFor(1);
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'succeeded');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
  });

  it('records an outcome that waited out its lease under the lease of the claim that took the delivery again, and sends it once', async () => {
    const callback = await createCallback('database/1', {});
    // the store takes no outcome (it is away) until the lease has run out and the poll claimed again;
    // and the write in flight then was built before that claim (the leases it names are those it read)
    let recordable: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (recordable = resolve));
    const record = h.store.recordAttempts.bind(h.store);
    let writing = false;
    h.store.recordAttempts = async (outcomes) => {
      const asBuilt = outcomes.map((outcome) => ({ ...outcome }));
      writing = true;
      await gate;
      return record(asBuilt);
    };
    const claimedIds = claimedByClaims();
    const worker = h.startWorker({ deliveryTimeoutMs: 1_000, pollIntervalMs: 3_600_000 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    await eventually(() => writing);
    const id = Number((await deliveries(callback.ID)).data[0]?.ID);
    // past the lease (the time-out and 10 s): the next claim takes the delivery again
    const claimsBefore = claimedIds.length;
    h.clock.advance(11_001);
    worker.wake();
    await eventually(() => claimedIds.slice(claimsBefore).includes(id));
    recordable();
    // recorded: before, the outcome matched no lease and was dropped, and the message went again once
    // the new lease ran out
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'succeeded');
    await idle(worker);
    h.clock.advance(11_001);
    worker.wake();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
    expect((await deliveries(callback.ID)).data[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('sends a retry asked for during an attempt once that attempt is recorded, and records the attempt once', async () => {
    const callback = await createCallback('database/1', {});
    const answers: Array<(status: number) => void> = [];
    receiver.respond((_request, _index, response) => {
      answers.push((status) => response.writeHead(status).end());
    });
    const claimedIds = claimedByClaims();
    // the outcome's write is over, and the retry it applied made the delivery due at once: the claim
    // that takes it comes before the worker is done with the attempt (here: held until it has)
    const record = h.store.recordAttempts.bind(h.store);
    h.store.recordAttempts = async (outcomes) => {
      const claims = claimedIds.length;
      const recorded = await record(outcomes);
      await eventually(() => claimedIds.length > claims);
      return recorded;
    };
    const worker = h.startWorker({ pollIntervalMs: 3_600_000 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    const id = (await deliveries(callback.ID)).data[0]?.ID;
    expect((await h.request('POST', `/v1/delivery/${id}/retry`)).status).toBe(202);
    // a second on: the claim that takes the delivery again gives it another lease
    h.clock.advance(1_000);
    answers[0]?.(500);
    await eventually(() => claimedIds.filter((claimed) => claimed === Number(id)).length === 2);
    await idle(worker);
    h.store.recordAttempts = record;
    // that claim's lease runs out (the attempt it took was the one under way), and the retry goes then
    h.clock.advance(h.config.deliveryTimeoutMs + 10_001);
    worker.wake();
    await receiver.waitFor(2);
    answers[1]?.(200);
    await eventually(async () => (await deliveries(callback.ID)).data[0]?.status === 'succeeded');
    // two sends, two attempts: the first was not written again under the second claim's lease
    expect((await deliveries(callback.ID)).data[0]?.attempts).toBe(2);
    expect(receiver.requests).toHaveLength(2);
  });
});

describe('the retry timer', () => {
  it('attempts every waiting retry within its window of ±20%, not only the earliest', async () => {
    // the real clock: the retries fall due by the time the timers run on
    h.clock.now = () => Date.now();
    for (let i = 0; i < 3; i++) await createCallback('database/1', { url: `${receiver.url}/hook${i}` });
    receiver.respond(answer(500));
    // jitter factors 0.84, 0.92 and 1.0 in turn: each retry due at its own time, none near the window's edges
    let turn = 0;
    const factors = [0.1, 0.3, 0.5];
    h.startWorker({ retryScheduleSeconds: [0, 1, 1], random: () => factors[turn++ % 3] as number, pollIntervalMs: 3_600_000 });
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(9, 5_000);
    for (let i = 0; i < 3; i++) {
      const times = receiver.requests.filter((request) => request.path === `/hook${i}`).map((request) => request.at);
      expect(times).toHaveLength(3);
      for (let retry = 1; retry < times.length; retry++) {
        const gap = (times[retry] as number) - (times[retry - 1] as number);
        expect(gap, `retry ${retry} of callback ${i + 1}`).toBeGreaterThanOrEqual(800);
        expect(gap, `retry ${retry} of callback ${i + 1}`).toBeLessThanOrEqual(1_200);
      }
    }
  });

  it('attempts a change when the schedule’s first delay is over, not at the next poll', async () => {
    const delayed = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '1,5' });
    try {
      delayed.clock.now = () => Date.now();
      await delayed.request('POST', '/v1/databases', { body: { name: 'x' } });
      await delayed.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } });
      delayed.startWorker({ pollIntervalMs: 3_600_000 });
      const posted = Date.now();
      await delayed.request('POST', '/v1/database/1/profiles', { body: {} });
      await receiver.waitFor(1, 10_000);
      expect((receiver.requests[0]?.at ?? 0) - posted).toBeGreaterThanOrEqual(1_000);
    } finally {
      await delayed.close();
    }
  });
});

describe('a pause', () => {
  it('sends a change made during a Retry-After pause when the pause ends, on the worker’s own timer', async () => {
    // the real clock, one attempt a message, no poll: only the worker's timer can send the second
    const once = await createHarness({ TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', TIDINGS_RETRY_SCHEDULE: '0' });
    try {
      once.clock.now = () => Date.now();
      await once.request('POST', '/v1/databases', { body: { name: 'x' } });
      await once.request('POST', '/v1/database/1/callbacks', { body: { url: `${receiver.url}/hook` } });
      receiver.respond((_request, index, response) => {
        if (index === 0) response.writeHead(429, { 'retry-after': '8' }).end();
        else response.writeHead(200).end();
      });
      const worker = once.startWorker({ pollIntervalMs: 3_600_000 });
      await once.request('POST', '/v1/database/1/profiles', { body: {} });
      await receiver.waitFor(1);
      await idle(worker);
      const pauseEnds = Date.now() + 7_000;
      // claimed, found paused for longer than a slot is waited for, and put back until the pause ends
      await once.request('POST', '/v1/database/1/profiles', { body: {} });
      await receiver.waitFor(2, 15_000);
      expect(receiver.requests[1]?.at).toBeGreaterThanOrEqual(pauseEnds);
    } finally {
      await once.close();
    }
  }, 30_000);
});

describe('a rate lowered below one message in 5 s', () => {
  it('still sends: a delivery that finds its slot far off waits in the queue, the backlog unclaimed, and the slot is used when it comes', async () => {
    const callback = await createCallback('database/1', { rateLimit: 1 });
    receiver.respond(answer(429));
    await slowedToTheFloor(callback.ID);
    let deferrals = 0;
    const defer = h.store.throttles.deferDelivery.bind(h.store.throttles);
    h.store.throttles.deferDelivery = (...args) => {
      deferrals++;
      return defer(...args);
    };
    const worker = h.startWorker({ pollIntervalMs: 3_600_000 });
    // the first goes at once (its 429 keeps the rate at the floor), and its claim tells the worker the rate
    await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await receiver.waitFor(1);
    // the next one's slot is 10 s off: it goes back to the queue until then, and the worker claims no
    // more of the callback meanwhile (before, each of the backlog was claimed and put back in turn)
    for (let i = 0; i < 3; i++) await h.request('POST', '/v1/database/1/profiles', { body: {} });
    await eventually(() => deferrals === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.requests).toHaveLength(1);
    expect(deferrals).toBe(1);
    // when the slot comes, it is used (before, the deferred delivery had taken it, and took the next
    // one, 10 s further on, when it came back, and so on for ever: no message went after the first)
    h.clock.advance(10_001);
    worker.wake();
    await receiver.waitFor(2, 10_000);
    await eventually(() => deferrals === 2);
  });
});
