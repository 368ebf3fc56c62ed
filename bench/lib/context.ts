// What the cases share: the settings, the load processes (started once, stopped at the end),
// message numbers that never repeat within a run, and figures one case hands to another.
import { BenchProcess, benchScript, type Role } from './processes.ts';
import type { CaseRow } from './report.ts';
import type { Settings } from './settings.ts';

export class BenchContext {
  readonly settings: Settings;
  /** the service's sustained delivery rate (messages/s), measured by delivery-throughput */
  deliveryRate: number | null = null;
  /** the same for the bare relay that bounds it (processes/relay-server.ts) */
  relayRate: number | null = null;
  #processes = new Map<string, Promise<BenchProcess>>();
  #nextMessage = 1;

  constructor(settings: Settings) {
    this.settings = settings;
  }

  log(message: string): void {
    console.error(`bench: ${message}`);
  }

  /** Message numbers [first, first + count) for the `n` field, unique across the whole run. */
  takeNumbers(count: number): number {
    const first = this.#nextMessage;
    this.#nextMessage += count;
    return first;
  }

  /** autocannon, on the load core */
  autocannon(): Promise<BenchProcess> {
    return this.#shared('autocannon', 'processes/autocannon.ts', 'load');
  }

  /** The undici request generator: on the load core it plays the API's clients; on the server
   *  core it is the raw POST loop the delivery cases compare Tidings with. */
  requester(role: Role): Promise<BenchProcess> {
    return this.#shared(`requester-${role}`, 'processes/requester.ts', role);
  }

  /** The receiver of every delivery, on the load core. */
  sink(): Promise<BenchProcess> {
    return this.#shared('sink', 'processes/sink.ts', 'load');
  }

  #shared(name: string, script: string, role: Role): Promise<BenchProcess> {
    let started = this.#processes.get(name);
    if (!started) {
      started = BenchProcess.start({ name, argv: [process.execPath, benchScript(script)], role, ipc: true });
      this.#processes.set(name, started);
    }
    return started;
  }

  async close(): Promise<void> {
    const started = [...this.#processes.values()];
    this.#processes.clear();
    await Promise.all(started.map(async (starting) => (await starting.catch(() => null))?.stop()));
  }
}

/** A case failed in a way that makes its numbers meaningless: an error answer, a lost message. */
export class CaseFailure extends Error {}

/** A case of which a part failed: the rows of the parts that finished are still reported. */
export class PartialFailure extends Error {
  readonly rows: CaseRow[];

  constructor(message: string, rows: CaseRow[]) {
    super(message);
    this.rows = rows;
  }
}
