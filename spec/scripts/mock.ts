// pnpm mock: the contract mock. Prism serves the bundled spec's examples; a thin front on MOCK_PORT
// (default 4010) answers like the real server where Prism alone would not. It checks what the server
// checks before an operation runs, in the server's order, with the server's status, code and message:
//  - paths carry the /v1 prefix of `servers` (Prism ignores the server's base path);
//  - a missing token is 400 `invalid_access_token` (Prism would answer 401);
//  - a POST, PUT or PATCH declaring a body over 1 MB is 413 `payload_too_large`;
//  - an unknown path or method is 404 `not_found` (Prism: a 404 or 405 problem+json);
//  - an ID in the path that is not a decimal ID is 400 `<kind>_id_invalid` (Prism: the example);
//  - the body of an operation that takes one is read here: not sent as JSON is 415, more than 1 MB
//    413, empty or not JSON 400 `invalid_body` (Prism never answers broken JSON). A body sent to an
//    operation that takes none is dropped, as the server ignores it;
//  - Prism's schema validation failures become the error envelope, with Prism's message;
//  - no CORS headers (Prism's are turned off): the server sends none.
// Any token is accepted: the mock cannot know which tokens exist. Extra arguments go to Prism,
// e.g. `pnpm mock --dynamic` for bodies generated from the schemas instead of the examples.
import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = join(specDir, 'dist/openapi.json');
const port = Number(process.env.MOCK_PORT ?? '4010');
const host = process.env.MOCK_HOST ?? '127.0.0.1';
const prismArguments = process.argv.slice(2);
/** The server's default TIDINGS_MAX_BODY_BYTES. */
const MAX_BODY_BYTES = 1024 * 1024;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

type Json = Record<string, unknown>;
const bundle = JSON.parse(readFileSync(bundlePath, 'utf8')) as { paths: Record<string, Json>; components: { schemas: Json } };

function resolve(node: unknown): Json {
  let current = node as Json;
  while (typeof current.$ref === 'string') {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce<Json>((parent, name) => parent[name.replaceAll('~1', '/').replaceAll('~0', '~')] as Json, bundle);
  }
  return current;
}

interface Route {
  pattern: RegExp;
  /** The path parameters in the path's order: the kind an invalid value is reported as, and the pattern. */
  ids: Array<{ kind: string; pattern: RegExp }>;
  /** For each method, whether its operation takes a request body. */
  takesBody: Map<string, boolean>;
}

const routes: Route[] = Object.entries(bundle.paths).map(([template, item]) => {
  const operations = Object.entries(item).filter(([method]) => ['get', 'put', 'post', 'delete', 'patch'].includes(method));
  const parameters = [item, ...operations.map(([, operation]) => operation)]
    .flatMap((owner) => ((owner as Json).parameters as unknown[] | undefined) ?? [])
    .map(resolve)
    .filter((parameter) => parameter.in === 'path');
  const ids = [...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const schema = resolve(parameters.find((parameter) => parameter.name === name)?.schema ?? {});
    return { kind: String(name).replace(/ID$/, ''), pattern: new RegExp(String(schema.pattern ?? '.')) };
  });
  return {
    pattern: new RegExp(`^/v1${template.replace(/\{\w+\}/g, '([^/]+)')}$`),
    ids,
    takesBody: new Map(operations.map(([method, operation]) => [method.toUpperCase(), (operation as Json).requestBody !== undefined])),
  };
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((listening) => probe.listen(0, '127.0.0.1', listening));
  const { port: free } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return free;
}

/**
 * For --dynamic: json-schema-faker, Prism's generator, ignores maxProperties when it fills a map and
 * makes up to ≈2000 keys for Fields, where 1000 is the most the contract allows. Prism gets a copy of
 * the bundle in which Fields are picked from a few made-up field maps instead (`x-faker` is read by
 * the generator alone: requests are validated as before). It also makes arrays of any length up to
 * maxItems: pages of up to 1000 profiles took 20 MB and 25 s. The arrays only answers carry (pages,
 * attempt logs) hold at most 5 in the copy; nothing a request sends is validated against them.
 */
