// The embedded store's WAL checkpoints, moved off the event loop. SQLite checkpoints inside a commit once
// the WAL holds 1,000 pages: a synchronous copy of 4 MB into the database file that held the event loop
// for up to ≈ 20 ms (bench delivery-latency: write transactions over 5 ms fell from 82 to 28 in a run
// without it). Here a worker thread with its own connection runs PASSIVE checkpoints, which never wait
// for and never block the writer; the writer's own automatic checkpoint stays as a backstop at a much
// larger WAL, should this thread fall behind.
import { Worker } from 'node:worker_threads';

/** WAL pages (4 KiB) at which the writer checkpoints itself: only when this thread has fallen far behind */
export const BACKSTOP_CHECKPOINT_PAGES = 16_384;
/**
 * The WAL file is truncated to this when it starts over. At the backstop's size and a little more: a
 * WAL grown to the backstop under steady writes is then reused as it is, where truncating it to less
 * ran inside a commit on the event loop and held it for 20–26 ms (the worker's p99 trace, issue 18).
 * The cost is a WAL file of up to ≈ 65 MB on disk.
 */
export const WAL_SIZE_LIMIT_BYTES = BACKSTOP_CHECKPOINT_PAGES * 4096 + 1024 * 1024;
/** how often the thread checkpoints; with nothing new in the WAL a checkpoint costs microseconds */
const INTERVAL_MS = 100;

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (message) => {
  if (message === 'stop') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const result = checkpoint.get();
    parentPort.postMessage({ ok: true, log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.message) });
  }
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, onError: (message: string) => void): Checkpointer {
  const worker = new Worker(workerSource, { eval: true, workerData: { file } });
  worker.unref();
  let busy = false;
  // known from the start: a thread that died of an error has exited before anyone asks it to stop
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  worker.on('message', (answer: { ok: boolean; message?: string }) => {
    busy = false;
    if (!answer.ok) onError(`WAL checkpoint failed: ${answer.message}`);
  });
  worker.on('error', (error) => onError(`WAL checkpointer stopped: ${error.message}`));
  const timer = setInterval(() => {
    if (busy || stopping !== undefined) return;
    busy = true;
    worker.postMessage('checkpoint');
  }, INTERVAL_MS);
  timer.unref();
  return {
    stop() {
      // every caller waits for the same exit
      stopping ??= (async () => {
        clearInterval(timer);
        // unreferenced, the thread would not keep the process up until it has closed its connection:
        // a shutdown with nothing else left to wait for ended here, before the store closed its own
        worker.ref();
        worker.postMessage('stop');
        await exited;
      })();
      return stopping;
    },
  };
}
