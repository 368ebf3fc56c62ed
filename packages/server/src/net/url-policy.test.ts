import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { NO_ALLOWED_NETWORKS, parseAllowedNetworks } from './networks.ts';
import { MAX_CALLBACK_URL_LENGTH, checkCallbackUrl } from './url-policy.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
/** The check the contract's `format: uri` makes of a callback's url (ajv-formats, as the server's contract uses). */
const isUri = addFormats(new Ajv2020()).compile({ type: 'string', format: 'uri' }) as (value: string) => boolean;

type RefusalCode = 'url_invalid' | 'url_not_allowed';

/** URL spellings an attacker might use to reach the machine or its networks; all refused at save. */
const REFUSED_AT_SAVE: ReadonlyArray<readonly [url: string, code: RefusalCode]> = [
  // loopback, every spelling the WHATWG parser turns into 127.0.0.1 or ::1
  ['http://127.0.0.1/', 'url_not_allowed'],
  ['https://127.0.0.1:8443/path?q=1', 'url_not_allowed'],
  ['http://127.1/', 'url_not_allowed'],
  ['http://127.0.1/', 'url_not_allowed'],
  ['http://2130706433/', 'url_not_allowed'],
  ['http://0x7f000001/', 'url_not_allowed'],
  ['http://0x7f.0.0.1/', 'url_not_allowed'],
  ['http://0x7f.1/', 'url_not_allowed'],
  ['http://0177.0.0.1/', 'url_not_allowed'],
  ['http://017700000001/', 'url_not_allowed'],
  ['http://127.000.000.001/', 'url_not_allowed'],
  ['http://127.0.0.1./', 'url_not_allowed'],
  ['http://127%2e0.0.1/', 'url_not_allowed'],
  ['http://①②⑦.0.0.1/', 'url_not_allowed'],
  ['http://127.255.255.254/', 'url_not_allowed'],
  ['http://[::1]/', 'url_not_allowed'],
  ['http://[0:0:0:0:0:0:0:1]/', 'url_not_allowed'],
  ['http://[0000::1]/', 'url_not_allowed'],
  ['http://[::ffff:127.0.0.1]/', 'url_not_allowed'],
  ['http://[::ffff:7f00:1]/', 'url_not_allowed'],
  ['http://[::127.0.0.1]/', 'url_not_allowed'],
  ['http://[::ffff:0:7f00:1]/', 'url_not_allowed'],
  ['http://localhost/', 'url_not_allowed'],
  ['http://LOCALHOST/', 'url_not_allowed'],
  ['http://localhost./', 'url_not_allowed'],
  ['http://localhost:8080/hook', 'url_not_allowed'],
  ['http://foo.localhost/', 'url_not_allowed'],
  ['http://foo.localhost./', 'url_not_allowed'],
  ['http://ｌｏｃａｌｈｏｓｔ/', 'url_not_allowed'],
  ['http://loc%61lhost/', 'url_not_allowed'],
  // private
  ['http://10.0.0.1/', 'url_not_allowed'],
  ['http://167772161/', 'url_not_allowed'],
  ['http://172.16.0.1/', 'url_not_allowed'],
  ['http://172.31.255.255/', 'url_not_allowed'],
  ['http://192.168.1.1/', 'url_not_allowed'],
  ['http://0xc0a80101/', 'url_not_allowed'],
  ['http://[::ffff:10.0.0.1]/', 'url_not_allowed'],
  ['http://[fc00::1]/', 'url_not_allowed'],
  ['http://[fd12:3456::1]/', 'url_not_allowed'],
  // link-local and the cloud metadata service
  ['http://169.254.169.254/latest/meta-data/', 'url_not_allowed'],
  ['http://2852039166/', 'url_not_allowed'],
  ['http://0xa9fea9fe/', 'url_not_allowed'],
  ['http://0xa9.0xfe.0xa9.0xfe/', 'url_not_allowed'],
  ['http://0251.0376.0251.0376/', 'url_not_allowed'],
  ['http://025177524776/', 'url_not_allowed'],
  ['http://[::ffff:169.254.169.254]/', 'url_not_allowed'],
  ['http://[::ffff:a9fe:a9fe]/', 'url_not_allowed'],
  ['http://169.254.0.1/', 'url_not_allowed'],
  ['http://[fe80::1]/', 'url_not_allowed'],
  ['http://[fd00:ec2::254]/', 'url_not_allowed'],
  // unspecified, CGNAT, multicast, broadcast and the other special ranges
  ['http://0.0.0.0/', 'url_not_allowed'],
  ['http://0/', 'url_not_allowed'],
  ['http://[::]/', 'url_not_allowed'],
  ['http://100.64.0.1/', 'url_not_allowed'],
  ['http://224.0.0.1/', 'url_not_allowed'],
  ['http://255.255.255.255/', 'url_not_allowed'],
  ['http://240.0.0.1/', 'url_not_allowed'],
  ['http://198.18.0.1/', 'url_not_allowed'],
  ['http://192.0.2.1/', 'url_not_allowed'],
  ['http://192.0.0.1/', 'url_not_allowed'],
  ['http://[ff02::1]/', 'url_not_allowed'],
  ['http://[2001:db8::1]/', 'url_not_allowed'],
  ['http://[fec0::1]/', 'url_not_allowed'],
  ['http://[2001::1]/', 'url_not_allowed'],
  // IPv6 forms that carry a refused IPv4 address
  ['http://[64:ff9b::7f00:1]/', 'url_not_allowed'],
  ['http://[64:ff9b::10.0.0.1]/', 'url_not_allowed'],
  ['http://[2002:7f00:1::]/', 'url_not_allowed'],
  ['http://[2002:a9fe:a9fe::1]/', 'url_not_allowed'],
  // userinfo and delimiter tricks: the host is what the WHATWG parser says, not what a person reads
  ['http://example.org@127.0.0.1/', 'url_invalid'],
  ['http://user:pass@hooks.example.org/', 'url_invalid'],
  ['http://:secret@hooks.example.org/', 'url_invalid'],
  ['http://127.0.0.1#@example.org/', 'url_not_allowed'],
  ['http://127.0.0.1?@example.org/', 'url_not_allowed'],
  ['http://127.0.0.1\\@example.org/', 'url_not_allowed'],
  ['http://127.0.0.1/@example.org/', 'url_not_allowed'],
];

