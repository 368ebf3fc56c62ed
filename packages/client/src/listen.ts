// `tidings listen`: a callback's messages, streamed from a Tidings server (GET /callback/{id}/listen,
// Server-Sent Events), POSTed with their real signed headers to a local target, and the target's
// answer reported back (POST /callback/{id}/listen/{deliveryID}) so the server records it as the
// delivery's attempt. Web APIs only (fetch, streams), so it runs wherever the client does.

export interface ListenOptions {
  /** the API's base URL, with /v1: `http://localhost:8080/v1` */
  baseUrl: string;
  accessToken: string;
  callbackId: string;
  /** where each message is POSTed: `http://localhost:3000/hooks` */
  forwardTo: string;
  /** one line per event for a person: connected, each message, reconnects */
  log?: (line: string) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/** What a `message` event carries (the contract's listenCallback describes it). */
export interface ListenedMessage {
  delivery: string;
  webhookId: string;
  attempt: number;
  lease: string;
  timeoutMs: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * A refusal that reconnecting cannot mend: the server's (bad token, read-only token, unknown
 * callback: `status` is its HTTP status) or a URL that cannot work (`status` 0).
 */
export class ListenRefusedError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ListenRefusedError';
    this.status = status;
  }
}

const RESPONSE_CAP = 4096;
const FIRST_BACKOFF_MS = 500;
const LAST_BACKOFF_MS = 10_000;

/**
 * Listens until `signal` aborts (resolves) or the server refuses (rejects with ListenRefusedError).
 * A dropped stream, or one silent for two heartbeats, is reconnected with back-off; the server knows
 * which messages this listener holds, so a reconnect neither repeats nor loses one.
 */
export async function listen(options: ListenOptions): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const base = options.baseUrl.replace(/\/+$/, '');
  // a URL that cannot work is a mistake to report, not a connection to retry
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) throw new ListenRefusedError(0, `not an http(s) URL: ${JSON.stringify(options.baseUrl)}`);
  if (!URL.canParse(options.forwardTo)) throw new ListenRefusedError(0, `--forward-to is not a URL: ${JSON.stringify(options.forwardTo)}`);
  let backoff = FIRST_BACKOFF_MS;
  while (!options.signal?.aborted) {
    const connected = await streamOnce(options, base, log, () => {
      backoff = FIRST_BACKOFF_MS;
    });
    if (options.signal?.aborted) return;
    log(`${stamp()}  stream ended (${connected}); reconnecting in ${(backoff / 1000).toFixed(1)} s`);
    await sleep(backoff, options.signal);
    backoff = Math.min(backoff * 2, LAST_BACKOFF_MS);
  }
}

/** One connection: answers why it ended. */
async function streamOnce(options: ListenOptions, base: string, log: (line: string) => void, onOpen: () => void): Promise<string> {
  const doFetch = options.fetch ?? fetch;
  const connection = new AbortController();
  const abort = () => connection.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  // until the first event says how often heartbeats come
  let silenceMs = 30_000;
  let watchdog = setTimeout(abort, silenceMs);
  const heard = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(abort, silenceMs);
  };
  try {
    const response = await doFetch(`${base}/callback/${encodeURIComponent(options.callbackId)}/listen`, {
      headers: { authorization: `Bearer ${options.accessToken}`, accept: 'text/event-stream' },
      signal: connection.signal,
    });
    if (!response.ok || response.body === null) {
      const text = await response.text().catch(() => '');
      const message = errorMessage(text) ?? `HTTP ${response.status}`;
      if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new ListenRefusedError(response.status, message);
      return message;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return 'closed by the server';
      heard();
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseEvent(block);
        if (event === null) continue;
        if (event.type === 'listening') {
          const heartbeatMs = Number((JSON.parse(event.data) as { heartbeatMs?: number }).heartbeatMs);
          if (heartbeatMs > 0) silenceMs = heartbeatMs * 2 + 1000;
          heard();
          onOpen();
          log(`${stamp()}  listening to callback ${options.callbackId}, forwarding to ${options.forwardTo}`);
        } else if (event.type === 'message') {
          void forward(options, base, JSON.parse(event.data) as ListenedMessage, log);
        }
      }
    }
  } catch (error) {
    if (error instanceof ListenRefusedError) throw error;
    return connection.signal.aborted && !options.signal?.aborted ? 'no heartbeat' : (error as Error).message;
  } finally {
    clearTimeout(watchdog);
    options.signal?.removeEventListener('abort', abort);
    connection.abort();
  }
}

function parseEvent(block: string): { type: string; data: string } | null {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { type, data: data.join('\n') };
}

/** POSTs one message to the target and reports what it answered. */
async function forward(options: ListenOptions, base: string, message: ListenedMessage, log: (line: string) => void): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  const started = Date.now();
  let statusCode: number | null = null;
  let response: string | null = null;
  let error: string | null = null;
  let retryAfter: string | undefined;
  try {
    const answer = await doFetch(options.forwardTo, {
      method: 'POST',
      headers: message.headers,
      body: message.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(message.timeoutMs),
    });
    statusCode = answer.status;
    retryAfter = answer.headers.get('retry-after') ?? undefined;
    response = (await answer.text()).slice(0, RESPONSE_CAP);
  } catch (caught) {
    const failure = caught as Error & { cause?: { code?: string; message?: string } };
    error = failure.name === 'TimeoutError' ? `no answer within ${message.timeoutMs} ms` : (failure.cause?.code ?? failure.cause?.message ?? failure.message);
  }
  const durationMs = Date.now() - started;
  const outcome = statusCode === null ? `failed: ${error}` : String(statusCode);
  log(`${stamp()}  ${eventName(message.body)}  delivery ${message.delivery} attempt ${message.attempt}  -> ${outcome}  ${durationMs} ms`);
  try {
    const report = await doFetch(`${base}/callback/${encodeURIComponent(options.callbackId)}/listen/${message.delivery}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lease: message.lease, statusCode, durationMs, response, error: error?.slice(0, 1000) ?? null, ...(retryAfter !== undefined && { retryAfter: retryAfter.slice(0, 100) }) }),
    });
    if (!report.ok) log(`${stamp()}  delivery ${message.delivery}: the report was refused: ${errorMessage(await report.text()) ?? `HTTP ${report.status}`}`);
  } catch (caught) {
    // unreported, the message is handed out again when its lease runs out
    log(`${stamp()}  delivery ${message.delivery}: could not report the answer (${(caught as Error).message}); it will come again`);
  }
}

/** `profile.update`, from the message's JSON or XML form */
function eventName(body: string): string {
  try {
    const parsed = JSON.parse(body) as { type?: string; action?: string };
    return `${parsed.type}.${parsed.action}`;
  } catch {
    const type = /<type>([^<]*)<\/type>/.exec(body)?.[1];
    const action = /<action>([^<]*)<\/action>/.exec(body)?.[1];
    return `${type ?? '?'}.${action ?? '?'}`;
  }
}

function errorMessage(text: string): string | null {
  try {
    return (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? null;
  } catch {
    return null;
  }
}

function stamp(): string {
  return new Date().toISOString().slice(11, 19);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
