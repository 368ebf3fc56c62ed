// A consumer project's code, as someone who ran `npm install @tidings/client` writes it. The
// consumer test copies it into an empty npm project, type-checks it strictly against the packed
// package, and runs it against a real server (TIDINGS_TARGET=server) and the contract mock.
// The @ts-expect-error lines must each be a compile error; the test proves it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTidingsClient,
  paginate,
  TidingsApiError,
  verifyWebhook,
  WebhookVerificationError,
  type CallbackMessage,
  type CreatedCallback,
  type ListItem,
  type Profile,
} from '@tidings/client';

const target = process.env.TIDINGS_TARGET === 'server' ? 'server' : 'mock';
const client = createTidingsClient({
  baseUrl: process.env.TIDINGS_URL ?? 'http://127.0.0.1:4010/v1',
  accessToken: process.env.TIDINGS_TOKEN ?? 'tid_consumer',
  userAgent: 'consumer-test/1.0',
});
/** Prism answers with this status and example; the real server ignores the header. */
const asNotFound = (example: string) => ({ Prefer: `code=404, example=${example}` });

export function mistakesTheCompilerCatches(databaseID: string, message: CallbackMessage): void {
  // @ts-expect-error — 'yaml' is not a callback method (json or xml)
  void client.POST('/database/{databaseID}/callbacks', { params: { path: { databaseID } }, body: { url: 'https://hooks.example.org', method: 'yaml' } });
  // @ts-expect-error — the path parameter is databaseID, not id
  void client.GET('/database/{databaseID}', { params: { path: { id: databaseID } } });
  // @ts-expect-error — paginate checks the path parameters too
  void paginate(client, '/database/{databaseID}/profiles', { params: { path: { database: databaseID } } });
  // @ts-expect-error — one database is not a list
  void paginate(client, '/database/{databaseID}', { params: { path: { databaseID } } });
  // @ts-expect-error — keys are case-sensitive: URL is not url
  void client.POST('/database/{databaseID}/callbacks', { params: { path: { databaseID } }, body: { URL: 'https://hooks.example.org' } });
  // @ts-expect-error — no such path
  void client.GET('/database/{databaseID}/profile', { params: { path: { databaseID } } });
  // @ts-expect-error — field values are strings
  const amount: number = message.fields.amount;
  // @ts-expect-error — verifyWebhook needs a secret
  void verifyWebhook({ headers: {}, body: '' });
  void amount;
}

async function must<T>(answer: Promise<{ data?: T; error?: { error: { message: string; code: string } } }>): Promise<T> {
  const { data, error } = await answer;
  if (error !== undefined) throw new Error(`${error.error.code}: ${error.error.message}`);
  if (data === undefined) throw new Error('no body');
  return data;
}

const summary: Record<string, unknown> = { target };
const health = await client.GET('/health');
summary.health = health.data?.status ?? health.error?.status;

const database = await must(client.POST('/databases', { body: { name: 'consumer' } }));
const databaseID = database.ID;
const profilePath = { params: { path: { databaseID } } };
for (const email of ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com']) {
  await must(client.POST('/database/{databaseID}/profiles', { ...profilePath, body: { fields: { email } } }));
}
const profiles: Profile[] = [];
for await (const profile of paginate(client, '/database/{databaseID}/profiles', { params: { path: { databaseID }, query: { limit: 2 } } })) {
  profiles.push(profile);
}
const first: ListItem<'/database/{databaseID}/profiles'> | undefined = profiles[0];
summary.paginated = profiles.length;
summary.firstProfileEmail = first?.fields.email;

const notFound = await client.GET('/database/{databaseID}', { params: { path: { databaseID: '987654321' } }, headers: asNotFound('databaseNotFound') });
summary.notFound = notFound.error?.error.code;
try {
  for await (const profile of paginate(client, '/database/{databaseID}/profiles', {
    params: { path: { databaseID: '987654321' } },
    headers: asNotFound('databaseNotFound'),
  })) {
    void profile;
  }
} catch (error) {
  if (error instanceof TidingsApiError) summary.paginateError = `${error.status} ${error.code}`;
}

// A receiver: a Node http handler that verifies every message before trusting it.
const received: Array<{ format: string; message: CallbackMessage }> = [];
let callback: CreatedCallback | undefined;
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    try {
      const message = await verifyWebhook({ secret: callback?.secret ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      received.push({ format: String(request.headers['content-type']), message });
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
    }
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = target === 'server' ? `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks` : 'https://hooks.example.org/tidings';

callback = await must(client.POST('/database/{databaseID}/callbacks', { params: { path: { databaseID } }, body: { url: receiverUrl, method: 'xml' } }));
summary.secretPrefix = callback.secret.slice(0, 6);

if (target === 'server') {
  const created = await must(client.POST('/database/{databaseID}/profiles', { ...profilePath, body: { fields: { email: 'jane@example.com', company: 'Apple & Co' } } }));
  const deadline = Date.now() + 10_000;
  while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const webhook = received[0];
  summary.webhook = webhook && {
    format: webhook.format,
    type: webhook.message.type,
    action: webhook.message.action,
    profileMatches: webhook.message.profile === created.ID,
    company: webhook.message.fields.company,
    previous: webhook.message.previous,
  };
}
receiver.close();
console.log(JSON.stringify(summary));
