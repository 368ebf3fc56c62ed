// Starting real processes for end-to-end tests: wait for a line, stop them, never leak them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Started {
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * The Node flags of the server's start script (package.json: `node <flags> src/main.ts`), so that a
 * test's server runs with the V8 heap settings a real one has.
 */
export function startFlags(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = manifest.scripts.start.trim().split(/\s+/);
  if (command !== 'node' || args.at(-1) !== 'src/main.ts') throw new Error(`the start script is not node <flags> src/main.ts: ${manifest.scripts.start}`);
  return args.slice(0, -1);
}

/** Starts a command and resolves once its output matches `ready` (rejects on exit or timeout). */
export function startProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; ready: RegExp; timeoutMs?: number },
): Promise<Started & { match: RegExpMatchArray }> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not become ready:\n${output}`));
    }, options.timeoutMs ?? 30_000);
    let ready = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // once ready, only kept: matching the whole output again on every chunk of a busy process's log
      // lines cost this process (often the test's receiver too) time that grows with the output
      if (ready) return;
      const match = output.match(options.ready);
      if (match) {
        ready = true;
        clearTimeout(timer);
        resolve({ child, output: () => output, stop, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Polls a URL until it answers with the wanted status. */
export async function waitForStatus(url: string, status: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === status) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
