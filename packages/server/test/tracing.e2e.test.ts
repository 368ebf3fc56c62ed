// Tracing and logs as an operator sees them: a real server with OTEL_EXPORTER_OTLP_ENDPOINT set
// exports its spans over OTLP/HTTP (JSON) to an endpoint in this test (no OpenTelemetry Collector
// is packaged for Debian or npm), and one change is followed from the API request through its store
// transaction to the delivery attempt and the receiver, which gets the attempt's `traceparent`. On
// both stores: PostgreSQL writes a profile change on a path of its own. A server without the
// endpoint sends no traceparent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/postgres.ts';
import { startProcess, type Started } from './support/processes.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bootstrap-token-for-tracing-tests';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: number;
}

/** An OTLP/HTTP trace endpoint: what the exporter POSTs to /v1/traces, as JSON. */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; paths: string[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpRequest;
      for (const resource of body.resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push(flatten(span));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number };
}
interface OtlpRequest {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

/** IDs come as hex, or as base64 from exporters that follow protobuf's JSON mapping */
function hex(id: string | undefined): string {
  if (id === undefined || id === '') return '';
  return /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex');
}

function flatten(span: OtlpSpan): ExportedSpan {
  const attributes: Record<string, unknown> = {};
  for (const { key, value } of span.attributes ?? []) attributes[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : value.boolValue);
  return {
    traceId: hex(span.traceId),
    spanId: hex(span.spanId),
    parentSpanId: hex(span.parentSpanId),
    name: span.name,
    kind: span.kind,
    attributes,
    status: span.status?.code ?? 0,
  };
}

async function startTidings(dataDir: string, env: Record<string, string>): Promise<Started & { base: string }> {
  const server = await startProcess(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      TIDINGS_DATA_DIR: dataDir,
      DATABASE_URL: '',
      TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
      TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
      LOG_LEVEL: 'info',
      ...env,
    },
    ready: /listening on (http:\/\/[^\s]+)/,
  });
  return { ...server, base: server.match[1] as string };
}

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response;
}

/** A database with a callback on updates to the receiver, and a profile; returns its ID. */
async function setUp(base: string, receiver: Receiver): Promise<string> {
  expect((await call(base, 'POST', '/v1/databases', { name: 'customers' })).status).toBe(201);
  expect((await call(base, 'POST', '/v1/database/1/callbacks', { url: `${receiver.url}/hook`, action: 'update' })).status).toBe(201);
  const created = await call(base, 'POST', '/v1/database/1/profiles', { fields: { email: 'jane@example.com' } });
  expect(created.status).toBe(201);
  return (created.headers.get('x-location') as string).split('/').pop() as string;
}

function logLines(output: string): Array<Record<string, unknown>> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const stores: Array<'sqlite' | 'postgres'> = inject('tidingsPostgresUrl') === null ? ['sqlite'] : ['sqlite', 'postgres'];

