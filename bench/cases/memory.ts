// memory: Tidings' resident memory idle, then after each of three blocks of deliveries; the third
// block must not grow it (a leak shows as steady growth per message, warm-up effects do not). It also
// reports the heap still in use after a full collection (the server's heap probe), idle and at the
// end, each read after RSS: RSS stays at the heap's highest peak so far, while the heap that survives
// a full collection is what a leak would grow.
import type { BenchContext } from '../lib/context.ts';
import { row, type CaseRow } from '../lib/report.ts';
import { liveHeapBytes } from '../lib/tidings.ts';
import { createDeliveryRig, deliverThroughTidings } from './delivery.ts';

const allowedGrowth = 0.05;
const MiB = 1024 * 1024;

export async function runMemory(context: BenchContext): Promise<CaseRow[]> {
  const { settings } = context;
  const rig = await createDeliveryRig(context, { name: 'tidings (memory)', heapProbe: true });
  const settle = () => new Promise((resolve) => setTimeout(resolve, settings.quick ? 300 : 2_000));
  try {
    const warmup = await deliverThroughTidings(context, rig, settings.memoryWarmupMessages);
    await settle();
    const idle = rig.tidings.process.rssBytes();
    const liveIdle = await liveHeapBytes(rig.tidings.process);
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
    // only at the end: a full collection between blocks would change the heap sizing they measure
    const liveAtEnd = await liveHeapBytes(rig.tidings.process);
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
      row({ name: 'memory heap in use after a full GC, idle', baseline: null, service: liveIdle / MiB, unit: 'MiB' }),
      row({
        name: `memory heap in use after a full GC, after ${(3 * block).toLocaleString('en-US')} deliveries`,
        baseline: null,
        service: liveAtEnd / MiB,
        unit: 'MiB',
      }),
    ];
  } finally {
    await rig.stop();
  }
}
