// The two things that speak the contract: the real server (a fresh data directory per start) and
// the Prism mock (`pnpm mock`). Both are started as processes, on 127.0.0.1 port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitForStatus } from './processes.ts';

const repoDir = fileURLToPath(new URL('../../../../', import.meta.url));

export interface RunningTarget {
  /** The API's base URL, with /v1. */
  baseUrl: string;
  token: string;
  stop: () => Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tidings-client-'));
  const token = 'client-tests-bootstrap-token';
  try {
    const server = await startProcess(process.execPath, ['src/main.ts'], {
      cwd: join(repoDir, 'packages/server'),
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        TIDINGS_DATA_DIR: dataDir,
        TIDINGS_BOOTSTRAP_TOKEN: token,
        TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
        LOG_LEVEL: 'error',
        ...env,
      },
      ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n {2}token /,
    });
    return {
      baseUrl: `${server.match[1]}/v1`,
      token,
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

export async function startMock(): Promise<RunningTarget> {
  const mock = await startProcess(process.execPath, ['scripts/mock.ts'], {
    cwd: join(repoDir, 'spec'),
    env: { MOCK_PORT: '0' },
    ready: /tidings mock: (http:\/\/[^\s]+\/v1)/,
  });
  const baseUrl = mock.match[1] as string;
  try {
    await waitForStatus(`${baseUrl}/health`, 200);
  } catch (error) {
    await mock.stop();
    throw error;
  }
  return { baseUrl, token: 'tid_any_token_works_on_the_mock', stop: mock.stop };
}
