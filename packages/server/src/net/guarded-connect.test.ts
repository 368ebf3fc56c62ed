import type { LookupAddress, LookupOptions } from 'node:dns';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, Pool, buildConnector, request, type Dispatcher } from 'undici';
import {
  AddressRefusedError,
  createGuardedAgent,
  createGuardedConnector,
  createGuardedLookup,
  guardConnector,
  type LookupAllAddresses,
} from './guarded-connect.ts';
import { NO_ALLOWED_NETWORKS, parseAllowedNetworks } from './networks.ts';

interface Receiver {
  readonly port: number;
  readonly requests: IncomingMessage[];
  /** TCP connections accepted, with or without a request on them. */
  connections: number;
}

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A real receiver on a loopback address that records what reaches it; "/redirect" answers 302. */
async function startReceiver(host = '127.0.0.1', port = 0): Promise<Receiver> {
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((incoming, response) => {
    requests.push(incoming);
    if (incoming.url === '/redirect') {
      response.writeHead(302, { location: `http://${host}:${receiver.port}/target` }).end();
    } else {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('received');
    }
  });
  server.on('connection', () => {
    receiver.connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const receiver: Receiver = { port: (server.address() as AddressInfo).port, requests, connections: 0 };
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  return receiver;
}

function guardedAgent(allowedList: string, lookup?: LookupAllAddresses): Agent {
  const allowed = parseAllowedNetworks(allowedList);
  const agent = createGuardedAgent(lookup === undefined ? { allowed } : { allowed, lookup });
  cleanups.push(() => agent.close());
  return agent;
}

/** A resolver that answers each call with the next answer (the last one repeats), counting calls. */
function scriptedLookup(...answers: ReadonlyArray<readonly string[]>): LookupAllAddresses & { calls: number } {
  const lookup = async (_hostname: string): Promise<LookupAddress[]> => {
    const answer = answers[Math.min(lookup.calls, answers.length - 1)] ?? [];
    lookup.calls += 1;
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  lookup.calls = 0;
  return lookup;
}

async function get(url: string, dispatcher: Dispatcher, options: { reset?: boolean } = {}) {
  const response = await request(url, { dispatcher, ...options });
  const body = await response.body.text();
  return { statusCode: response.statusCode, headers: response.headers, body };
}

describe('guarded agent', () => {
  it('sends nothing to a loopback receiver addressed by IP literal', async () => {
    const receiver = await startReceiver();
    const attempt = get(`http://127.0.0.1:${receiver.port}/`, guardedAgent(''));
    await expect(attempt).rejects.toThrow(AddressRefusedError);
    await expect(attempt).rejects.toThrow('refused to connect to 127.0.0.1 (loopback address)');
    expect(receiver.connections).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends nothing to a host name that resolves to loopback', async () => {
    const receiver = await startReceiver();
    const attempt = get(`http://hooks.example.org:${receiver.port}/`, guardedAgent('', scriptedLookup(['127.0.0.1'])));
    await expect(attempt).rejects.toThrow(
      new AddressRefusedError('hooks.example.org', [
        { address: '127.0.0.1', range: 'loopback', reason: 'loopback address 127.0.0.1' },
      ]),
    );
    await expect(attempt).rejects.toMatchObject({
      name: 'AddressRefusedError',
      code: 'TIDINGS_ADDRESS_REFUSED',
      hostname: 'hooks.example.org',
      message: 'refused to connect to 127.0.0.1 (loopback address) for hooks.example.org',
    });
    expect(receiver.connections).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('checks the resolved address for https too (the lookup reaches tls.connect)', async () => {
    const receiver = await startReceiver();
    const attempt = get(`https://hooks.example.org:${receiver.port}/`, guardedAgent('', scriptedLookup(['127.0.0.1'])));
    await expect(attempt).rejects.toThrow('refused to connect to 127.0.0.1 (loopback address) for hooks.example.org');
    expect(receiver.connections).toBe(0);
  });

  it('names every refused address when a host name has no allowed one', async () => {
    const lookup = scriptedLookup(['10.0.0.5', '169.254.169.254', '::1']);
    const attempt = get('http://hooks.example.org/', guardedAgent('', lookup));
    await expect(attempt).rejects.toThrow(
      'refused to connect to 10.0.0.5 (private address), 169.254.169.254 (cloud metadata address), ' +
        '::1 (loopback address) for hooks.example.org',
    );
  });

  it('refuses an IPv6 literal without connecting', async () => {
    await expect(get('http://[::ffff:7f00:1]:9/', guardedAgent(''))).rejects.toThrow(
      'refused to connect to ::ffff:7f00:1 (loopback address)',
    );
  });

  it('refuses localhost through the system resolver', async () => {
    const receiver = await startReceiver();
    await expect(get(`http://localhost:${receiver.port}/`, guardedAgent(''))).rejects.toThrow(AddressRefusedError);
    expect(receiver.connections).toBe(0);
  });

  it('delivers to loopback once 127.0.0.0/8 is allowed, by literal and by name', async () => {
    const receiver = await startReceiver();
    const agent = guardedAgent('127.0.0.0/8', scriptedLookup(['127.0.0.1']));
    expect(await get(`http://127.0.0.1:${receiver.port}/literal`, agent)).toMatchObject({ statusCode: 200, body: 'received' });
    expect(await get(`http://hooks.example.org:${receiver.port}/named`, agent)).toMatchObject({ statusCode: 200 });
    expect(receiver.requests.map((incoming) => [incoming.url, incoming.headers.host])).toEqual([
      ['/literal', `127.0.0.1:${receiver.port}`],
      ['/named', `hooks.example.org:${receiver.port}`],
    ]);
  });

  // 127.0.0.1 plays the public address (allowed), 127.0.0.2 the internal one (refused by default).
  describe('with a mixed or changing DNS answer', () => {
    it('connects only to the allowed address of a mixed answer', async () => {
      const publicReceiver = await startReceiver('127.0.0.1');
      const internalReceiver = await startReceiver('127.0.0.2', publicReceiver.port);
      const lookup = scriptedLookup(['10.0.0.5', '127.0.0.2', '127.0.0.1', 'fd00::5']);
      const response = await get(`http://hooks.example.org:${publicReceiver.port}/`, guardedAgent('127.0.0.1/32', lookup));
      expect(response.statusCode).toBe(200);
      expect(publicReceiver.requests).toHaveLength(1);
      expect(internalReceiver.connections).toBe(0);
    });

    it('connects to the very address it checked, resolving once per connection', async () => {
      const publicReceiver = await startReceiver('127.0.0.1');
      const internalReceiver = await startReceiver('127.0.0.2', publicReceiver.port);
      // A rebinding resolver: public on the first answer, internal on every later one.
      const lookup = scriptedLookup(['127.0.0.1'], ['127.0.0.2']);
      const agent = guardedAgent('127.0.0.1/32', lookup);
      const url = `http://rebinding.example.org:${publicReceiver.port}/`;

      expect(await get(url, agent, { reset: true })).toMatchObject({ statusCode: 200 });
      expect(lookup.calls).toBe(1);

      await expect(get(url, agent)).rejects.toThrow(
        'refused to connect to 127.0.0.2 (loopback address) for rebinding.example.org',
      );
      expect(lookup.calls).toBe(2);
      expect(publicReceiver.requests).toHaveLength(1);
      expect(internalReceiver.connections).toBe(0);
    });
  });

  it('returns a 302 as it is, without following it', async () => {
    const receiver = await startReceiver();
    const response = await get(`http://127.0.0.1:${receiver.port}/redirect`, guardedAgent('127.0.0.1/32'));
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(`http://127.0.0.1:${receiver.port}/target`);
    expect(receiver.requests.map((incoming) => incoming.url)).toEqual(['/redirect']);
  });

  it('guards a Pool given the connector as its connect option', async () => {
    const receiver = await startReceiver();
    const origin = `http://127.0.0.1:${receiver.port}`;
    const refusing = new Pool(origin, { connect: createGuardedConnector({ allowed: NO_ALLOWED_NETWORKS }) });
    const allowing = new Pool(origin, {
      connect: createGuardedConnector({ allowed: parseAllowedNetworks('127.0.0.0/8') }),
    });
    cleanups.push(() => refusing.close(), () => allowing.close());
    await expect(get(`${origin}/`, refusing)).rejects.toThrow(AddressRefusedError);
    expect(receiver.connections).toBe(0);
    expect(await get(`${origin}/`, allowing)).toMatchObject({ statusCode: 200 });
  });
});

describe('guardConnector', () => {
  it('drops a socket whose peer turns out to be refused, before any request is written', async () => {
    const receiver = await startReceiver();
    // An unguarded lookup stands for any path to a socket that bypassed the address check.
    const unguarded = buildConnector({
      lookup: (_hostname, options, callback) => {
        if (options.all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
        else callback(null, '127.0.0.1', 4);
      },
    });
    const agent = new Agent({ connect: guardConnector(unguarded, NO_ALLOWED_NETWORKS) });
    cleanups.push(() => agent.close());
    await expect(get(`http://sneaky.example.org:${receiver.port}/`, agent)).rejects.toThrow(
      'refused to connect to 127.0.0.1 (loopback address) for sneaky.example.org',
    );
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('createGuardedLookup', () => {
  const mixedAnswer = scriptedLookup(['10.0.0.5', '93.184.215.14', 'fe80::1', '2606:4700:4700::1111', '127.0.0.1']);

  function lookUp(lookup: LookupAllAddresses, options: LookupOptions) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>(
      (resolve) => {
        createGuardedLookup(NO_ALLOWED_NETWORKS, lookup)('hooks.example.org', options, (error, address, family) =>
          resolve({ error, address, family }),
        );
      },
    );
  }

  it('answers all allowed addresses, in order, when asked for all', async () => {
    expect(await lookUp(mixedAnswer, { all: true })).toMatchObject({
      error: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700:4700::1111', family: 6 },
      ],
    });
  });

  it('answers the first allowed address of the requested family when asked for one', async () => {
    expect(await lookUp(mixedAnswer, {})).toMatchObject({ error: null, address: '93.184.215.14', family: 4 });
    expect(await lookUp(mixedAnswer, { family: 6 })).toMatchObject({
      error: null,
      address: '2606:4700:4700::1111',
      family: 6,
    });
  });

  it('fails with AddressRefusedError when every address is refused', async () => {
    const { error } = await lookUp(scriptedLookup(['10.0.0.5', 'fd00::1']), { all: true });
    expect(error).toBeInstanceOf(AddressRefusedError);
    expect(error?.message).toBe(
      'refused to connect to 10.0.0.5 (private address), fd00::1 (unique local (private) address) for hooks.example.org',
    );
  });

  it('passes resolver failures on unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.org'), { code: 'ENOTFOUND' });
    const failing: LookupAllAddresses = () => Promise.reject(failure);
    expect((await lookUp(failing, { all: true })).error).toBe(failure);
    const throwing: LookupAllAddresses = () => {
      throw failure;
    };
    expect((await lookUp(throwing, { all: true })).error).toBe(failure);
  });

  it('reports "not found" when no address of the requested family exists', async () => {
    const { error } = await lookUp(scriptedLookup(['93.184.215.14']), { family: 6 });
    expect(error).toMatchObject({ code: 'ENOTFOUND', message: 'no IPv6 address found for hooks.example.org' });
  });
});
