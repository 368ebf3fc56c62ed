// LISTEN/NOTIFY between processes: a commit that queued deliveries sends NOTIFY on one channel
// (inside its transaction, so it is heard only once the rows are visible), and every worker process
// keeps one dedicated connection LISTENing on it. Polling stays the safety net for a lost signal.
import { sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Schema } from '../schema.ts';

export const DELIVERIES_CHANNEL = 'tidings_deliveries';

const FIRST_RETRY_MS = 100;
const LAST_RETRY_MS = 10_000;

/**
 * Sends the signal as part of the caller's transaction: PostgreSQL delivers it on commit only. The
 * payload names the store that sent it (`origin`), whose own listener passes over it: the store has
 * told its own process already, and a second claim would find nothing.
 */
export async function notifyDeliveriesQueued(trx: Transaction<Schema>, origin: string): Promise<void> {
  await sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, ${origin})`.execute(trx);
}

/**
 * One connection that LISTENs and calls `onSignal` for every notification. When the connection drops
 * it reconnects with exponential backoff (100 ms up to 10 s) and calls `onSignal` once connected
 * again, since anything queued meanwhile was not heard.
 */
export class DeliveriesListener {
  readonly #clientConfig: pg.ClientConfig;
  readonly #onSignal: () => void;
  readonly #onError: (message: string) => void;
  readonly #origin: string;
  #client: pg.Client | null = null;
  #retryMs = FIRST_RETRY_MS;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;

  /** `origin`: the signals this store sent itself, which are passed over */
  constructor(clientConfig: pg.ClientConfig, onSignal: () => void, onError: (message: string) => void, origin: string) {
    this.#origin = origin;
    this.#clientConfig = clientConfig;
    this.#onSignal = onSignal;
    this.#onError = onError;
  }

  start(): void {
    void this.#connect(false);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #connect(again: boolean): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client(this.#clientConfig);
    this.#client = client;
    client.on('notification', (message) => {
      if (message.channel === DELIVERIES_CHANNEL && message.payload !== this.#origin) this.#onSignal();
    });
    client.on('error', (error) => this.#lost(client, error.message));
    client.on('end', () => this.#lost(client, 'connection ended'));
    try {
      await client.connect();
      await client.query(`LISTEN ${DELIVERIES_CHANNEL}`);
    } catch (error) {
      this.#lost(client, (error as Error).message);
      return;
    }
    if (this.#client !== client) return;
    this.#retryMs = FIRST_RETRY_MS;
    if (again) this.#onSignal();
  }

  #lost(client: pg.Client, reason: string): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = null;
    void client.end().catch(() => undefined);
    const wait = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, LAST_RETRY_MS);
    this.#onError(`lost the LISTEN connection (${reason}); reconnecting in ${wait} ms, polling meanwhile`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#connect(true);
    }, wait);
    this.#retryTimer.unref();
  }
}
