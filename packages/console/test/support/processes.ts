// The real server and the contract mock for the browser tests, started as processes on 127.0.0.1
// port 0, and stopped (never leaked) after.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repoDir = fileURLToPath(new URL('../../../../', import.meta.url));
const serverDir = join(repoDir, 'packages/server');

interface Started {
  match: RegExpMatchArray;
  stop: () => Promise<void>;
}

function startProcess(args: string[], cwd: string, env: Record<string, string>, ready: RegExp, timeoutMs = 30_000): Promise<Started> {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${args.join(' ')} did not become ready:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ match, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

export interface RunningServer {
  origin: string;
  /** The bootstrap token: it may write. */
  token: string;
  /** A read-only token of the same account, made with `tidings tokens create default --read-only`. */
  readOnlyToken: string;
  stop: () => Promise<void>;
}

/** The real server on an empty data directory, with loopback receivers allowed. */
export async function startServer(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-console-'));
  const token = 'console-browser-test-token';
  const env = { PORT: '0', HOST: '127.0.0.1', TIDINGS_DATA_DIR: dataDir, TIDINGS_BOOTSTRAP_TOKEN: token, TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8', LOG_LEVEL: 'error' };
  try {
    const server = await startProcess(['src/main.ts'], serverDir, env, /listening on (http:\/\/\S+)[\s\S]*\n {2}token /);
    const { stdout } = await promisify(execFile)(process.execPath, ['src/cli.ts', 'tokens', 'create', 'default', '--read-only'], {
      cwd: serverDir,
      env: { ...process.env, ...env },
    });
    const readOnlyToken = stdout.trim().split('\n').at(-1) as string;
    return {
      origin: server.match[1] as string,
      token,
      readOnlyToken,
      stop: async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** `./tidings mock`: Prism serving the contract's examples behind the server-like front. */
export async function startMock(): Promise<{ origin: string; stop: () => Promise<void> }> {
  const mock = await startProcess(['scripts/mock.ts'], join(repoDir, 'spec'), { MOCK_PORT: '0' }, /tidings mock: (http:\/\/\S+)\/v1/);
  const origin = mock.match[1] as string;
  const deadline = Date.now() + 30_000;
  // Prism answers 503 while it starts
  for (;;) {
    const status = await fetch(`${origin}/v1/health`).then((response) => response.status, () => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await mock.stop();
      throw new Error('the mock did not become healthy within 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { origin, stop: mock.stop };
}
