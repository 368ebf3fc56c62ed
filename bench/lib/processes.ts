// Starts every process the harness measures or drives, each pinned to its core with taskset:
// servers (Tidings, the raw baselines) on the server core, load generators and sinks on the load core.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { IpcAnswer, IpcReady } from './ipc.ts';
import { allowedCpus, cpuSeconds, rssBytes } from './proc.ts';
import { wallNow } from './stats.ts';

export interface Placement {
  /** CPUs this run may use (taken before the harness pins itself) */
  cores: number;
  pinned: boolean;
  serverCore: number | null;
  loadCore: number | null;
  note: string;
}

export const placement: Placement = detectPlacement();

function detectPlacement(): Placement {
  const cpus = allowedCpus();
  if (spawnSync('taskset', ['--version']).status !== 0) {
    return {
      cores: cpus.length,
      pinned: false,
      serverCore: null,
      loadCore: null,
      note: 'taskset not found: every process runs unpinned',
    };
  }
  if (cpus.length < 2) {
    return {
      cores: cpus.length,
      pinned: false,
      serverCore: null,
      loadCore: null,
      note: 'only one core: every process runs unpinned',
    };
  }
  const [serverCore, loadCore] = cpus as [number, number];
  return {
    cores: cpus.length,
    pinned: true,
    serverCore,
    loadCore,
    note: `servers on core ${serverCore}; load generators, sinks and the harness on core ${loadCore}`,
  };
}

export type Role = 'server' | 'load';

function pinned(role: Role, argv: string[]): string[] {
  if (!placement.pinned) return argv;
  return ['taskset', '-c', String(role === 'server' ? placement.serverCore : placement.loadCore), ...argv];
}

/** Moves every thread of a running process (and so what it forks later) onto a role's core. */
export function pinExisting(pid: number, role: Role): void {
  if (!placement.pinned) return;
  const core = String(role === 'server' ? placement.serverCore : placement.loadCore);
  const result = spawnSync('taskset', ['-a', '-p', '-c', core, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`taskset -p ${pid}: ${result.stderr.trim()}`);
}

export function benchScript(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface StartOptions {
  name: string;
  argv: string[];
  role: Role;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** A process that talks to the harness over IPC is ready when it says so. */
  ipc?: boolean;
  /** A process without IPC is ready when a line of its output matches this. */
  readyLine?: RegExp;
  startTimeoutMs?: number;
}

/** Filled in when the process exits: its exit code, or -1 when a signal ended it. */
interface ExitState {
  code: number | null | undefined;
}

export class BenchProcess {
  readonly name: string;
  readonly pid: number;
  /** What the process sent with its ready message, or the matched ready line. */
  readonly info: unknown;
  readonly #child: ChildProcess;
  readonly #output: string[];
  readonly #exit: ExitState;
  readonly #exited: Promise<void>;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 1;
  /** This process's wall clock minus the harness's (see measureClockOffset). */
  #clockOffsetMs = 0;

  private constructor(name: string, child: ChildProcess, output: string[], exit: ExitState, exited: Promise<void>, info: unknown) {
    this.name = name;
    this.#child = child;
    this.pid = child.pid as number;
    this.#output = output;
    this.#exit = exit;
    this.#exited = exited;
    this.info = info;
    child.on('message', (message: IpcAnswer) => {
      const waiting = this.#pending.get(message.id);
      if (!waiting) return;
      this.#pending.delete(message.id);
      if ('error' in message) waiting.reject(new Error(`${name}: ${message.error}`));
      else waiting.resolve(message.result);
    });
    void exited.then(() => {
      for (const waiting of this.#pending.values()) waiting.reject(this.#exitedError());
      this.#pending.clear();
    });
  }

  static async start(options: StartOptions): Promise<BenchProcess> {
    const [command, ...args] = pinned(options.role, options.argv) as [string, ...string[]];
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    });
    running.add(child);
    const output: string[] = [];
    const exit: ExitState = { code: undefined };
    const exited = new Promise<void>((resolve) =>
      child.on('exit', (code, signal) => {
        running.delete(child);
        exit.code = code ?? (signal === null ? null : -1);
        resolve();
      }),
    );
    const lineWaiters: Array<(line: string) => void> = [];
    const collect = (stream: NodeJS.ReadableStream | null) => {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          output.push(line);
          if (output.length > 60) output.shift();
          for (const waiter of lineWaiters) waiter(line);
        }
      });
    };
    collect(child.stdout);
    collect(child.stderr);

    const timeoutMs = options.startTimeoutMs ?? 60_000;
    const info = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.name} did not start within ${timeoutMs} ms\n${output.join('\n')}`));
      }, timeoutMs);
      const done = (value: unknown) => {
        clearTimeout(timer);
        resolve(value);
      };
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited (${exit.code}) before it was ready\n${output.join('\n')}`));
      });
      if (options.ipc) {
        child.on('message', (message: Partial<IpcReady>) => {
          if (message.ready) done(message.info);
        });
      } else if (options.readyLine) {
        const pattern = options.readyLine;
        lineWaiters.push((line) => {
          const match = pattern.exec(line);
          if (match) done(match);
        });
      } else {
        done(null);
      }
    });
    const started = new BenchProcess(options.name, child, output, exit, exited, info);
    if (options.ipc) await started.measureClockOffset();
    return started;
  }

  #exitedError(): Error {
    return new Error(`${this.name} exited (${this.#exit.code})\n${this.output()}`);
  }

  call<T>(method: string, params: unknown = null): Promise<T> {
    if (this.#exit.code !== undefined) return Promise.reject(this.#exitedError());
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.send({ id, method, params });
    });
  }

  /**
   * Wall-clock times from different processes are compared (a sink's receive time against a
   * generator's send time), so each process's clock is related to the harness's: the sample with
   * the shortest round trip, its midpoint taken as the moment the child read its clock.
   */
  async measureClockOffset(): Promise<void> {
    let best = { roundTrip: Number.POSITIVE_INFINITY, offset: 0 };
    for (let sample = 0; sample < 30; sample++) {
      const sentAt = wallNow();
      const childTime = await this.call<number>('clock');
      const receivedAt = wallNow();
      if (receivedAt - sentAt < best.roundTrip) {
        best = { roundTrip: receivedAt - sentAt, offset: childTime - (sentAt + receivedAt) / 2 };
      }
    }
    this.#clockOffsetMs = best.offset;
  }

  /** A wall-clock time this process reported, on the harness's clock. */
  toHarnessTime(childTime: number): number {
    return childTime - this.#clockOffsetMs;
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid);
  }

  rssBytes(): number {
    return rssBytes(this.pid);
  }

  output(): string {
    return this.#output.join('\n');
  }

  /** kill -9: the process gets no chance to finish what it was doing. */
  async kill(): Promise<void> {
    if (this.#exit.code !== undefined) return;
    this.#child.kill('SIGKILL');
    await this.#exited;
  }

  async stop(): Promise<void> {
    if (this.#exit.code !== undefined) return;
    this.#child.kill('SIGTERM');
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(killer);
  }
}

/** Moves the harness itself off the server core, so only the measured server runs there. */
export function pinHarness(): void {
  pinExisting(process.pid, 'load');
}
