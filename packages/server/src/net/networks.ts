import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export interface IpNetwork {
  readonly family: IpFamily;
  /** The network address as an integer: 32 bits for IPv4, 128 bits for IPv6. */
  readonly base: bigint;
  readonly prefixLength: number;
  /** The entry as the operator wrote it, for messages. */
  readonly text: string;
}

/** Networks the operator opened with TIDINGS_ALLOWED_NETWORKS; they win over the default refusals. */
export interface AllowedNetworks {
  readonly networks: readonly IpNetwork[];
}

export type AddressVerdict =
  | { readonly refused: false; readonly reason?: undefined }
  | {
      readonly refused: true;
      /** Why, in a few words a person can act on: "loopback address 127.0.0.1". */
      readonly reason: string;
      /** The kind of range alone ("loopback", "private", …), for shorter messages. */
      readonly range: string;
    };

const IPV4_BITS = 32;
const IPV6_BITS = 128;

interface NamedRange {
  readonly network: IpNetwork;
  readonly kind: string;
}

/**
 * Ranges refused unless allowed. Order matters: the first match names the reason, so a specific
 * range (cloud metadata) comes before the one that contains it (link-local).
 */
const REFUSED_IPV4_RANGES: readonly NamedRange[] = [
  named('0.0.0.0/8', 'unspecified'),
  named('10.0.0.0/8', 'private'),
  named('100.64.0.0/10', 'carrier-grade NAT'),
  named('127.0.0.0/8', 'loopback'),
  named('169.254.169.254/32', 'cloud metadata'),
  named('169.254.0.0/16', 'link-local'),
  named('172.16.0.0/12', 'private'),
  named('192.0.0.0/24', 'IETF protocol assignment'),
  named('192.0.2.0/24', 'documentation'),
  named('192.168.0.0/16', 'private'),
  named('198.18.0.0/15', 'benchmarking'),
  named('198.51.100.0/24', 'documentation'),
  named('203.0.113.0/24', 'documentation'),
  named('224.0.0.0/4', 'multicast'),
  named('255.255.255.255/32', 'broadcast'),
  named('240.0.0.0/4', 'reserved'),
];

const REFUSED_IPV6_RANGES: readonly NamedRange[] = [
  named('::/128', 'unspecified'),
  named('::1/128', 'loopback'),
  named('fd00:ec2::254/128', 'cloud metadata'),
  named('fc00::/7', 'unique local (private)'),
  named('fe80::/10', 'link-local'),
  named('fec0::/10', 'site-local'),
  named('ff00::/8', 'multicast'),
  named('2001::/32', 'Teredo'),
  named('2001:2::/48', 'benchmarking'),
  named('2001:db8::/32', 'documentation'),
  named('3fff::/20', 'documentation'),
  named('64:ff9b:1::/48', 'local-use NAT64'),
  named('100::/64', 'discard-only'),
];

/**
 * IPv6 forms that carry an IPv4 address: a packet to one of them ends up at (or is translated to)
 * the embedded IPv4 address, so that address decides.
 */
interface EmbeddingForm {
  readonly network: IpNetwork;
  readonly name: string;
  /** Where the 32 bits of IPv4 sit, counted from the least significant bit. */
  readonly ipv4Shift: bigint;
}

const IPV4_EMBEDDING_FORMS: readonly EmbeddingForm[] = [
  { network: parseNetwork('::ffff:0:0/96'), name: 'IPv4-mapped', ipv4Shift: 0n },
  { network: parseNetwork('::ffff:0:0:0/96'), name: 'IPv4-translated', ipv4Shift: 0n },
  { network: parseNetwork('64:ff9b::/96'), name: 'NAT64', ipv4Shift: 0n },
  { network: parseNetwork('2002::/16'), name: '6to4', ipv4Shift: 80n },
  // Checked last: ::/96 also holds :: and ::1, which the named ranges already refuse.
  { network: parseNetwork('::/96'), name: 'IPv4-compatible', ipv4Shift: 0n },
];

const IPV4_MAPPED = IPV4_EMBEDDING_FORMS[0]!;

/** Everything outside 2000::/3 (global unicast) that no rule above names is reserved by the IETF. */
const IPV6_GLOBAL_UNICAST = parseNetwork('2000::/3');

export const NO_ALLOWED_NETWORKS: AllowedNetworks = { networks: [] };

/**
 * Parses TIDINGS_ALLOWED_NETWORKS: comma-separated IPv4 or IPv6 networks in CIDR notation, or bare
 * addresses (a single host). Throws naming the first bad entry.
 */
export function parseAllowedNetworks(list: string | undefined): AllowedNetworks {
  const entries = (list ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return { networks: entries.map(parseAllowedEntry) };
}

function parseAllowedEntry(entry: string): IpNetwork {
  try {
    return parseNetwork(entry);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`invalid network "${entry}" in TIDINGS_ALLOWED_NETWORKS: ${why}`, { cause: error });
  }
}

/**
 * Parses "address/prefix" or a bare address. Host bits must be zero: "10.0.0.1/8" is more often a
 * typo than a wish to open all of 10.0.0.0/8, so it is refused with the network spelled out.
 */