describe('checkCallbackUrl', () => {
  it('has a corpus of refused spellings worth the name', () => {
    expect(REFUSED_AT_SAVE.length).toBeGreaterThanOrEqual(45);
  });

  it.each(REFUSED_AT_SAVE)('refuses %s with %s', (url, code) => {
    expect(checkCallbackUrl(url, NO_ALLOWED_NETWORKS)).toMatchObject({ ok: false, code });
  });

  it.each([
    'https://93.184.215.14/',
    'https://hooks.example.org/x',
    'https://hooks.example.org:8443/tidings?account=7#ignored',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:93.184.215.14]/',
    'http://localhost.example.org/',
    'http://mylocalhost/',
    'https://bücher.example/hook',
  ])('accepts %s', (url) => {
    const result = checkCallbackUrl(url, NO_ALLOWED_NETWORKS);
    expect(result).toMatchObject({ ok: true });
  });

  it('returns the normalized URL, which is what should be stored', () => {
    const result = checkCallbackUrl('HTTPS://Hooks.Example.ORG:443/a/../b', NO_ALLOWED_NETWORKS);
    expect(result.ok && result.href).toBe('https://hooks.example.org/b');
  });

  it.each([
    ['https://hooks.example.org/a|b', 'https://hooks.example.org/a%7Cb'],
    ['https://hooks.example.org/p^q/`r`?x=[1]&y={2}|z#frag|#x', 'https://hooks.example.org/p%5Eq/%60r%60?x=%5B1%5D&y=%7B2%7D%7Cz#frag%7C%23x'],
    ['https://hooks.example.org/100%/%zz?q=%41%', 'https://hooks.example.org/100%25/%25zz?q=%41%25'],
    ['https://hooks.example.org/café?wer=ü', 'https://hooks.example.org/caf%C3%A9?wer=%C3%BC'],
    ['https://hooks.example.org:8443/a/b?c=d&e=f;g#h', 'https://hooks.example.org:8443/a/b?c=d&e=f;g#h'],
  ])('stores %s as a URI by RFC 3986 too: %s', (raw, stored) => {
    const result = checkCallbackUrl(raw, NO_ALLOWED_NETWORKS);
    expect(result.ok && result.href).toBe(stored);
    expect(isUri(stored)).toBe(true);
    // the same URL to a WHATWG parser: only escapes were added
    const unescaped = (href: string) => href.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(unescaped(new URL(stored).href)).toBe(unescaped(new URL(raw).href));
  });

  it.each([
    ['ftp://example.org/file', /must use http or https, not ftp/],
    ['file:///etc/passwd', /must use http or https, not file/],
    ['javascript:alert(1)', /must use http or https, not javascript/],
    ['gopher://example.org:70/_GET', /must use http or https, not gopher/],
    ['ws://example.org/socket', /must use http or https, not ws/],
    ['data:text/plain,hello', /must use http or https, not data/],
    ['/relative/path', /absolute http or https URL/],
    ['hooks.example.org/x', /absolute http or https URL/],
    ['//hooks.example.org/x', /absolute http or https URL/],
    ['http://', /absolute http or https URL/],
    ['http://1.2.3.4.5/', /absolute http or https URL/],
    ['http://[fe80::1%25eth0]/', /absolute http or https URL/],
    ['', /must not be empty/],
    [' https://hooks.example.org/', /spaces or control characters/],
    ['https://hooks.example.org/a b', /spaces or control characters/],
    ['https://hooks.exa\tmple.org/', /spaces or control characters/],
    ['https://hooks.example.org/\n', /spaces or control characters/],
    [`https://hooks.example.org/${'a'.repeat(MAX_CALLBACK_URL_LENGTH)}`, /at most 2048 characters long \(this one has 2074\)/],
    [`https://hooks.example.org/${'é'.repeat(1000)}`, /at most 2048 characters long/],
  ])('refuses %j as url_invalid', (url, message) => {
    const result = checkCallbackUrl(url, NO_ALLOWED_NETWORKS);
    expect(result).toMatchObject({ ok: false, code: 'url_invalid' });
    expect(!result.ok && result.message).toMatch(message);
  });

  it('accepts a URL of exactly the maximum length', () => {
    const prefix = 'https://hooks.example.org/';
    const url = prefix + 'a'.repeat(MAX_CALLBACK_URL_LENGTH - prefix.length);
    expect(checkCallbackUrl(url, NO_ALLOWED_NETWORKS).ok).toBe(true);
  });

  it('says why credentials are refused', () => {
    const result = checkCallbackUrl('http://user:pass@hooks.example.org/', NO_ALLOWED_NETWORKS);
    expect(!result.ok && result.message).toMatch(/must not contain a user name or password: credentials in URLs leak into logs/);
  });

  it('names the range and the setting that opens it', () => {
    expect(checkCallbackUrl('http://0x7f.1/', NO_ALLOWED_NETWORKS)).toEqual({
      ok: false,
      code: 'url_not_allowed',
      message:
        'url must not point to a private or internal address (loopback address 127.0.0.1); ' +
        'set TIDINGS_ALLOWED_NETWORKS to allow it',
    });
    const mapped = checkCallbackUrl('http://[::ffff:169.254.169.254]/', NO_ALLOWED_NETWORKS);
    expect(!mapped.ok && mapped.message).toContain('cloud metadata address 169.254.169.254 in IPv4-mapped form');
    const localhost = checkCallbackUrl('http://foo.localhost/', NO_ALLOWED_NETWORKS);
    expect(!localhost.ok && localhost.message).toContain('(foo.localhost is loopback); set TIDINGS_ALLOWED_NETWORKS');
  });

  describe('with 127.0.0.0/8 allowed', () => {
    const allowed = parseAllowedNetworks('127.0.0.0/8');

    it.each([
      'http://127.0.0.1:3000/hook',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost:3000/',
      'http://receiver.localhost/',
    ])('accepts %s', (url) => {
      expect(checkCallbackUrl(url, allowed).ok).toBe(true);
    });

    it.each(['http://10.0.0.1/', 'http://[::ffff:10.0.0.1]/', 'http://169.254.169.254/', 'http://[::1]/'])(
      'still refuses %s',
      (url) => {
        expect(checkCallbackUrl(url, allowed)).toMatchObject({ ok: false, code: 'url_not_allowed' });
      },
    );
  });

  it('accepts localhost when only ::1 is allowed, leaving the address to the connect-time check', () => {
    expect(checkCallbackUrl('http://localhost/', parseAllowedNetworks('::1')).ok).toBe(true);
  });
});
