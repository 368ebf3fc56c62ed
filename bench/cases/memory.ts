// memory: Tidings' resident memory idle, then after each of three blocks of deliveries; the third
// block must not grow it (a leak shows as steady growth per message, warm-up effects do not).
import type { BenchContext } from '../lib/context.ts';
import { row, type CaseRow } from '../lib/report.ts';
import { createDeliveryRig, deliverThroughTidings } from './delivery.ts';

const allowedGrowth = 0.05;
const MiB = 1024 * 1024;

export async function runMemory(context: BenchContext): Promise<CaseRow[]> {
  const { settings } = context;
  const rig = await createDeliveryRig(context, { name: 'tidings (memory)' });
  const settle = () => new Promise((resolve) => setTimeout(resolve, settings.quick ? 300 : 2_000));
  try {
    const warmup = await deliverThroughTidings(context, rig, settings.memoryWarmupMessages);
    await settle();
    const idle = rig.tidings.process.rssBytes();
    const rate = context.deliveryRate ?? warmup.messagesPerSecond;
    const block = Math.min(
      settings.memoryBlockMessages,
      Math.max(1_000, Math.round((rate * settings.memoryBlockSeconds) / 1_000) * 1_000),
    );
    if (block < settings.memoryBlockMessages) {
      context.log(
        `memory: blocks of ${block} messages rather than ${settings.memoryBlockMessages}: at ${Math.round(rate)} msg/s more would not fit the time budget`,
      );
    }
    const after: number[] = [];
    for (let index = 1; index <= 3; index++) {
      await deliverThroughTidings(context, rig, block);
      await settle();
      after.push(rig.tidings.process.rssBytes());
      context.log(`memory: RSS after ${index * block} deliveries: ${((after.at(-1) as number) / MiB).toFixed(1)} MiB`);
    }
    const [, second, third] = after as [number, number, number];
    const growth = (third - second) / second;
    return [
      row({ name: 'memory RSS idle', baseline: null, service: idle / MiB, unit: 'MiB' }),
      ...after.map((bytes, index) =>
        row({
          name: `memory RSS after ${((index + 1) * block).toLocaleString('en-US')} deliveries`,
          baseline: null,
          service: bytes / MiB,
          unit: 'MiB',
        }),
      ),
      row({
        name: `memory growth over deliveries ${(2 * block).toLocaleString('en-US')}–${(3 * block).toLocaleString('en-US')}`,
        baseline: null,
        service: growth * 100,
        unit: '%',
        target: `< ${allowedGrowth * 100}%`,
        met: growth < allowedGrowth,
      }),
    ];
  } finally {
    await rig.stop();
  }
}