export function parseNetwork(text: string): IpNetwork {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const family = ipFamily(addressText);
  if (family === undefined) {
    throw new Error(
      addressText.includes('%')
        ? 'an IPv6 zone (%…) is not allowed in a network'
        : `"${addressText}" is not an IPv4 or IPv6 address (write IPv4 as four decimal numbers, e.g. 10.0.0.0/8)`,
    );
  }
  const bits = family === 4 ? IPV4_BITS : IPV6_BITS;
  let prefixLength = bits;
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      throw new Error(`the prefix length of an IPv${family} network must be a number from 0 to ${bits}`);
    }
    prefixLength = Number(prefixText);
  }
  const value = parseAddress(addressText, family);
  const base = value & prefixMask(family, prefixLength);
  if (base !== value) {
    throw new Error(`host bits are set; did you mean ${formatAddress(base, family)}/${prefixLength}?`);
  }
  return { family, base, prefixLength, text };
}

/**
 * Decides whether Tidings may connect to `ip`. Refused by default: every address that reaches the
 * machine itself, its private networks, or infrastructure (metadata services, multicast, …),
 * including IPv6 spellings that embed such an IPv4 address. An allowed network wins.
 */
export function isAddressRefused(ip: string, allowed: AllowedNetworks): AddressVerdict {
  const address = withoutZone(ip);
  const family = ipFamily(address);
  if (family === undefined) {
    return refusal('invalid', `invalid IP address ${JSON.stringify(ip)}`);
  }
  const value = parseAddress(address, family);
  if (isAllowed(value, family, allowed)) {
    return { refused: false };
  }
  return family === 4 ? classifyIPv4(value, address) : classifyIPv6(value, address);
}

function classifyIPv4(value: bigint, spelling: string): AddressVerdict {
  const range = findRange(REFUSED_IPV4_RANGES, value, 4);
  return range === undefined ? { refused: false } : refusal(range.kind, `${range.kind} address ${spelling}`);
}

function classifyIPv6(value: bigint, spelling: string): AddressVerdict {
  const range = findRange(REFUSED_IPV6_RANGES, value, 6);
  if (range !== undefined) {
    return refusal(range.kind, `${range.kind} address ${spelling}`);
  }
  const form = IPV4_EMBEDDING_FORMS.find((candidate) => contains(candidate.network, value, 6));
  if (form !== undefined) {
    const embedded = (value >> form.ipv4Shift) & 0xffffffffn;
    const ipv4Range = findRange(REFUSED_IPV4_RANGES, embedded, 4);
    if (ipv4Range === undefined) {
      return { refused: false };
    }
    const ipv4 = formatAddress(embedded, 4);
    return refusal(ipv4Range.kind, `${ipv4Range.kind} address ${ipv4} in ${form.name} form ${spelling}`);
  }
  if (!contains(IPV6_GLOBAL_UNICAST, value, 6)) {
    return refusal('reserved', `reserved address ${spelling}`);
  }
  return { refused: false };
}

function isAllowed(value: bigint, family: IpFamily, allowed: AllowedNetworks): boolean {
  if (allowed.networks.some((network) => contains(network, value, family))) {
    return true;
  }
  // ::ffff:127.0.0.1 is the same socket peer as 127.0.0.1 (dual-stack sockets report it so),
  // so opening an IPv4 network opens its IPv4-mapped spelling too.
  if (family === 6 && contains(IPV4_MAPPED.network, value, 6)) {
    const ipv4 = value & 0xffffffffn;
    return allowed.networks.some((network) => contains(network, ipv4, 4));
  }
  return false;
}

function refusal(range: string, reason: string): AddressVerdict {
  return { refused: true, range, reason };
}

function findRange(ranges: readonly NamedRange[], value: bigint, family: IpFamily): NamedRange | undefined {
  return ranges.find((range) => contains(range.network, value, family));
}

function contains(network: IpNetwork, value: bigint, family: IpFamily): boolean {
  return network.family === family && (value & prefixMask(family, network.prefixLength)) === network.base;
}

function prefixMask(family: IpFamily, prefixLength: number): bigint {
  const bits = BigInt(family === 4 ? IPV4_BITS : IPV6_BITS);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefixLength))) & all;
}

function named(cidr: string, kind: string): NamedRange {
  return { network: parseNetwork(cidr), kind };
}

function withoutZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** Node's checks accept only canonical dotted-decimal IPv4 (no octal or hex parts, no "127.1"). */
function ipFamily(text: string): IpFamily | undefined {
  if (isIPv4(text)) return 4;
  if (isIPv6(text) && !text.includes('%')) return 6;
  return undefined;
}

/** Only for text that `ipFamily` accepted. */
function parseAddress(text: string, family: IpFamily): bigint {
  return family === 4 ? parseIPv4(text) : parseIPv6(text);
}

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function parseIPv6(text: string): bigint {
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  const hexText = tail.includes('.') ? text.slice(0, lastColon + 1) + ipv4AsHexGroups(tail) : text;
  const [headText = '', restText] = hexText.split('::');
  const head = groupsOf(headText);
  const rest = restText === undefined ? [] : groupsOf(restText);
  const zeros: string[] = new Array<string>(8 - head.length - rest.length).fill('0');
  return [...head, ...zeros, ...rest].reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function ipv4AsHexGroups(dotted: string): string {
  const value = parseIPv4(dotted);
  return `${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
}

function groupsOf(text: string): string[] {
  return text === '' ? [] : text.split(':');
}

/** Canonical text (RFC 5952 for IPv6: lowercase, longest zero run of two or more groups as "::"). */
export function formatAddress(value: bigint, family: IpFamily): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => (value >> shift) & 0xffffn);
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === 0n) length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
