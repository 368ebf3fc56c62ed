import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as systemLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isAddressRefused, type AllowedNetworks } from './networks.ts';

/** Resolves a host name to every address it has, like `dns.lookup(name, { all: true })`. */
export type LookupAllAddresses = (hostname: string) => Promise<readonly LookupAddress[]>;

export const lookupWithSystemResolver: LookupAllAddresses = (hostname) => systemLookup(hostname, { all: true });

export interface RefusedAddress {
  readonly address: string;
  /** The kind of range, e.g. "private". */
  readonly range: string;
  readonly reason: string;
}

/** Raised (as the request's error) when a callback target has no address Tidings may connect to. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  // Any code but undici's UND_ERR_SOCKET / UND_ERR_INFO: those make undici keep the queued requests
  // and reconnect, these must fail.
  readonly code = 'TIDINGS_ADDRESS_REFUSED';
  readonly hostname: string;
  readonly refusedAddresses: readonly RefusedAddress[];

  constructor(hostname: string, refusedAddresses: readonly RefusedAddress[]) {
    const targets = refusedAddresses.map((refused) => `${refused.address} (${refused.range} address)`).join(', ');
    const isLiteral = refusedAddresses.every((refused) => refused.address === hostname);
    super(`refused to connect to ${targets}${isLiteral ? '' : ` for ${hostname}`}`);
    this.hostname = hostname;
    this.refusedAddresses = refusedAddresses;
  }
}

export interface GuardedConnectOptions {
  readonly allowed: AllowedNetworks;
  /** Injectable for tests; defaults to the system resolver (what `dns.lookup` uses). */
  readonly lookup?: LookupAllAddresses;
  /**
   * Passed to undici's `buildConnector` (TLS options, `timeout`, `autoSelectFamily`, …). A Pool or
   * Agent given a connector function ignores its own `connectTimeout`/`tls`/`autoSelectFamily`,
   * so set them here.
   */
  readonly connect?: buildConnector.BuildOptions;
}

/**
 * An undici Agent that connects only to addresses allowed by `allowed`. Use it as the `dispatcher`
 * of every request to a callback URL.
 */
export function createGuardedAgent(options: GuardedConnectOptions & { readonly agent?: Agent.Options }): Agent {
  return new Agent({ ...options.agent, connect: createGuardedConnector(options) });
}

/**
 * The `connect` option for an undici Agent, Pool or Client. Host names are resolved by a lookup that
 * drops refused addresses, and the socket connects to one of the addresses that lookup returned, so
 * the address checked is the address connected to (a DNS answer that changes between check and
 * connect cannot slip through).
 */
export function createGuardedConnector(options: GuardedConnectOptions): buildConnector.connector {
  const connectToCheckedAddress = buildConnector({
    ...options.connect,
    lookup: createGuardedLookup(options.allowed, options.lookup ?? lookupWithSystemResolver),
  });
  return guardConnector(connectToCheckedAddress, options.allowed);
}

/**
 * Wraps any undici connector with the checks that need no DNS: an IP-literal host is judged before
 * connecting (Node does not call `lookup` for one), and the peer address is judged after connecting,
 * whatever path the socket took to get there.
 */
export function guardConnector(connector: buildConnector.connector, allowed: AllowedNetworks): buildConnector.connector {
  return (options, callback) => {
    // undici passes IPv6 literals without their brackets.
    if (isIP(options.hostname) !== 0) {
      const verdict = isAddressRefused(options.hostname, allowed);
      if (verdict.refused) {
        const error = new AddressRefusedError(options.hostname, [refusedAddress(options.hostname, verdict)]);
        // Asynchronously, as a failed socket would: undici may start the next connection from the callback.
        process.nextTick(() => callback(error, null));
        return;
      }
    }
    connector(options, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const peer = socket.remoteAddress;
      const verdict =
        peer === undefined
          ? ({ refused: true, range: 'unknown', reason: 'the socket has no IP peer address' } as const)
          : isAddressRefused(peer, allowed);
      if (verdict.refused) {
        socket.destroy();
        callback(new AddressRefusedError(options.hostname, [refusedAddress(peer ?? 'an unknown peer', verdict)]), null);
        return;
      }
      callback(null, socket);
    });
  };
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that answers only with allowed addresses, and fails with
 * AddressRefusedError when there is none. Node calls it with `all: true` when it may try several
 * addresses (autoSelectFamily, the default), and without when it wants one.
 */
export function createGuardedLookup(allowed: AllowedNetworks, lookup: LookupAllAddresses): LookupFunction {
  return (hostname, options, callback) => {
    Promise.resolve()
      .then(() => lookup(hostname))
      .then(
        // Out of the promise chain, so an exception thrown by the callback is not taken for a DNS failure.
        (addresses) => process.nextTick(answer, addresses),
        (error: unknown) => process.nextTick(() => callback(asErrnoException(error), '')),
      );

    function answer(addresses: readonly LookupAddress[]): void {
      const family = requestedFamily(options);
      const candidates = addresses.filter((candidate) => family === 0 || candidate.family === family);
      if (candidates.length === 0) {
        callback(notFound(hostname, family), '');
        return;
      }
      const accepted: LookupAddress[] = [];
      const refused: RefusedAddress[] = [];
      for (const { address, family: addressFamily } of candidates) {
        const verdict = isAddressRefused(address, allowed);
        if (verdict.refused) refused.push(refusedAddress(address, verdict));
        else accepted.push({ address, family: addressFamily });
      }
      const first = accepted[0];
      if (first === undefined) {
        callback(new AddressRefusedError(hostname, refused), '');
      } else if (options.all === true) {
        callback(null, accepted);
      } else {
        callback(null, first.address, first.family);
      }
    }
  };
}

function refusedAddress(address: string, verdict: { range: string; reason: string }): RefusedAddress {
  return { address, range: verdict.range, reason: verdict.reason };
}

function requestedFamily(options: LookupOptions): 0 | 4 | 6 {
  if (options.family === 4 || options.family === 'IPv4') return 4;
  if (options.family === 6 || options.family === 'IPv6') return 6;
  return 0;
}

function notFound(hostname: string, family: 0 | 4 | 6): NodeJS.ErrnoException {
  const what = family === 0 ? 'address' : `IPv${family} address`;
  return Object.assign(new Error(`no ${what} found for ${hostname}`), { code: 'ENOTFOUND', hostname });
}

function asErrnoException(error: unknown): NodeJS.ErrnoException {
  return error instanceof Error ? error : new Error(String(error));
}
