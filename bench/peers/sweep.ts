// node bench/peers/sweep.ts: how the peers' worker settings were chosen (README.md). Each setting is
// started fresh, warmed up and measured by the harness's closed delivery loop (32 updates in flight);
// prints messages/s and µs CPU per message (the service's processes and its database's).
import { BenchContext } from '../lib/context.ts';
import { startBullmqPeer, startGraphilePeer, startRedis, type DeliveryService, type PeerSettings } from '../lib/peers.ts';
import { pinHarness } from '../lib/processes.ts';
import { settingsFor } from '../lib/settings.ts';
import { closedLoop } from '../cases/delivery.ts';
import { startCluster } from '../cases/postgres.ts';

const messages = Number(process.argv[2] ?? 2000);
pinHarness();
const context = new BenchContext(settingsFor(false));
const cluster = startCluster();
const redis = await startRedis();
try {
  const sink = await context.sink();
  const loader = await context.requester('load');
  const settings = (concurrency: number, env: NodeJS.ProcessEnv = {}): PeerSettings => ({
    sinkUrl: `http://127.0.0.1:${sink.info as number}/hook`,
    profiles: context.settings.deliveryProfiles,
    connections: context.settings.deliveryConcurrency,
    concurrency,
    env,
  });
  const measure = async (label: string, start: () => Promise<DeliveryService>) => {
    const service = await start();
    try {
      const run = (count: number) => closedLoop(context, label, sink, loader, service.updates, count, service.cpuSeconds);
      await run(500);
      const result = await run(messages);
      console.log(`${label}: ${Math.round(result.messagesPerSecond)} msg/s, ${Math.round(result.cpuMicrosPerMessage)} µs CPU/msg`);
    } finally {
      await service.stop();
    }
  };
  for (const concurrency of [8, 16, 32, 64, 128]) {
    await measure(`BullMQ concurrency ${concurrency}`, () => startBullmqPeer(redis, settings(concurrency)));
  }
  for (const concurrency of [8, 16, 32, 64]) {
    await measure(`graphile-worker concurrency ${concurrency}, localQueue ${2 * concurrency}, completeJobBatchDelay 0`, () =>
      startGraphilePeer(cluster.url, cluster.postmasterPid, settings(concurrency)),
    );
  }
  for (const [localQueue, delay] of [[-1, -1], [-1, 0], [32, 0], [128, 0], [64, 10]] as const) {
    await measure(`graphile-worker concurrency 32, localQueue ${localQueue}, completeJobBatchDelay ${delay}`, () =>
      startGraphilePeer(cluster.url, cluster.postmasterPid, settings(32, { PEER_LOCAL_QUEUE: String(localQueue), PEER_COMPLETE_DELAY: String(delay) })),
    );
  }
} finally {
  await context.close();
  await redis.stop();
  cluster.stop();
}