function generationBundle(): { path: string; remove: () => void } {
  const copy = JSON.parse(readFileSync(bundlePath, 'utf8')) as typeof bundle;
  const fieldMaps = [
    {},
    { email: 'jane@example.com', company: 'Apple', city: 'Utrecht' },
    { email: 'ali@example.org', 'first name': 'Ali', City: 'Rotterdam', city: 'rotterdam', newsletter: '' },
    { naam: 'Jürgen Groß', notes: 'line one\nline two', emoji: '🎉', 'order.total': '1299.00', long: 'x'.repeat(300) },
  ];
  (copy.components.schemas.Fields as Json)['x-faker'] = { 'helpers.arrayElement': [fieldMaps] };
  for (const [name, schema] of Object.entries(copy.components.schemas)) {
    if (name.endsWith('List')) (((schema as Json).properties as Json).data as Json).maxItems = 5;
  }
  const detail = ((copy.components.schemas.DeliveryDetail as Json).allOf as Json[])[1] as Json;
  ((detail.properties as Json).attemptLog as Json).maxItems = 5;
  const dir = mkdtempSync(join(tmpdir(), 'tidings-mock-'));
  const path = join(dir, 'openapi.json');
  writeFileSync(path, JSON.stringify(copy));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function envelope(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { message, code } });
  // the server names every answer (X-Request-Id), its errors too, and the contract says so
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'x-request-id': randomUUID() });
  res.end(body);
}

function tooLarge(res: ServerResponse): void {
  envelope(res, 413, 'payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes`);
}

function hasToken(req: IncomingMessage, url: URL): boolean {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return /^Bearer +\S{1,512} *$/i.test(authorization);
  const tokens = url.searchParams.getAll('access_token');
  return tokens.length === 1 && tokens[0] !== '' && (tokens[0] as string).length <= 512;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The body as text, or null once more than MAX_BODY_BYTES arrived (the rest is drained unread). */
function readText(req: IncomingMessage): Promise<string | null> {
  return new Promise((settle, fail) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.byteLength;
      if (received <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData).resume();
      settle(null);
    };
    req.on('data', onData);
    req.on('end', () => settle(Buffer.concat(chunks).toString('utf8')));
    req.on('close', () => fail(new Error('the client went away before its body arrived')));
  });
}

interface Violation {
  location: string[];
  code: string | number;
  message: string;
}

// the server reports the first of these it finds (see bodyError in packages/server/src/http/contract.ts)
const PRIORITY = ['additionalProperties', 'type', 'required', 'minProperties', 'enum', 'maxLength'];

/** Prism's validation report (sl-violations) as the server's error envelope. */
function violationError(header: string): { code: string; message: string } {
  const rank = (violation: Violation) => {
    const index = PRIORITY.indexOf(String(violation.code));
    return index === -1 ? PRIORITY.length : index;
  };
  const [first] = (JSON.parse(header) as Violation[]).sort((a, b) => rank(a) - rank(b));
  if (!first) return { code: 'invalid_body', message: 'The request is invalid' };
  const [, place, ...property] = first.location;
  if (place === 'query') return { code: 'invalid_parameter', message: first.message };
  if (first.code === 'additionalProperties') {
    const key = /found '([^']*)'/.exec(first.message)?.[1] ?? '';
    return { code: 'unknown_property', message: `Unknown property '${[...property, key].join('.')}'` };
  }
  const path = property.join('.');
  if (path === 'url') return { code: 'url_invalid', message: first.message };
  if (path === 'expression' && first.code === 'maxLength') return { code: 'expression_too_long', message: first.message };
  return { code: 'invalid_body', message: first.message };
}

