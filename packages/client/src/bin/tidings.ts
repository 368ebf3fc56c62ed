#!/usr/bin/env node
// The `tidings` command of @tidings/client: `tidings listen --callback <id> --forward-to <url>`.
// (The package builds without Node's types, so the little of `process` it needs is typed here.)
import { listen, ListenRefusedError } from '../listen.ts';

interface NodeProcess {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode?: number;
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): void;
}
const proc = (globalThis as unknown as { process: NodeProcess }).process;

const USAGE = `Usage: tidings listen --callback <id> --forward-to <url> [--url <api base>] [--token <token>]

  Streams a callback's messages from a Tidings server and POSTs each one, with its real signed
  headers, to a local target; the target's answers are recorded as the deliveries' attempts.

  --callback <id>      the callback to listen to (a token that may write to it is needed)
  --forward-to <url>   where to POST each message, e.g. http://localhost:3000/hooks
  --url <api base>     the API, with /v1 (default: $TIDINGS_URL or http://localhost:8080/v1)
  --token <token>      the access token (default: $TIDINGS_TOKEN)`;

function parse(args: string[]): Record<string, string> | string {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const match = /^--(callback|forward-to|url|token)(?:=(.*))?$/.exec(arg);
    if (!match) return `unknown argument: ${arg}`;
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '') return `--${match[1]} needs a value`;
    options[match[1] as string] = value;
  }
  return options;
}

async function main(): Promise<number> {
  const [command, ...rest] = proc.argv.slice(2);
  if (command !== 'listen') {
    console.error(command === undefined || command === '--help' ? USAGE : `unknown command: ${command}\n\n${USAGE}`);
    return command === '--help' ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parse(rest);
  if (typeof options === 'string') {
    console.error(`tidings listen: ${options}\n\n${USAGE}`);
    return 2;
  }
  const token = options.token ?? proc.env.TIDINGS_TOKEN;
  const callbackId = options.callback;
  const forwardTo = options['forward-to'];
  if (!callbackId || !forwardTo || !token) {
    console.error(`tidings listen: ${!token ? 'an access token (--token or TIDINGS_TOKEN)' : '--callback and --forward-to'} must be given\n\n${USAGE}`);
    return 2;
  }
  const stop = new AbortController();
  proc.on('SIGINT', () => stop.abort());
  proc.on('SIGTERM', () => stop.abort());
  try {
    await listen({
      baseUrl: options.url ?? proc.env.TIDINGS_URL ?? 'http://localhost:8080/v1',
      accessToken: token,
      callbackId,
      forwardTo,
      signal: stop.signal,
    });
    return 0;
  } catch (error) {
    if (error instanceof ListenRefusedError) {
      console.error(error.status === 0 ? `tidings listen: ${error.message}` : `tidings listen: refused (HTTP ${error.status}): ${error.message}`);
      return 1;
    }
    throw error;
  }
}

proc.exitCode = await main();
