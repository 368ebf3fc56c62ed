import type { ErrorCode } from '@tidings/spec';

/** The contract's bound on an error's message: messages quote what was sent, which may be long. */
const LONGEST_MESSAGE = 8192;

/** The one error type routes throw; app.onError turns it into the error envelope. */
export class ApiError extends Error {
  readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 429 | 503 | 507;
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;

  constructor(status: ApiError['status'], code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message.length > LONGEST_MESSAGE ? `${message.slice(0, LONGEST_MESSAGE - 1)}…` : message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export type ResourceKind = 'database' | 'collection' | 'profile' | 'subprofile' | 'callback' | 'delivery';

const ID_PATTERN = /^[1-9][0-9]{0,17}$/;

export function invalidToken(): ApiError {
  return new ApiError(400, 'invalid_access_token', 'Invalid access token');
}

export function notFound(kind: ResourceKind, id: string): ApiError {
  return new ApiError(404, `${kind}_not_found`, `No ${kind} with ID ${JSON.stringify(id)}`);
}

/** Parses an ID from a path; IDs are decimal strings, so anything else is a 400 naming the kind. */
export function parseId(kind: ResourceKind, raw: string): number {
  if (!ID_PATTERN.test(raw)) {
    throw new ApiError(
      400,
      `${kind}_id_invalid`,
      `${JSON.stringify(raw)} is not a valid ${kind} ID: IDs are decimal strings such as "21"`,
    );
  }
  const id = Number(raw);
  if (!Number.isSafeInteger(id)) throw notFound(kind, raw);
  return id;
}
