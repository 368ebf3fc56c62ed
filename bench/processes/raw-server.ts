// The baseline for the API cases: a bare node:http server answering from memory with the bytes
// Tidings answers (status, headers, body), after reading the whole request body. With BENCH_WORK_US
// it first spins for that many microseconds: the calibration of api-get, a server that does nothing
// but a known amount of work more per request.
import { createServer } from 'node:http';
import { listenOnLoopback } from '../lib/listen.ts';
import type { CannedResponse } from '../lib/tidings.ts';

const canned = JSON.parse(process.env.BENCH_RESPONSE ?? '') as CannedResponse;
const body = Buffer.from(canned.body);
const headers = { ...canned.headers, 'content-length': String(body.length) };
const workMs = Number(process.env.BENCH_WORK_US ?? 0) / 1000;

function work(): void {
  const until = performance.now() + workMs;
  while (performance.now() < until);
}

const server = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    if (workMs > 0) work();
    response.writeHead(canned.status, headers);
    response.end(body);
  });
});
listenOnLoopback(server);
