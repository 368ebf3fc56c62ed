// Every setting Tidings reads, from the environment, validated once at start-up.
// An invalid value stops start-up with one line naming the setting (ConfigError).

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  postgresPoolSize: number;
  postgresStatementTimeoutMs: number;
  role: 'all' | 'api' | 'worker';
  bootstrapToken: string | null;
  allowedNetworks: string;
  retryScheduleSeconds: number[];
  deliveryTimeoutMs: number;
  deliveryConcurrency: number;
  expressionTimeoutMs: number;
  expressionMemoryBytes: number;
  maxExpressionLength: number;
  maxCallbacksPerDatabase: number;
  rateLimitPerSecond: number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  secretGraceSeconds: number;
  deliveryRetentionDays: number;
  /** how often a `tidings listen` stream sends a heartbeat; a listener holds its callback for three */
  listenHeartbeatMs: number;
  mockPort: number;
  /** where /metrics is served (its own listener, on HOST); null: not served */
  metricsPort: number | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** OpenTelemetry tracing (tracing.ts): on when an OTLP endpoint is set; the exporter reads the OTEL_* variables itself */
  tracing: boolean;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim() as T;
  if (!allowed.includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return value;
}

function retrySchedule(env: Env): number[] {
  const raw = env.TIDINGS_RETRY_SCHEDULE;
  if (raw === undefined || raw.trim() === '') return [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length > 50 || parts.some((part) => !/^\d+$/.test(part) || Number(part) > 7 * 86400)) {
    throw new ConfigError(
      `TIDINGS_RETRY_SCHEDULE must be a comma-separated list of at most 50 delays in seconds (each at most 604800), got "${raw}"`,
    );
  }
  return parts.map(Number);
}

/** On when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is an http(s) URL, unless OTEL_SDK_DISABLED is "true". */
function tracing(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    if (!/^https?:\/\/[^/]/.test(raw) || !URL.canParse(raw)) throw new ConfigError(`${name} must be an http:// or https:// URL, got "${raw}"`);
    return true;
  }
  return false;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be a postgres:// or postgresql:// URL`);
  }
  const bootstrapToken = env.TIDINGS_BOOTSTRAP_TOKEN?.trim() || null;
  if (bootstrapToken !== null && !/^[A-Za-z0-9_.~-]{16,200}$/.test(bootstrapToken)) {
    throw new ConfigError('TIDINGS_BOOTSTRAP_TOKEN must be 16 to 200 characters of letters, digits and _.~-');
  }
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    dataDir: env.TIDINGS_DATA_DIR?.trim() || './data',
    databaseUrl,
    postgresPoolSize: integer(env, 'TIDINGS_PG_POOL_SIZE', 10, 1, 1000),
    postgresStatementTimeoutMs: integer(env, 'TIDINGS_PG_STATEMENT_TIMEOUT_MS', 5000, 100, 600000),
    role: oneOf(env, 'TIDINGS_ROLE', 'all', ['all', 'api', 'worker'] as const),
    bootstrapToken,
    allowedNetworks: env.TIDINGS_ALLOWED_NETWORKS?.trim() ?? '',
    retryScheduleSeconds: retrySchedule(env),
    deliveryTimeoutMs: integer(env, 'TIDINGS_DELIVERY_TIMEOUT_MS', 15000, 100, 300000),
    deliveryConcurrency: integer(env, 'TIDINGS_DELIVERY_CONCURRENCY', 64, 1, 10000),
    expressionTimeoutMs: integer(env, 'TIDINGS_EXPRESSION_TIMEOUT_MS', 100, 1, 10000),
    expressionMemoryBytes: integer(env, 'TIDINGS_EXPRESSION_MEMORY_MB', 16, 1, 1024) * 1024 * 1024,
    maxExpressionLength: integer(env, 'TIDINGS_MAX_EXPRESSION_LENGTH', 4096, 1, 4096),
    maxCallbacksPerDatabase: integer(env, 'TIDINGS_MAX_CALLBACKS_PER_DATABASE', 100, 1, 100000),
    rateLimitPerSecond: integer(env, 'TIDINGS_RATE_LIMIT', 1000, 0, 1000000),
    maxBodyBytes: integer(env, 'TIDINGS_MAX_BODY_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: integer(env, 'TIDINGS_REQUEST_TIMEOUT_MS', 30000, 1000, 300000),
    secretGraceSeconds: integer(env, 'TIDINGS_SECRET_GRACE_SECONDS', 86400, 0, 30 * 86400),
    deliveryRetentionDays: integer(env, 'TIDINGS_DELIVERY_RETENTION_DAYS', 30, 1, 3650),
    listenHeartbeatMs: integer(env, 'TIDINGS_LISTEN_HEARTBEAT_MS', 10000, 100, 60000),
    mockPort: integer(env, 'MOCK_PORT', 4010, 0, 65535),
    metricsPort: env.TIDINGS_METRICS_PORT?.trim() ? integer(env, 'TIDINGS_METRICS_PORT', 0, 0, 65535) : null,
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    tracing: tracing(env),
  };
}
