// The server process checkpoints the WAL in a thread of its own; the writer's own checkpoint only
// starts at 16,384 pages (64 MiB). So a WAL that stays small while far more than that is written shows
// the thread at work.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../clock.ts';
import { openSqliteStore } from './index.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tidings-checkpoint-'));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('background checkpoints', () => {
  it('keep the WAL small while far more than the writer’s own threshold is written, and stop with the store', async () => {
    const errors: string[] = [];
    const store = await openSqliteStore(dataDir, systemClock, { backgroundCheckpoints: true, onError: (message) => errors.push(message) });
    const accountId = (await store.createAccount('acme'))!.id;
    const databaseId = Number((await store.createDatabase(accountId, { name: 'customers' })).ID);
    const filler = 'x'.repeat(16 * 1024);
    // ≈ 80 MiB of WAL frames in all, with pauses in which the thread catches up and the WAL starts over
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 250 }, (_, index) => store.createProfile(accountId, databaseId, { fields: { filler, n: String(index) } })));
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const walBytes = statSync(join(dataDir, 'tidings.sqlite-wal')).size;
    expect(walBytes).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(statSync(join(dataDir, 'tidings.sqlite')).size).toBeGreaterThan(64 * 1024 * 1024);
    await store.close();
    expect(errors).toEqual([]);
  }, 60_000);

  it('stop with the store even when nothing else keeps the process up', () => {
    // the thread is unreferenced while it runs; a close that waited on it unreferenced never finished
    // in a process with nothing else to do (a script, a command): Node exited with the await unsettled
    const store = fileURLToPath(new URL('./index.ts', import.meta.url));
    const clock = fileURLToPath(new URL('../../clock.ts', import.meta.url));
    const script = `
      import { openSqliteStore } from ${JSON.stringify(store)};
      import { systemClock } from ${JSON.stringify(clock)};
      const store = await openSqliteStore(${JSON.stringify(dataDir)}, systemClock, { backgroundCheckpoints: true });
      await store.createAccount('acme');
      await store.close();
      console.log('closed');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect({ status: child.status, stdout: child.stdout.trim() }).toEqual({ status: 0, stdout: 'closed' });
    // the last connection closed: SQLite checkpointed the WAL into the file and removed it
    expect(existsSync(join(dataDir, 'tidings.sqlite-wal'))).toBe(false);
  }, 60_000);
});
