// /metrics as an operator uses it: a real server with TIDINGS_METRICS_PORT, known traffic, the text
// checked by promtool, and Debian's Prometheus (started here on loopback with a config of this test's)
// scraping it and answering queries over its HTTP API with the counts of that traffic.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProcess, type Started } from './support/processes.ts';
import { eventually, startReceiver, type Receiver } from './support/receiver.ts';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bootstrap-token-for-metrics-tests';
const CHANGES = 20;
const alertRules = fileURLToPath(new URL('../prometheus/tidings-alerts.yml', import.meta.url));
const installed = existsSync('/usr/bin/prometheus') && existsSync('/usr/bin/promtool');
if (!installed) console.warn('metrics e2e SKIPPED: Debian\'s prometheus is not installed (apt-get install -y prometheus; ./tidings test does so as root)');

let server: Started & { match: RegExpMatchArray };
let receiver: Receiver;
let prometheus: Started | null = null;
let base: string;
let metricsUrl: string;
const dataDir = mkdtempSync(join(tmpdir(), 'tidings-metrics-'));

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function call(method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

describe.skipIf(!installed)('metrics', () => {
  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startProcess(process.execPath, ['src/main.ts'], {
      cwd: serverDir,
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        TIDINGS_DATA_DIR: join(dataDir, 'data'),
        TIDINGS_BOOTSTRAP_TOKEN: TOKEN,
        TIDINGS_ALLOWED_NETWORKS: '127.0.0.0/8',
        TIDINGS_METRICS_PORT: '0',
      },
      ready: /listening on (http:\/\/[^\s]+)[\s\S]*\n  metrics (http:\/\/[^\s]+)/,
    });
    base = server.match[1] as string;
    metricsUrl = server.match[2] as string;
    expect(await call('POST', '/v1/databases', { name: 'customers' })).toBe(201);
    expect(await call('POST', '/v1/database/1/callbacks', { url: `${receiver.url}/hook` })).toBe(201);
    for (let i = 0; i < CHANGES; i++) expect(await call('POST', '/v1/database/1/profiles', { fields: { i: String(i) } })).toBe(201);
    expect(await call('GET', '/v1/profile/999')).toBe(404);
    await receiver.waitFor(CHANGES);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop('SIGTERM');
    await server?.stop('SIGTERM');
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts requests by route and status, deliveries by outcome, and the queue, in a text promtool accepts', async () => {
    const text = await eventually(async () => {
      const body = await (await fetch(metricsUrl)).text();
      // an attempt is counted when it ends, and its delivery leaves the queue when its outcome is
      // recorded, a moment later: a scrape in between sees it still in flight
      return (
        body.includes(`tidings_deliveries_total{outcome="succeeded"} ${CHANGES}`) && /^tidings_queue_in_flight_deliveries 0$/m.test(body) && body
      );
    });
    expect(text).toContain(`tidings_api_request_duration_seconds_count{method="POST",route="/v1/database/:databaseID/profiles",status="201"} ${CHANGES}`);
    expect(text).toContain('tidings_api_request_duration_seconds_count{method="GET",route="/v1/profile/:profileID",status="404"} 1');
    expect(text).toContain(`tidings_delivery_attempt_duration_seconds_count{result="success"} ${CHANGES}`);
    expect(text).toMatch(/^tidings_queue_due_deliveries 0$/m);
    expect(text).toMatch(/^tidings_queue_in_flight_deliveries 0$/m);
    expect(text).toMatch(/^tidings_queue_parked_deliveries 0$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    // bounded labels: no IDs, no URLs, no tokens
    expect(text).not.toMatch(/route="[^"]*\/[0-9]+/);
    expect(text).not.toContain(receiver.url);
    expect(text).not.toContain(TOKEN);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it("is scraped by Debian's Prometheus, which answers the delivery counters over its HTTP API", async () => {
    const port = await freePort();
    const directory = mkdtempSync(join(tmpdir(), 'tidings-prometheus-'));
    const target = new URL(metricsUrl).host;
    // the alerting rules README "Metrics" offers, evaluated every second against this server
    writeFileSync(join(directory, 'tidings-alerts.yml'), readFileSync(alertRules));
    writeFileSync(
      join(directory, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - tidings-alerts.yml\n` +
        `scrape_configs:\n  - job_name: tidings\n    static_configs:\n      - targets: ['${target}']\n`,
    );
    execFileSync('promtool', ['check', 'config', join(directory, 'prometheus.yml')], { stdio: 'pipe' });
    prometheus = await startProcess(
      '/usr/bin/prometheus',
      [`--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { ready: /Server is ready to receive web requests/, timeoutMs: 30_000 },
    );
    try {
      const query = async (expression: string) => {
        const answer = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expression)}`)).json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return answer.data.result.map((sample) => Number(sample.value[1]));
      };
      const succeeded = await eventually(async () => {
        const values = await query('tidings_deliveries_total{job="tidings",outcome="succeeded"}');
        return values[0] === CHANGES && values;
      }, 20_000);
      expect(succeeded).toEqual([CHANGES]);
      expect(await query('sum(tidings_api_request_duration_seconds_count{status="201"})')).toEqual([CHANGES + 2]);
      expect(await query('up{job="tidings"}')).toEqual([1]);
      // every rule evaluated, without error, and none fires on a healthy server
      const rules = await eventually(async () => {
        const answer = (await (await fetch(`http://127.0.0.1:${port}/api/v1/rules`)).json()) as {
          data: { groups: Array<{ rules: Array<{ name: string; query: string; health: string; state: string; lastError?: string }> }> };
        };
        const all = answer.data.groups.flatMap((group) => group.rules);
        return all.length > 0 && all.every((rule) => rule.health !== 'unknown') && all;
      }, 20_000);
      expect(rules.map((rule) => rule.name)).toEqual([
        'TidingsDeliveriesStuck',
        'TidingsDeliveriesExhausted',
        'TidingsDeliveryFailureRatio',
        'TidingsStoreFaults',
        'TidingsSlowApi',
        'TidingsExpressionTimeouts',
      ]);
      // a rule over a misspelt metric would evaluate fine and never fire: each names metrics Tidings exposes
      const exposed = new Set([...(await (await fetch(metricsUrl)).text()).matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]));
      for (const rule of rules) {
        expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
        expect(rule.state, rule.name).toBe('inactive');
        const names = [...rule.query.matchAll(/\btidings_[a-z_]+/g)].map((match) => match[0].replace(/_bucket$/, ''));
        expect(names.length, rule.name).toBeGreaterThan(0);
        for (const name of names) expect(exposed, `${rule.name} uses ${name}`).toContain(name);
      }
    } finally {
      await prometheus.stop('SIGTERM');
      prometheus = null;
      rmSync(directory, { recursive: true, force: true });
    }
  }, 60_000);
});
