// What both peers share, written as a team building webhooks on its own queue would write it: the
// message (the same JSON Tidings sends for a profile update, so the bytes on the wire are equal),
// its Standard Webhooks signature, and the POST with undici on one keep-alive pool per receiver.
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';

export type Fields = Record<string, string>;

/** The job each peer queues: everything the POST needs but the secret, which stays in the callbacks table. */
export interface DeliveryJob {
  callbackId: number;
  url: string;
  webhookId: string;
  /** the message, serialised once at enqueue time (a retry resends the same bytes) */
  body: string;
}

export interface ProfileChange {
  database: number;
  profile: number;
  created: string;
  modified: string;
  fields: Fields;
  before: Fields;
}

/** The old values of the fields an update changed, as in Tidings' messages. */
function changedFields(before: Fields, after: Fields): Fields {
  const previous: Fields = {};
  for (const [name, value] of Object.entries(after)) if (before[name] !== value) previous[name] = before[name] ?? '';
  return previous;
}

export function messageFor(change: ProfileChange, now = Date.now()): string {
  return JSON.stringify({
    id: `evt_${randomBytes(11).toString('base64url')}`,
    type: 'profile',
    action: 'update',
    timestamp: new Date(now).toISOString(),
    time: Math.floor(now / 1000),
    database: String(change.database),
    collection: null,
    profile: String(change.profile),
    subprofile: null,
    created: change.created,
    modified: change.modified,
    fields: change.fields,
    previous: changedFields(change.before, change.fields),
    interests: [],
  });
}

export function jobsFor(callbacks: Array<{ id: number; url: string }>, change: ProfileChange): DeliveryJob[] {
  const body = messageFor(change);
  return callbacks.map((callback) => ({ callbackId: callback.id, url: callback.url, webhookId: `msg_${randomUUID()}`, body }));
}

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

const signers = new Map<string, Webhook>();
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128 });

/** Signs and POSTs one job; throws on a network error or a non-2xx answer, so the queue retries it. */
export async function deliver(job: DeliveryJob, secret: string): Promise<void> {
  let signer = signers.get(secret);
  if (!signer) {
    signer = new Webhook(secret);
    signers.set(secret, signer);
  }
  const now = new Date();
  const response = await request(job.url, {
    dispatcher: agent,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'peer-webhooks/1.0',
      'webhook-id': job.webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(job.webhookId, now, job.body),
    },
    body: job.body,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });
  await response.body.dump();
  if (response.statusCode < 200 || response.statusCode > 299) throw new Error(`${job.url} answered ${response.statusCode}`);
}

/** The seed both peers start from: the same profiles the Tidings delivery rig creates. */
export function seedProfile(index: number): Fields {
  return {
    n: 'new',
    firstname: 'Johanna',
    lastname: `van der Berg ${index}`,
    email: `johanna.${index}@example.com`,
    company: 'Apple',
    city: 'Amsterdam',
  };
}

export const bearerToken = 'bench-token-0123456789abcdef';

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