async function answer(req: IncomingMessage, res: ServerResponse, prismPort: number): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://mock');
  const notFound = () => envelope(res, 404, 'not_found', `There is no ${method} ${url.pathname}; see /docs`);
  if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) return notFound();
  const health = url.pathname === '/v1/health' && (method === 'GET' || method === 'HEAD');
  if (!health && !hasToken(req, url)) return envelope(res, 400, 'invalid_access_token', 'Invalid access token');
  if (BODY_METHODS.has(method) && Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge(res);

  // HEAD is GET without the body, as on the server (Node leaves the body out of the answer)
  const upstreamMethod = method === 'HEAD' ? 'GET' : method;
  const match = routes.map((route) => ({ route, values: route.pattern.exec(url.pathname) })).find(({ values }) => values !== null);
  const takesBody = match?.route.takesBody.get(upstreamMethod);
  if (!match?.values || takesBody === undefined) return notFound();
  for (const [index, { kind, pattern }] of match.route.ids.entries()) {
    const raw = decodeSegment(match.values[index + 1] as string);
    if (!pattern.test(raw)) {
      return envelope(res, 400, `${kind}_id_invalid`, `${JSON.stringify(raw)} is not a valid ${kind} ID: IDs are decimal strings such as "21"`);
    }
    if (!Number.isSafeInteger(Number(raw))) return envelope(res, 404, `${kind}_not_found`, `No ${kind} with ID ${JSON.stringify(raw)}`);
  }

  let body: string | undefined;
  if (takesBody) {
    const contentType = req.headers['content-type'] ?? '';
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(mediaType)) {
      return envelope(
        res,
        415,
        'unsupported_media_type',
        `Send the body as JSON with Content-Type: application/json${contentType ? ` (got ${JSON.stringify(contentType.slice(0, 100))})` : ''}`,
      );
    }
    const text = await readText(req);
    if (text === null) return tooLarge(res);
    if (text.trim() === '') return envelope(res, 400, 'invalid_body', 'The request body is empty; send a JSON object');
    try {
      JSON.parse(text);
    } catch (error) {
      return envelope(res, 400, 'invalid_body', `The request body is not valid JSON: ${(error as Error).message}`);
    }
    body = text;
  } else {
    req.resume();
  }

  const { 'content-length': _length, 'transfer-encoding': _encoding, 'content-type': _type, ...headers } = req.headers;
  const forwarded: IncomingHttpHeaders =
    body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  const upstream = request(
    { host: '127.0.0.1', port: prismPort, method: upstreamMethod, path: `${url.pathname.slice(3)}${url.search}`, headers: forwarded },
    (prism) => {
      const violations = prism.headers['sl-violations'];
      if (prism.statusCode === 400 && typeof violations === 'string') {
        prism.resume();
        const { code, message } = violationError(violations);
        return envelope(res, 400, code, message);
      }
      // Prism's own router disagreeing with the routes above (it should not): answer as the server would
      if ((prism.statusCode === 404 || prism.statusCode === 405) && String(prism.headers['content-type']).includes('problem+json')) {
        prism.resume();
        return notFound();
      }
      const { 'sl-violations': _violations, ...passed } = prism.headers;
      res.writeHead(prism.statusCode ?? 502, passed);
      prism.pipe(res);
    },
  );
  upstream.on('error', () => envelope(res, 503, 'service_unavailable', 'The mock is starting; try again'));
  upstream.end(body);
}

const prismPort = await freePort();
const dynamic = prismArguments.some((argument) => /^(-d|--dynamic)(=true)?$/.test(argument));
const generation = dynamic ? generationBundle() : null;
process.on('exit', () => generation?.remove());
const prism = spawn(
  join(specDir, 'node_modules/.bin/prism'),
  ['mock', generation?.path ?? bundlePath, '--port', String(prismPort), '--host', '127.0.0.1', '--cors=false', ...prismArguments],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const front = createServer((req, res) => {
  answer(req, res, prismPort).catch(() => res.destroy());
});

front.listen(port, host, () => {
  const { port: bound } = front.address() as AddressInfo;
  console.log(`tidings mock: http://${host}:${bound}/v1 (Prism on ${prismPort}; any token is accepted)`);
});

const stop = () => {
  front.close();
  prism.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
prism.on('exit', (code) => {
  front.close();
  process.exitCode = code ?? 0;
});
