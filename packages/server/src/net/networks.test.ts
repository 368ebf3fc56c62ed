import { describe, expect, it } from 'vitest';
import { NO_ALLOWED_NETWORKS, formatAddress, isAddressRefused, parseAllowedNetworks, parseNetwork } from './networks.ts';

describe('isAddressRefused', () => {
  it.each([
    ['127.0.0.1', 'loopback address 127.0.0.1'],
    ['127.255.255.254', 'loopback address 127.255.255.254'],
    ['::1', 'loopback address ::1'],
    ['10.0.0.5', 'private address 10.0.0.5'],
    ['172.16.0.1', 'private address 172.16.0.1'],
    ['172.31.255.255', 'private address 172.31.255.255'],
    ['192.168.1.1', 'private address 192.168.1.1'],
    ['169.254.169.254', 'cloud metadata address 169.254.169.254'],
    ['169.254.0.1', 'link-local address 169.254.0.1'],
    ['fe80::1', 'link-local address fe80::1'],
    ['fe80::1%eth0', 'link-local address fe80::1'],
    ['100.64.0.1', 'carrier-grade NAT address 100.64.0.1'],
    ['100.127.255.255', 'carrier-grade NAT address 100.127.255.255'],
    ['224.0.0.1', 'multicast address 224.0.0.1'],
    ['239.255.255.250', 'multicast address 239.255.255.250'],
    ['ff02::1', 'multicast address ff02::1'],
    ['0.0.0.0', 'unspecified address 0.0.0.0'],
    ['0.1.2.3', 'unspecified address 0.1.2.3'],
    ['::', 'unspecified address ::'],
    ['255.255.255.255', 'broadcast address 255.255.255.255'],
    ['240.0.0.1', 'reserved address 240.0.0.1'],
    ['198.18.0.1', 'benchmarking address 198.18.0.1'],
    ['198.19.255.255', 'benchmarking address 198.19.255.255'],
    ['192.0.2.1', 'documentation address 192.0.2.1'],
    ['198.51.100.7', 'documentation address 198.51.100.7'],
    ['203.0.113.9', 'documentation address 203.0.113.9'],
    ['2001:db8::1', 'documentation address 2001:db8::1'],
    ['192.0.0.8', 'IETF protocol assignment address 192.0.0.8'],
    ['fc00::1', 'unique local (private) address fc00::1'],
    ['fd12:3456::1', 'unique local (private) address fd12:3456::1'],
    ['fd00:ec2::254', 'cloud metadata address fd00:ec2::254'],
    ['fec0::1', 'site-local address fec0::1'],
    ['2001::1', 'Teredo address 2001::1'],
    ['100::1', 'discard-only address 100::1'],
    ['::ffff:127.0.0.1', 'loopback address 127.0.0.1 in IPv4-mapped form ::ffff:127.0.0.1'],
    ['::ffff:7f00:1', 'loopback address 127.0.0.1 in IPv4-mapped form ::ffff:7f00:1'],
    ['::ffff:a9fe:a9fe', 'cloud metadata address 169.254.169.254 in IPv4-mapped form ::ffff:a9fe:a9fe'],
    ['::ffff:10.0.0.1', 'private address 10.0.0.1 in IPv4-mapped form ::ffff:10.0.0.1'],
    ['::127.0.0.1', 'loopback address 127.0.0.1 in IPv4-compatible form ::127.0.0.1'],
    ['::ffff:0:7f00:1', 'loopback address 127.0.0.1 in IPv4-translated form ::ffff:0:7f00:1'],
    ['64:ff9b::7f00:1', 'loopback address 127.0.0.1 in NAT64 form 64:ff9b::7f00:1'],
    ['64:ff9b::192.168.0.1', 'private address 192.168.0.1 in NAT64 form 64:ff9b::192.168.0.1'],
    ['2002:7f00:1::', 'loopback address 127.0.0.1 in 6to4 form 2002:7f00:1::'],
    ['2002:a9fe:a9fe:1::5', 'cloud metadata address 169.254.169.254 in 6to4 form 2002:a9fe:a9fe:1::5'],
    ['64:ff9b:1::a', 'local-use NAT64 address 64:ff9b:1::a'],
    ['::2:3', 'unspecified address 0.2.0.3 in IPv4-compatible form ::2:3'],
    ['4000::1', 'reserved address 4000::1'],
  ])('refuses %s as %s', (ip, reason) => {
    expect(isAddressRefused(ip, NO_ALLOWED_NETWORKS)).toMatchObject({ refused: true, reason });
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '198.17.255.255',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:93.184.215.14',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('accepts the public address %s', (ip) => {
    expect(isAddressRefused(ip, NO_ALLOWED_NETWORKS)).toEqual({ refused: false });
  });

  it.each(['', 'example.org', '127.1', '0177.0.0.1', '2130706433', '1::2::3', '[::1]'])(
    'refuses %j, which is not an IP address',
    (text) => {
      expect(isAddressRefused(text, NO_ALLOWED_NETWORKS)).toMatchObject({ refused: true, range: 'invalid' });
    },
  );

  it('names the kind of range on its own for short messages', () => {
    expect(isAddressRefused('10.0.0.5', NO_ALLOWED_NETWORKS)).toMatchObject({ range: 'private' });
  });
});

