import { describe, expect, it } from 'vitest';
import { createTidingsClient } from './client.ts';

function recordingFetch(answer: () => Response) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    return answer();
  };
  return { requests, fetch };
}

describe('createTidingsClient', () => {
  it('sends the access token as a bearer token and the user agent on every request', async () => {
    const { requests, fetch } = recordingFetch(() => Response.json({ status: 'ok', version: '0.1.0' }));
    const client = createTidingsClient({ baseUrl: 'https://tidings.example.org/v1/', accessToken: 'tid_secret', userAgent: 'shop/2.0', fetch });
    await client.GET('/health');
    await client.GET('/database/{databaseID}', { params: { path: { databaseID: '12' } } });
    expect(requests.map((request) => request.url)).toEqual(['https://tidings.example.org/v1/health', 'https://tidings.example.org/v1/database/12']);
    for (const request of requests) {
      expect(request.headers.get('authorization')).toBe('Bearer tid_secret');
      expect(request.headers.get('user-agent')).toBe('shop/2.0');
    }
  });

  it('hands back an error answer as the typed envelope instead of throwing', async () => {
    const envelope = { error: { message: 'Database not found', code: 'database_not_found' } };
    const { fetch } = recordingFetch(() => Response.json(envelope, { status: 404 }));
    const client = createTidingsClient({ baseUrl: 'https://tidings.example.org/v1', accessToken: 'tid_secret', fetch });
    const { data, error, response } = await client.GET('/database/{databaseID}', { params: { path: { databaseID: '12' } } });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error?.error.code).toBe('database_not_found');
  });

  it('throws when no answer arrives at all', async () => {
    const client = createTidingsClient({ baseUrl: 'http://127.0.0.1:1/v1', accessToken: 'tid_secret' });
    await expect(client.GET('/health')).rejects.toThrow(TypeError);
  });

  it('refuses an empty access token or a base URL that is not a URL, before any request', () => {
    expect(() => createTidingsClient({ baseUrl: 'https://tidings.example.org/v1', accessToken: ' ' })).toThrow(/accessToken/);
    expect(() => createTidingsClient({ baseUrl: 'tidings.example.org', accessToken: 'tid_secret' })).toThrow(TypeError);
  });
});
