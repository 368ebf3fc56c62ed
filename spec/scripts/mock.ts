// pnpm mock: the contract mock. Prism serves the bundled spec's examples; a thin front on MOCK_PORT
// (default 4010) makes it answer like the real server where Prism alone would not:
//  - paths carry the /v1 prefix of `servers` (Prism ignores the server's base path),
//  - a request without a token gets the server's exact 400 body (Prism would answer 401),
//  - Prism's validation failures become the error envelope, with Prism's message.
// Any token is accepted: the mock cannot know which tokens exist. Extra arguments go to Prism,
// e.g. `pnpm mock --dynamic` for bodies generated from the schemas instead of the examples.
import { spawn } from 'node:child_process';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const specDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.MOCK_PORT ?? '4010');
const host = process.env.MOCK_HOST ?? '127.0.0.1';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: free } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return free;
}

function envelope(res: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ error: { message, code } });
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function hasToken(req: IncomingMessage, url: URL): boolean {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return /^Bearer +\S+ *$/i.test(authorization);
  return url.searchParams.getAll('access_token').length === 1 && url.searchParams.get('access_token') !== '';
}

interface Violation {
  location: string[];
  code: string;
  message: string;
}

/** Prism's validation report (sl-violations) as the server's error envelope. */
function violationError(header: string): { code: string; message: string } {
  const violations = JSON.parse(header) as Violation[];
  const first = violations.find((v) => v.code === 'additionalProperties') ?? violations[0];
  if (!first) return { code: 'invalid_body', message: 'The request is invalid' };
  const [, place] = first.location;
  if (place === 'query' || place === 'path') return { code: 'invalid_parameter', message: first.message };
  if (first.code === 'additionalProperties') {
    const key = /found '([^']*)'/.exec(first.message)?.[1] ?? '';
    return { code: 'unknown_property', message: `Unknown property '${key}'` };
  }
  return { code: 'invalid_body', message: first.message };
}

const prismPort = await freePort();
const prism = spawn(
  join(specDir, 'node_modules/.bin/prism'),
  ['mock', join(specDir, 'dist/openapi.json'), '--port', String(prismPort), '--host', '127.0.0.1', ...process.argv.slice(2)],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const front = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://mock');
  if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) {
    envelope(res, 404, 'not_found', `There is no ${req.method} ${url.pathname}; the API lives under /v1`);
    return;
  }
  const path = url.pathname.slice(3) || '/';
  if (path !== '/health' && !hasToken(req, url)) {
    envelope(res, 400, 'invalid_access_token', 'Invalid access token');
    return;
  }
  const upstream = request(
    { host: '127.0.0.1', port: prismPort, method: req.method, path: `${path}${url.search}`, headers: req.headers },
    (answer) => {
      const violations = answer.headers['sl-violations'];
      if (answer.statusCode === 400 && typeof violations === 'string') {
        answer.resume();
        const { code, message } = violationError(violations);
        envelope(res, 400, code, message);
        return;
      }
      if (answer.statusCode === 404 && String(answer.headers['content-type']).includes('problem+json')) {
        answer.resume();
        envelope(res, 404, 'not_found', `There is no ${req.method} ${url.pathname}`);
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => envelope(res, 503, 'service_unavailable', 'The mock is starting; try again'));
  req.pipe(upstream);
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
