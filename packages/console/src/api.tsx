// The API as the console uses it: @tidings/client (openapi-fetch typed by the contract) bound to
// TanStack Query by openapi-react-query, so every query and mutation is typed by the contract.
import { createTidingsClient, type ErrorEnvelope, type TidingsClient } from '@tidings/client';
import createQueryClient, { type OpenapiQueryClient } from 'openapi-react-query';
import { createContext, useContext } from 'react';
import type { paths } from '@tidings/client';

export interface Session {
  token: string;
  /** Found out at sign-in (see probeReadOnly): a read-only console shows no write control and no secret. */
  readOnly: boolean;
}

const STORAGE_KEY = 'tidings.console.session';

export function loadSession(): Session | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as Partial<Session> | null;
    if (stored && typeof stored.token === 'string' && typeof stored.readOnly === 'boolean') {
      return { token: stored.token, readOnly: stored.readOnly };
    }
  } catch {
    // a damaged entry is a signed-out console
  }
  return null;
}

export function saveSession(session: Session | null): void {
  if (session === null) sessionStorage.removeItem(STORAGE_KEY);
  else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export interface Api {
  client: TidingsClient;
  query: OpenapiQueryClient<paths>;
  session: Session;
}

export function createApi(session: Session): Api {
  const client = createTidingsClient({ baseUrl: `${location.origin}/v1`, accessToken: session.token });
  return { client, query: createQueryClient(client), session };
}

/**
 * The API tells a read-only token only by refusing it: GET /callback/{id}/secret answers 403
 * `forbidden` to a read-only token before it looks the callback up, and 404 (or the secret) to one
 * that may write. An ID no account has keeps the probe free of side effects.
 */
export async function probeReadOnly(client: TidingsClient): Promise<boolean> {
  const { error } = await client.GET('/callback/{callbackID}/secret', { params: { path: { callbackID: '999999999999999999' } } });
  return error?.error.code === 'forbidden';
}

/** The message of an API error envelope, or of a failure to reach the API at all. */
export function errorMessage(error: unknown): string {
  const envelope = error as Partial<ErrorEnvelope> | null;
  if (envelope && typeof envelope === 'object' && typeof envelope.error?.message === 'string') return envelope.error.message;
  if (error instanceof Error) return `The API could not be reached: ${error.message}`;
  return 'The API answered with an error it did not explain';
}

export function errorCode(error: unknown): string | undefined {
  return (error as Partial<ErrorEnvelope> | null)?.error?.code;
}

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside a signed-in console');
  return api;
}
