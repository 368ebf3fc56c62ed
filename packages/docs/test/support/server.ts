// The real Tidings server for the browser test, started the way `pnpm start` starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = join(dirname(fileURLToPath(import.meta.url)), '../../../server');

export interface RunningServer {
  /** The docs URL the server printed at start-up. */
  docsUrl: string;
  /** The server's origin, `http://127.0.0.1:<port>`. */
  origin: string;
  stop: () => Promise<void>;
}

/** Starts the server on a free loopback port with an empty data directory; resolves once it printed its URLs. */
export function startServer(timeoutMs = 30_000): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-docs-server-'));
  const child: ChildProcess = spawn(process.execPath, ['src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TIDINGS_DATA_DIR: dataDir,
      TIDINGS_BOOTSTRAP_TOKEN: 'docs-browser-test-token',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };
  let output = '';
  let settled = false;
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${message}:\n${output}`)));
    };
    const timer = setTimeout(() => fail(`the server did not start within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /listening on (http:\/\/\S+)[\s\S]*\n {2}docs +(http:\/\/\S+)[\s\S]*\n {2}token /.exec(output);
      if (ready && !settled) {
        settled = true;
        clearTimeout(timer);
        resolve({ origin: ready[1] as string, docsUrl: ready[2] as string, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(`the server exited with ${code} before it was ready`));
  });
}
