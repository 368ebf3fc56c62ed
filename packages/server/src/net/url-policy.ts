import { isIP } from 'node:net';
import { isAddressRefused, type AllowedNetworks } from './networks.ts';

export const MAX_CALLBACK_URL_LENGTH = 2048;

export type CallbackUrlCheck =
  | { readonly ok: true; readonly url: URL; readonly href: string }
  | { readonly ok: false; readonly code: 'url_invalid' | 'url_not_allowed'; readonly message: string };

const HOW_TO_ALLOW = 'set TIDINGS_ALLOWED_NETWORKS to allow it';

/**
 * The save-time check of a callback URL. Host names are not resolved here: DNS answers change, so the
 * connect-time guard decides for them. Literal addresses (in any spelling the URL parser accepts:
 * 2130706433, 0x7f.1, [::ffff:7f00:1], …) and localhost names can be judged now, so they are.
 * Store `href` (the normalized form, a URI by RFC 3986 as well: see asUri), not the raw string.
 */
export function checkCallbackUrl(raw: string, allowed: AllowedNetworks): CallbackUrlCheck {
  if (raw === '') {
    return invalid('url must not be empty');
  }
  if (raw.length > MAX_CALLBACK_URL_LENGTH) {
    return invalid(tooLong(raw.length));
  }
  // The URL parser silently drops tabs and newlines and trims spaces, so what is stored would differ
  // from what was sent; such input is a paste accident more often than not.
  if (/[\u0000-\u0020\u007f]/.test(raw)) {
    return invalid('url must not contain spaces or control characters; percent-encode them (a space is %20)');
  }
  const url = URL.parse(raw);
  if (url === null) {
    return invalid('url must be an absolute http or https URL, e.g. https://hooks.example.org/tidings');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return invalid(`url must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  if (url.username !== '' || url.password !== '') {
    return invalid(
      'url must not contain a user name or password: credentials in URLs leak into logs; ' +
        'receivers authenticate Tidings by verifying the webhook signature instead',
    );
  }
  if (url.href.length > MAX_CALLBACK_URL_LENGTH) {
    return invalid(tooLong(url.href.length));
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(host) !== 0) {
    const verdict = isAddressRefused(host, allowed);
    if (verdict.refused) {
      return notAllowed(`url must not point to a private or internal address (${verdict.reason}); ${HOW_TO_ALLOW}`);
    }
  } else if (isLocalhostName(host) && !isLoopbackAllowed(allowed)) {
    return notAllowed(`url must not point to a private or internal address (${host} is loopback); ${HOW_TO_ALLOW}`);
  }
  const href = asUri(url);
  if (href.length > MAX_CALLBACK_URL_LENGTH) {
    return invalid(tooLong(href.length));
  }
  return { ok: true, url, href };
}

// What RFC 3986 allows in a path segment (pchar), and in a query or fragment (pchar, "/" and "?").
const notInPath = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g;
const notInQuery = /%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g;

/**
 * The URL as WHATWG serializes it, with what that leaves and RFC 3986 does not allow in a URI (`|`, `^`,
 * a backtick, `{`, `}`, `[`, `]` and `#` outside the host, a `%` that starts no escape) percent-encoded:
 * the contract promises a `format: uri`, and a receiver's server reads `%7C` as it reads `|`.
 * Everything else (the host, non-ASCII, which the serializer has encoded already) is left as it is.
 */
function asUri(url: URL): string {
  const encode = (character: string): string => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  const path = url.pathname.replace(notInPath, encode);
  const query = url.search === '' ? '' : `?${url.search.slice(1).replace(notInQuery, encode)}`;
  const fragment = url.hash === '' ? '' : `#${url.hash.slice(1).replace(notInQuery, encode)}`;
  return `${url.protocol}//${url.host}${path}${query}${fragment}`;
}

/** RFC 6761 reserves localhost and every name under it for loopback; resolvers answer so locally. */
function isLocalhostName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  return name === 'localhost' || name.endsWith('.localhost');
}

function isLoopbackAllowed(allowed: AllowedNetworks): boolean {
  return !isAddressRefused('127.0.0.1', allowed).refused || !isAddressRefused('::1', allowed).refused;
}

function tooLong(length: number): string {
  return `url must be at most ${MAX_CALLBACK_URL_LENGTH} characters long (this one has ${length})`;
}

function invalid(message: string): CallbackUrlCheck {
  return { ok: false, code: 'url_invalid', message };
}

function notAllowed(message: string): CallbackUrlCheck {
  return { ok: false, code: 'url_not_allowed', message };
}
