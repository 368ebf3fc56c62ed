// The contract bounds every string, integer and array a client sends; the server refuses what passes a
// bound with a 400 envelope that names the property, and keeps its own answers within theirs.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createHarness, type Harness } from '../../test/support/harness.ts';
import { SQLITE_FILE } from '../db/sqlite/connection.ts';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('the contract’s bounds', () => {
  it('refuses a page start past 2147483647, naming the parameter', async () => {
    expect((await h.request('GET', '/v1/databases?start=2147483647')).status).toBe(200);
    const refused = await h.request('GET', '/v1/databases?start=2147483648');
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'invalid_parameter' } } });
    expect((refused.body as { error: { message: string } }).error.message).toContain("'start' must be at most 2147483647");
  });

  it('refuses over-long or over-many values in a body, naming the property', async () => {
    const database = await h.request('POST', '/v1/databases', { body: { name: 'customers' } });
    const databaseId = (database.body as { ID: string }).ID;
    const cases: Array<[string, unknown, string, string]> = [
      ['/v1/databases', { name: 'x'.repeat(256) }, 'invalid_body', "Property 'name' must be at most 255 characters long"],
      ['/v1/databases', { name: 'x', description: 'x'.repeat(4097) }, 'invalid_body', "Property 'description' must be at most 4096 characters long"],
      [`/v1/database/${databaseId}/profiles`, { fields: { city: 'x'.repeat(65536) } }, 'invalid_body', "Property 'fields.city' must be at most 65535 characters long"],
      [`/v1/database/${databaseId}/profiles`, { interests: Array.from({ length: 1001 }, (_, i) => `i${i}`) }, 'invalid_body', "Property 'interests' must have at most 1000 items"],
      [`/v1/database/${databaseId}/callbacks`, { url: `https://example.com/${'x'.repeat(2048)}` }, 'url_invalid', "Property 'url' must be at most 2048 characters long"],
      [`/v1/database/${databaseId}/callbacks`, { url: 'https://example.com/', expression: 'x'.repeat(4097) }, 'expression_too_long', "Property 'expression' must be at most 4096 characters long"],
    ];
    for (const [path, body, code, message] of cases) {
      expect(await h.request('POST', path, { body })).toMatchObject({ status: 400, body: { error: { code, message } } });
    }
  });

  it('keeps an error message within 8192 characters when it quotes a long input', async () => {
    const refused = await h.request('POST', '/v1/databases', { body: { name: 'x', ['k'.repeat(20_000)]: 'v' } });
    expect(refused).toMatchObject({ status: 400, body: { error: { code: 'unknown_property' } } });
    const message = (refused.body as { error: { message: string } }).error.message;
    expect(message).toHaveLength(8192);
    expect(message.endsWith('…')).toBe(true);
  });

  // the attempts are written straight into the embedded store: 1,001 real attempts would take hours of retries
  it.skipIf(inject('tidingsStore') === 'postgres')('shows a delivery’s latest 1000 attempts, oldest first, each error within 4096 characters', async () => {
    const database = (await h.request('POST', '/v1/databases', { body: { name: 'customers' } })).body as { ID: string };
    const callback = (await h.request('POST', `/v1/database/${database.ID}/callbacks`, { body: { url: 'https://example.com/hook' } })).body as { ID: string };
    const delivery = (await h.request('POST', `/v1/callback/${callback.ID}/test`)).body as { ID: string };
    const sqlite = new DatabaseSync(join(h.config.dataDir, SQLITE_FILE));
    try {
      const insert = sqlite.prepare('INSERT INTO delivery_attempts (delivery_id, time, status_code, duration_ms, error, response) VALUES (?, ?, ?, ?, ?, ?)');
      for (let i = 0; i <= 1000; i++) insert.run(Number(delivery.ID), '2026-11-22 09:00:00', null, i, i === 1000 ? 'e'.repeat(5000) : 'refused', null);
    } finally {
      sqlite.close();
    }
    const detail = await h.request('GET', `/v1/delivery/${delivery.ID}`);
    const log = (detail.body as { attemptLog: Array<{ durationMs: number; error: string }> }).attemptLog;
    expect(log).toHaveLength(1000);
    expect([log[0]?.durationMs, log.at(-1)?.durationMs]).toEqual([1, 1000]);
    expect(log.at(-1)?.error).toBe(`${'e'.repeat(4095)}…`);
  });
});