describe.each(stores)('tracing on the %s store', (store) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-tracing-'));
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let receiver: Receiver;
  let database: TestDatabase | null = null;
  let output = '';
  let update: Response;
  const callerTraceId = '0af7651916cd43dd8448eb211c80319c';

  beforeAll(async () => {
    collector = await startCollector();
    receiver = await startReceiver();
    if (store === 'postgres') database = await createTestDatabase();
    const server = await startTidings(join(dataDir, 'data'), {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_SERVICE_NAME: 'tidings-under-test',
      ...(database !== null && { DATABASE_URL: database.url }),
    });
    try {
      const profileId = await setUp(server.base, receiver);
      // the one change: the caller's own trace context and request ID go along
      update = await call(server.base, 'PUT', `/v1/profile/${profileId}`, { fields: { city: 'Utrecht' } }, {
        traceparent: `00-${callerTraceId}-b7ad6b7169203331-01`,
        'x-request-id': 'caller-request.42',
      });
      expect(update.status).toBe(200);
      await receiver.waitFor(1);
      // a second change, whose attempt fails
      receiver.respond((_request, _index, response) => {
        response.writeHead(503);
        response.end('busy');
      });
      expect((await call(server.base, 'PUT', `/v1/profile/${profileId}`, { fields: { city: 'Amsterdam' } })).status).toBe(200);
      await receiver.waitFor(2);
    } finally {
      // stopping sends what is buffered: every span of the change is exported by then
      await server.stop('SIGTERM');
      output = server.output();
    }
  }, 60_000);

  afterAll(async () => {
    await receiver?.close();
    await collector?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('exports over OTLP/HTTP JSON to /v1/traces of the endpoint, as the service OTEL_SERVICE_NAME names', () => {
    expect(collector.paths.length).toBeGreaterThan(0);
    expect(collector.paths.every((path) => path === 'POST /v1/traces application/json')).toBe(true);
  });

  it('follows one change from its API request through its store transaction to its delivery attempt and the receiver', () => {
    const trace = collector.spans.filter((span) => span.traceId === callerTraceId);
    const request = trace.find((span) => span.name === 'PUT /v1/profile/:profileID');
    expect(request).toMatchObject({
      kind: 2, // SERVER
      parentSpanId: 'b7ad6b7169203331',
      attributes: { 'http.request.method': 'PUT', 'http.route': '/v1/profile/:profileID', 'http.response.status_code': 200, 'tidings.request_id': 'caller-request.42' },
    });
    // the worker's claim and record of the attempt are no part of the request's trace
    const transactions = trace.filter((span) => span.name === 'store transaction');
    expect(transactions).toHaveLength(1);
    const transaction = transactions[0] as ExportedSpan;
    expect(transaction).toMatchObject({ parentSpanId: request?.spanId, attributes: { 'db.system.name': store === 'postgres' ? 'postgresql' : 'sqlite' } });

    const attempts = trace.filter((span) => span.kind === 3); // CLIENT
    expect(attempts).toHaveLength(1);
    const attempt = attempts[0] as ExportedSpan;
    expect(attempt).toMatchObject({
      name: 'POST',
      attributes: {
        'server.address': '127.0.0.1',
        'tidings.callback.id': 1,
        'tidings.delivery.id': 1,
        'tidings.attempt': 1,
        'tidings.outcome': 'succeeded',
        'http.response.status_code': 200,
      },
    });
    // the event kept the context of the transaction that wrote it: the attempt is its child
    expect(attempt.parentSpanId).toBe(transaction.spanId);

    const [received] = receiver.requests;
    const traceparent = TRACEPARENT.exec(String(received?.headers.traceparent));
    expect(traceparent?.[1]).toBe(callerTraceId);
    expect(traceparent?.[2]).toBe(attempt.spanId);
  });

  it('marks a failed attempt\'s span as an error, with the failure class', () => {
    const failed = collector.spans.filter((span) => span.kind === 3 && span.traceId !== callerTraceId);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      status: 2, // ERROR
      attributes: { 'tidings.delivery.id': 2, 'tidings.outcome': 'failed', 'http.response.status_code': 503, 'error.type': 'http_5xx' },
    });
    const request = collector.spans.find((span) => span.spanId === collector.spans.find((parent) => parent.spanId === failed[0]?.parentSpanId)?.parentSpanId);
    expect(request?.name).toBe('PUT /v1/profile/:profileID');
    expect(request?.traceId).toBe(failed[0]?.traceId);
  });

  it('keeps the spans of the set-up requests in traces of their own, and the worker\'s claims out of them', () => {
    const requests = collector.spans.filter((span) => span.kind === 2);
    expect(requests.map((span) => span.name).sort()).toEqual([
      'POST /v1/database/:databaseID/callbacks',
      'POST /v1/database/:databaseID/profiles',
      'POST /v1/databases',
      'PUT /v1/profile/:profileID',
      'PUT /v1/profile/:profileID',
    ]);
    expect(new Set(requests.map((span) => span.traceId)).size).toBe(5);
    const spanIds = new Set(collector.spans.map((span) => span.spanId));
    // every store transaction belongs to a request: none without a parent
    for (const span of collector.spans.filter((span) => span.name === 'store transaction')) expect(spanIds.has(span.parentSpanId)).toBe(true);
  });

  it('answers with the caller\'s X-Request-Id and logs one line per request and per attempt', () => {
    expect(update.headers.get('x-request-id')).toBe('caller-request.42');
    const lines = logLines(output);
    expect(lines.find((line) => line.msg === 'request' && line.requestId === 'caller-request.42')).toMatchObject({
      level: 30,
      method: 'PUT',
      route: '/v1/profile/:profileID',
      status: 200,
    });
    const attempt = lines.find((line) => line.msg === 'delivery attempt succeeded');
    expect(attempt).toMatchObject({ level: 30, callback: 1, delivery: 1, attempt: 1, status: 'succeeded', statusCode: 200 });
    expect(typeof attempt?.durationMs).toBe('number');
  });
});

describe('without an OTLP endpoint', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-untraced-'));
  let receiver: Receiver;
  let server: Started & { base: string };

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startTidings(join(dataDir, 'data'), { LOG_LEVEL: 'warn' });
  }, 30_000);

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends no traceparent, and makes up a request ID for a caller whose own is not sane', async () => {
    receiver.respond((_request, _index, response) => {
      response.writeHead(500);
      response.end('down');
    });
    const profileId = await setUp(server.base, receiver);
    const update = await call(server.base, 'PUT', `/v1/profile/${profileId}`, { fields: { city: 'Utrecht' } }, { 'x-request-id': 'not sane: has spaces' });
    expect(update.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [received] = await receiver.waitFor(1);
    expect(received?.headers.traceparent).toBeUndefined();
    // LOG_LEVEL=warn: no request lines, but the failed attempt's, with its class
    await server.stop('SIGTERM');
    const lines = logLines(server.output());
    expect(lines.some((line) => line.msg === 'request')).toBe(false);
    expect(lines.find((line) => line.msg === 'delivery attempt failed')).toMatchObject({
      level: 40,
      callback: 1,
      delivery: 1,
      attempt: 1,
      status: 'failed',
      statusCode: 500,
      failure: 'http_5xx',
    });
  });
});
