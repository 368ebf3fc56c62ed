// The error answer of the API as an exception, for the helpers that cannot hand it back in-band.
import type { ErrorCode, ErrorEnvelope } from './types.ts';

export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { message, code } = error as { message?: unknown; code?: unknown };
  return typeof message === 'string' && typeof code === 'string';
}

/** Thrown by `paginate` when a page is answered with an error; carries the API's error envelope. */
export class TidingsApiError extends Error {
  override readonly name = 'TidingsApiError';
  /** The HTTP status, e.g. 404. */
  readonly status: number;
  /** The envelope's stable code (`database_not_found`, …); undefined when the body was not an envelope (a proxy's answer). */
  readonly code: ErrorCode | undefined;
  /** The error body as the API sent it; undefined when it was not the error envelope. */
  readonly envelope: ErrorEnvelope | undefined;
  readonly response: Response;

  constructor(response: Response, body: unknown) {
    const envelope = isErrorEnvelope(body) ? body : undefined;
    super(
      envelope
        ? `${envelope.error.message} (${envelope.error.code}, HTTP ${response.status})`
        : `HTTP ${response.status} ${response.statusText} from ${response.url || 'the Tidings API'}`.trim(),
    );
    this.status = response.status;
    this.code = envelope?.error.code;
    this.envelope = envelope;
    this.response = response;
  }
}