describe('allowed networks', () => {
  const loopbackAllowed = parseAllowedNetworks('127.0.0.0/8');

  it('opens an IPv4 network and its IPv4-mapped spelling, and nothing else', () => {
    expect(isAddressRefused('127.0.0.1', loopbackAllowed).refused).toBe(false);
    expect(isAddressRefused('127.45.6.7', loopbackAllowed).refused).toBe(false);
    expect(isAddressRefused('::ffff:127.0.0.1', loopbackAllowed).refused).toBe(false);
    expect(isAddressRefused('::ffff:7f00:1', loopbackAllowed).refused).toBe(false);
    expect(isAddressRefused('10.0.0.1', loopbackAllowed).refused).toBe(true);
    expect(isAddressRefused('::ffff:10.0.0.1', loopbackAllowed).refused).toBe(true);
    expect(isAddressRefused('::1', loopbackAllowed).refused).toBe(true);
    expect(isAddressRefused('169.254.169.254', loopbackAllowed).refused).toBe(true);
  });

  it('opens IPv6 networks and single hosts', () => {
    const allowed = parseAllowedNetworks(' ::1 , fd00:1234::/32,10.1.2.3');
    expect(isAddressRefused('::1', allowed).refused).toBe(false);
    expect(isAddressRefused('fd00:1234:5::9', allowed).refused).toBe(false);
    expect(isAddressRefused('fd00:1235::9', allowed).refused).toBe(true);
    expect(isAddressRefused('10.1.2.3', allowed).refused).toBe(false);
    expect(isAddressRefused('10.1.2.4', allowed).refused).toBe(true);
  });

  it('treats an unset or empty setting as no allowed networks', () => {
    expect(parseAllowedNetworks(undefined).networks).toEqual([]);
    expect(parseAllowedNetworks('').networks).toEqual([]);
    expect(parseAllowedNetworks(' , ').networks).toEqual([]);
  });

  it('keeps the entry as written', () => {
    expect(parseAllowedNetworks('192.168.0.0/16').networks).toEqual([
      { family: 4, base: 0xc0a80000n, prefixLength: 16, text: '192.168.0.0/16' },
    ]);
  });

  it.each([
    ['10.0.0.0/33', /invalid network "10\.0\.0\.0\/33" in TIDINGS_ALLOWED_NETWORKS: .*0 to 32/],
    ['::1/129', /invalid network "::1\/129" .*0 to 128/],
    ['10.0.0.0/', /invalid network "10\.0\.0\.0\/" .*prefix length/],
    ['10.0.0.0/8/8', /invalid network "10\.0\.0\.0\/8\/8"/],
    ['10.0.0.0/-1', /invalid network "10\.0\.0\.0\/-1"/],
    ['hooks.example.org', /invalid network "hooks\.example\.org" .*not an IPv4 or IPv6 address/],
    ['127.1', /invalid network "127\.1"/],
    ['0177.0.0.1/32', /invalid network "0177\.0\.0\.1\/32"/],
    ['256.0.0.0/8', /invalid network "256\.0\.0\.0\/8"/],
    ['fe80::1%eth0', /invalid network "fe80::1%eth0" .*zone/],
    ['10.0.0.1/8', /invalid network "10\.0\.0\.1\/8" .*did you mean 10\.0\.0\.0\/8\?/],
    ['fd00::1/8', /did you mean fd00::\/8\?/],
  ])('rejects %j, naming the entry', (entry, message) => {
    expect(() => parseAllowedNetworks(`127.0.0.0/8,${entry}`)).toThrow(message);
  });
});

describe('formatAddress', () => {
  it.each([
    ['::', 6],
    ['::1', 6],
    ['1::', 6],
    ['2001:db8::1:0:0:1', 6],
    ['2001:db8:0:1:1:1:1:1', 6],
    ['fe80::1:2', 6],
    ['10.20.30.40', 4],
  ] as const)('writes %s canonically', (text, family) => {
    expect(formatAddress(parseNetwork(text).base, family)).toBe(text);
  });
});
