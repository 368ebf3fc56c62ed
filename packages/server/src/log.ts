// Structured logs: one JSON line each (pino), on standard output, at LOG_LEVEL and above. Lines are
// written asynchronously: under load the lines that come while one is being written go out together,
// and what is still buffered is written when the process exits.
import { pino } from 'pino';
import type { Config } from './config.ts';

/** What the server logs through; pino's Logger is one. */
export interface Log {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export function createLog(level: Config['logLevel']): Log {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: false }),
  );
}
