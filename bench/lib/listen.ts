// What the bench's own HTTP servers (the raw server, the relay) share: keep-alive connections that
// outlast a run, loopback on a port of the system's choosing, the line the harness waits for, and a
// quick exit when the harness stops them.
import type { Server } from 'node:http';

export function listenOnLoopback(server: Server): void {
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    // the harness's ready line (lib/tidings.ts)
    console.log(`listening on http://127.0.0.1:${address.port}`);
  });
  process.on('SIGTERM', () => process.exit(0));
}
