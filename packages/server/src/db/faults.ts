// Faults of the infrastructure under the store, told apart from bugs and bad input: PostgreSQL away,
// restarting, cut off or too slow, the embedded store's disk full or locked. The API answers them with
// 503 or 507 in the error envelope instead of 500, the worker waits them out instead of dropping what
// it was doing, and they are logged once per interval rather than with a stack trace per request.

export interface StoreFault {
  /** `full`: no space left to write (507); `unavailable`: anything else that passes (503) */
  kind: 'unavailable' | 'full';
  /** a short description for logs and error messages, without anything a request sent */
  reason: string;
}

/** SQLSTATE classes and codes of PostgreSQL that say the server, not the request, is the problem */
const POSTGRES_UNAVAILABLE: Readonly<Record<string, string>> = {
  '57P01': 'PostgreSQL is shutting down',
  '57P02': 'PostgreSQL crashed',
  '57P03': 'PostgreSQL is not accepting connections yet',
  '57014': 'a statement ran past its time limit',
  '55P03': 'a lock could not be taken in time',
  '53300': 'PostgreSQL has too many connections',
  '53200': 'PostgreSQL is out of memory',
  '58030': 'PostgreSQL had an I/O error',
  '40001': 'a transaction kept conflicting with others',
  '40P01': 'a transaction kept deadlocking with others',
};

/** errors of node:net and of pg's client that mean the connection to PostgreSQL is gone or never came */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'not queryable',
  'Client was closed',
];

/** SQLite's primary result codes (the low byte of an extended code) that are faults, not bugs */
const SQLITE_FULL = 13;
const SQLITE_UNAVAILABLE: Readonly<Record<number, string>> = {
  5: 'the embedded store is busy (locked by another process)',
  6: 'the embedded store is locked',
  8: 'the embedded store is read-only',
  10: 'the embedded store had an I/O error',
  14: 'the embedded store cannot open its file',
};

/** What kind of infrastructure fault `error` is, or null when it is not one (a bug, bad input). */
export function storeFault(error: unknown): StoreFault | null {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const fault = ownFault(current as Error & { code?: unknown; errcode?: unknown });
    if (fault !== null) return fault;
  }
  return null;
}

function ownFault(error: Error & { code?: unknown; errcode?: unknown }): StoreFault | null {
  const { code, errcode } = error;
  if (typeof errcode === 'number' && code === 'ERR_SQLITE_ERROR') {
    if ((errcode & 0xff) === SQLITE_FULL) return { kind: 'full', reason: 'the disk of the embedded store is full' };
    const reason = SQLITE_UNAVAILABLE[errcode & 0xff];
    return reason === undefined ? null : { kind: 'unavailable', reason };
  }
  if (typeof code === 'string') {
    if (code === 'ENOSPC' || code === '53100') return { kind: 'full', reason: code === 'ENOSPC' ? 'no space left on the disk' : 'the disk of PostgreSQL is full' };
    const reason = POSTGRES_UNAVAILABLE[code] ?? (code.startsWith('08') ? `the connection to PostgreSQL failed (${code})` : undefined);
    if (reason !== undefined) return { kind: 'unavailable', reason };
    if (CONNECTION_CODES.has(code)) return { kind: 'unavailable', reason: `PostgreSQL cannot be reached (${code})` };
  }
  if (CONNECTION_MESSAGES.some((message) => error.message.includes(message))) {
    return { kind: 'unavailable', reason: `the connection to PostgreSQL was lost (${error.message.slice(0, 80)})` };
  }
  return null;
}
