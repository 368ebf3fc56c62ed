// A real HTTP receiver on loopback for the callbacks the tests make: /ok answers 200 with JSON,
// /fail 500 with XML, so a delivery page has both kinds of response to pretty-print.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: (path: '/ok' | '/fail') => string;
  received: () => number;
  stop: () => Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let received = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      if (request.url === '/ok') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true,"by":"console test"}');
      } else {
        response.writeHead(500, { 'content-type': 'application/xml' }).end('<error><reason>test receiver refuses</reason></error>');
      }
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: () => received,
    stop: () => new Promise((closed) => server.close(() => closed())),
  };
}
