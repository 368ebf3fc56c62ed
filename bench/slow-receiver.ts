// What a slow receiver's backlog costs the others: one Tidings process, two callbacks on the changes of
// one database, a healthy receiver and one that holds every request for `holdMs` (so its callback's
// slots stay full and its deliveries pile up, due). N profile updates go in, 32 at a time; measured are
// the time until the healthy receiver has all N and Tidings' CPU per update (with PostgreSQL's on
// --postgres), first with the slow callback's URL answering at once (the same work, no backlog), then
// with it holding. Not part of `pnpm bench`: a probe for the claim's cost behind a backlog
// (BENCHMARKS.md, session 15).
//   node bench/slow-receiver.ts [--postgres] [holdMs] [updates]      (defaults 60000, 20000)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startCluster, type Cluster } from './cases/postgres.ts';
import { processTreeCpuSeconds } from './lib/proc.ts';
import { startTidings } from './lib/tidings.ts';

const args = process.argv.slice(2);
const onPostgres = args.includes('--postgres');
const [holdMs = 60_000, updates = 20_000] = args.filter((arg) => !arg.startsWith('--')).map(Number);

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}

async function run(hold: number): Promise<string> {
  let healthy = 0;
  const held = new Set<() => void>();
  const fast = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      healthy++;
      response.end();
    });
  });
  const slow = await listen((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = () => {
        held.delete(answer);
        response.end();
      };
      held.add(answer);
      setTimeout(answer, hold).unref();
    });
  });
  const cluster: Cluster | null = onPostgres ? startCluster() : null;
  const tidings = await startTidings(cluster === null ? {} : { databaseUrl: cluster.url });
  const postgresCpu = () => (cluster === null ? 0 : processTreeCpuSeconds(cluster.postmasterPid));
  try {
    const { api } = tidings;
    const database = await api.createDatabase('slow receiver');
    await api.createCallback(database, { url: slow.url, action: 'update' });
    await api.createCallback(database, { url: fast.url, action: 'update' });
    const profiles: string[] = [];
    for (let index = 0; index < 100; index++) profiles.push(await api.createProfile(database, { n: 'new' }));
    const cpuBefore = tidings.process.cpuSeconds();
    const postgresBefore = postgresCpu();
    const startedAt = Date.now();
    let sent = 0;
    const sender = async () => {
      while (sent < updates) {
        const index = sent++;
        await api.call('PUT', `/v1/profile/${profiles[index % profiles.length]}`, { fields: { n: String(index) } });
      }
    };
    await Promise.all(Array.from({ length: 32 }, sender));
    const sentAfter = Date.now() - startedAt;
    while (healthy < updates) {
      if (Date.now() - startedAt > 600_000) throw new Error(`the healthy receiver has ${healthy} of ${updates} after 10 minutes`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const allAfter = Date.now() - startedAt;
    const cpu = ((tidings.process.cpuSeconds() - cpuBefore) * 1e6) / updates;
    const postgres = ((postgresCpu() - postgresBefore) * 1e6) / updates;
    return (
      `updates sent in ${(sentAfter / 1000).toFixed(1)} s, the healthy receiver had all ${updates} after ${(allAfter / 1000).toFixed(1)} s; ` +
      `Tidings ${cpu.toFixed(0)} µs CPU an update` +
      (cluster === null ? '' : `, PostgreSQL ${postgres.toFixed(0)}`)
    );
  } finally {
    for (const answer of held) answer();
    await tidings.stop();
    cluster?.stop();
    fast.server.close();
    slow.server.close();
  }
}

const store = onPostgres ? 'PostgreSQL' : 'the embedded store';
console.log(`${store}, ${updates} updates; the other receiver answering at once: ${await run(0)}`);
console.log(`${store}, ${updates} updates; the other receiver holding each request ${holdMs / 1000} s: ${await run(holdMs)}`);
process.exit(0);
