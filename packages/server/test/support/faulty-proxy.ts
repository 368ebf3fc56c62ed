// A bad network path for tests, where tc netem is not available: a TCP proxy on 127.0.0.1:0 in front of
// a receiver that delays, loses and resets, and can cut the path off altogether for a while. What
// happens to each chunk is drawn from a seeded random, so a run's faults can be repeated.
import { connect, createServer, type Socket } from 'node:net';

export interface Faults {
  /** a connection's setup, and each chunk the client sends, is delayed by latencyMs ± jitterMs */
  latencyMs: number;
  jitterMs: number;
  /** the chance that a chunk from the client is lost, and with it the connection: nothing more passes either way */
  loss: number;
  /** the chance that a chunk (either way) resets both sides of its connection instead of passing */
  reset: number;
}

export const CLEAN: Faults = { latencyMs: 0, jitterMs: 0, loss: 0, reset: 0 };

export interface FaultyProxy {
  /** http://127.0.0.1:port: the receiver's address, through the bad path */
  url: string;
  counts: { connections: number; chunks: number; lost: number; resets: number; cutOff: number };
  setFaults(faults: Faults): void;
  /** Cuts the path off for `ms`: connections open and new ones carry nothing either way, ever (a blackhole). */
  partition(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed, the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Path {
  client: Socket;
  upstream: Socket;
  /** chunks on their way to the receiver, in order, each with the time it is due to pass */
  queue: Array<{ at: number; chunk: Buffer }>;
  /** when the last chunk toward the receiver is due to pass: later chunks never overtake it */
  upstreamAt: number;
  blackholed: boolean;
}

export async function startFaultyProxy(targetPort: number, options: { seed: number; faults?: Faults }): Promise<FaultyProxy> {
  const random = seededRandom(options.seed);
  let faults = options.faults ?? CLEAN;
  let partitioned = false;
  let closed = false;
  const paths = new Set<Path>();
  const timers = new Set<NodeJS.Timeout>();
  const counts = { connections: 0, chunks: 0, lost: 0, resets: 0, cutOff: 0 };

  const latency = () => Math.max(0, faults.latencyMs + (random() * 2 - 1) * faults.jitterMs);
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  // the client is left waiting on a connection that carries nothing, until it gives up and closes it
  const blackhole = (path: Path) => {
    path.blackholed = true;
    path.upstream.destroy();
  };
  const drain = (path: Path) => {
    while (!path.blackholed && path.queue.length > 0 && (path.queue[0]?.at ?? 0) <= Date.now()) {
      path.upstream.write((path.queue.shift() as { chunk: Buffer }).chunk);
    }
    const next = path.queue[0];
    if (!path.blackholed && next !== undefined) later(next.at - Date.now(), () => drain(path));
  };
  const reset = (path: Path) => {
    counts.resets++;
    path.blackholed = true;
    path.client.resetAndDestroy();
    path.upstream.resetAndDestroy();
  };
  /** whether a chunk passes, or the fault drawn for it loses or resets its connection instead */
  const passes = (path: Path, fromClient: boolean): boolean => {
    counts.chunks++;
    const draw = random();
    if (fromClient && draw < faults.loss) {
      counts.lost++;
      blackhole(path);
      return false;
    }
    if (draw >= 1 - faults.reset) {
      reset(path);
      return false;
    }
    return true;
  };

  const server = createServer((client) => {
    counts.connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    const path: Path = { client, upstream, queue: [], upstreamAt: Date.now() + latency(), blackholed: false };
    paths.add(path);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      paths.delete(path);
      upstream.destroy();
    });
    upstream.on('close', () => {
      if (!path.blackholed) client.end();
    });
    if (partitioned) {
      counts.cutOff++;
      blackhole(path);
    }
    client.on('data', (chunk: Buffer) => {
      if (path.blackholed || !passes(path, true)) return;
      path.upstreamAt = Math.max(path.upstreamAt, Date.now()) + latency();
      path.queue.push({ at: path.upstreamAt, chunk });
      if (path.queue.length === 1) later(path.upstreamAt - Date.now(), () => drain(path));
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!path.blackholed && passes(path, false)) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setFaults(next) {
      faults = next;
    },
    partition(ms) {
      partitioned = true;
      for (const path of paths) {
        if (!path.blackholed) counts.cutOff++;
        blackhole(path);
      }
      return new Promise((resolve) =>
        later(ms, () => {
          partitioned = false;
          resolve();
        }),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const path of paths) {
        path.client.destroy();
        path.upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
