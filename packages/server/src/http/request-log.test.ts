import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Log } from '../log.ts';
import type { AppEnv } from './env.ts';
import { requestIds } from './request-log.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function linesLog(): Log & { lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> } {
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const at = (level: string) => (fields: object, message: string) => lines.push({ level, fields: fields as Record<string, unknown>, message });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function app(log?: Log): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestIds(log));
  app.get('/v1/profile/:profileID', (c) => c.json({ id: c.req.param('profileID'), requestId: c.get('requestId') }));
  app.get('/v1/broken', () => {
    throw new Error('broken');
  });
  app.onError(() => new Response('{}', { status: 500 }));
  return app;
}

describe('X-Request-Id', () => {
  it('answers with the caller\'s own ID when it is at most 128 letters, digits, dots, underscores and dashes', async () => {
    for (const id of ['abc', 'caller-request.42_x', 'a'.repeat(128)]) {
      const response = await app().request('/v1/profile/1', { headers: { 'x-request-id': id } });
      expect(response.headers.get('x-request-id')).toBe(id);
      expect(((await response.json()) as { requestId: string }).requestId).toBe(id);
    }
  });

  it('makes up a UUID when the caller sent none, or one too long or with other characters', async () => {
    for (const id of [undefined, '', 'a'.repeat(129), 'has space', 'quote"', 'line\u00e9']) {
      const response = await app().request('/v1/profile/1', id === undefined ? {} : { headers: { 'x-request-id': id } });
      expect(response.headers.get('x-request-id'), String(id)).toMatch(UUID);
    }
  });

  it('is on answers to unknown paths and to errors too', async () => {
    expect((await app().request('/nowhere')).headers.get('x-request-id')).toMatch(UUID);
    const broken = await app().request('/v1/broken');
    expect(broken.status).toBe(500);
    expect(broken.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('the request log', () => {
  it('logs one line per request with its ID, method, path without the query, route and status', async () => {
    const log = linesLog();
    await app(log).request('/v1/profile/7?access_token=secret-token', { headers: { 'x-request-id': 'r1' } });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'info',
      message: 'request',
      fields: { requestId: 'r1', method: 'GET', path: '/v1/profile/7', route: '/v1/profile/:profileID', status: 200 },
    });
    expect(JSON.stringify(log.lines)).not.toContain('secret-token');
    expect(typeof log.lines[0]?.fields.durationMs).toBe('number');
  });

  it('logs a 5xx answer at error level', async () => {
    const log = linesLog();
    await app(log).request('/v1/broken');
    expect(log.lines[0]).toMatchObject({ level: 'error', fields: { status: 500 } });
  });
});
