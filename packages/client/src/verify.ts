// verifyWebhook: checks a Standard Webhooks signature the way a receiver must — every `v1,`
// signature of the header against every secret (or every `v1a,` signature against every `whpk_`
// public key, for a callback that signs with Ed25519), the timestamp within a tolerance — and only
// then reads the body (JSON or XML) into a CallbackMessage.
//
// Web Crypto (crypto.subtle) rather than node:crypto, so the same code runs in Node 20+, Deno, Bun
// and edge runtimes (Cloudflare Workers, Vercel). The expected MAC is computed once per secret and
// compared with each signature in constant time, so a header stuffed with signatures costs
// comparisons of 32 bytes, not extra HMACs over the body.
import { XmlMessageError, parseCallbackXml } from './xml.ts';
import type { CallbackMessage } from './types.ts';

export type WebhookVerificationErrorCode =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature'
  | 'invalid_body';

/** Why a message was refused; branch on `code`, show `message` to people. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly code: WebhookVerificationErrorCode;

  constructor(code: WebhookVerificationErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** A fetch `Headers` (Hono's `c.req.raw.headers`), Node's `req.headers`, or a plain object (any key case). */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The body exactly as received: the signature covers its bytes, so do not re-serialize parsed JSON. */
export type WebhookBody = string | Uint8Array | ArrayBuffer;

interface VerifyWebhookBase {
  headers: WebhookHeaders;
  body: WebhookBody;
  /** How far `webhook-timestamp` may be from the clock, either way; 300 seconds by default. */
  toleranceSeconds?: number;
  /** The clock to judge the timestamp by; now by default. */
  now?: Date;
}

export type VerifyWebhookOptions = VerifyWebhookBase &
  (
    | {
        /** The callback's secret, `whsec_…`, or its public key `whpk_…` (signing `ed25519`), as the API answered it. */
        secret: string;
        secrets?: never;
      }
    | {
        /** Several secrets, during a rotation: the message is accepted when any of them signed it. */
        secrets: readonly string[];
        secret?: never;
      }
  );

const DEFAULT_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';
const PUBLIC_KEY_PREFIX = 'whpk_';
/** `v1a` signatures checked at most: each costs an Ed25519 verification, so a stuffed header cannot cost more */
const MOST_ASYMMETRIC_SIGNATURES = 8;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

type VerificationKey = { kind: 'v1'; key: Uint8Array<ArrayBuffer> } | { kind: 'v1a'; key: Uint8Array<ArrayBuffer> };

function verificationKey(secret: string): VerificationKey {
  if (secret.startsWith('whsk_')) {
    throw new TypeError('verifyWebhook: that is the callback’s private key (whsk_); a receiver verifies with its public key, whpk_');
  }
  const asymmetric = secret.startsWith(PUBLIC_KEY_PREFIX);
  const encoded = asymmetric ? secret.slice(PUBLIC_KEY_PREFIX.length) : secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const key = decodeBase64(encoded);
  if (key === null || key.length === 0 || (asymmetric && key.length !== 32)) {
    throw new TypeError('verifyWebhook: a secret must be whsec_ (or a public key whpk_) followed by base64, as the Tidings API answers it');
  }
  return { kind: asymmetric ? 'v1a' : 'v1', key };
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return typeof value === 'string' ? value : value.join(' ');
  }
  return undefined;
}

function bodyBytes(body: WebhookBody): Uint8Array {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError('verifyWebhook: body must be the raw body as a string, Uint8Array/Buffer or ArrayBuffer');
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** The signatures of one version (`v1` or `v1a`) in the header, decoded; anything else in it is ignored. */
function signaturesOf(header: string, wanted: 'v1' | 'v1a'): Array<Uint8Array<ArrayBuffer>> {
  const signatures: Array<Uint8Array<ArrayBuffer>> = [];
  for (const token of header.split(/\s+/)) {
    // Node joins a repeated header with ", ", which leaves a comma after a signature.
    const [version, encoded] = token.replace(/,$/, '').split(',', 2);
    if (version !== wanted || encoded === undefined) continue;
    const signature = decodeBase64(encoded);
    if (signature !== null) signatures.push(signature);
  }
  return signatures;
}

function subtleCrypto(): NonNullable<typeof globalThis.crypto>['subtle'] {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error('verifyWebhook needs the Web Crypto API (globalThis.crypto.subtle): Node.js 20+, Deno, Bun or an edge runtime');
  }
  return subtle;
}

async function ed25519Verifies(publicKey: Uint8Array<ArrayBuffer>, signature: Uint8Array<ArrayBuffer>, content: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const subtle = subtleCrypto();
  const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return subtle.verify({ name: 'Ed25519' }, key, signature, content);
}

async function hmacSha256(key: Uint8Array<ArrayBuffer>, content: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = subtleCrypto();
  const cryptoKey = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', cryptoKey, content));
}

function parseMessage(bytes: Uint8Array, contentType: string | undefined): CallbackMessage {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new WebhookVerificationError('invalid_body', 'The signed body is not valid UTF-8', { cause });
  }
  const type = contentType?.toLowerCase() ?? '';
  const isXml = type.includes('xml') || (!type.includes('json') && text.trimStart().startsWith('<'));
  if (isXml) {
    try {
      return parseCallbackXml(text);
    } catch (cause) {
      if (!(cause instanceof XmlMessageError)) throw cause;
      throw new WebhookVerificationError('invalid_body', `The signed body is not a Tidings XML message: ${cause.message}`, { cause });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new WebhookVerificationError('invalid_body', `The signed body is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebhookVerificationError('invalid_body', 'The signed body is not a JSON object');
  }
  return parsed as CallbackMessage;
}

/**
 * Verifies a message Tidings sent and returns it, parsed (JSON or XML, into the same shape).
 *
 * Checks, in order: the three `webhook-*` headers are there; `webhook-timestamp` is within
 * `toleranceSeconds` (300) of `now`; one of the `v1,` signatures in `webhook-signature` is the
 * HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}` under one of the secrets, or one of its
 * `v1a,` signatures is the Ed25519 signature of the same under one of the `whpk_` public keys. Pass the body
 * exactly as received. Throws a `WebhookVerificationError` whose `code` names what failed; a
 * malformed secret is a programming error and throws a `TypeError`.
 *
 * Delivery is at least once: drop duplicates by the `webhook-id` header.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<CallbackMessage> {
  const secrets = options.secrets ?? (options.secret === undefined ? [] : [options.secret]);
  if (secrets.length === 0) throw new TypeError('verifyWebhook: pass `secret` or a non-empty `secrets`');
  const keys = secrets.map(verificationKey);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) throw new TypeError('verifyWebhook: toleranceSeconds must be a number ≥ 0');

  const id = readHeader(options.headers, 'webhook-id');
  const timestamp = readHeader(options.headers, 'webhook-timestamp');
  const signatureHeader = readHeader(options.headers, 'webhook-signature');
  const missing = (
    [
      ['webhook-id', id],
      ['webhook-timestamp', timestamp],
      ['webhook-signature', signatureHeader],
    ] as const
  )
    .filter(([, value]) => value === undefined || value.trim() === '')
    .map(([name]) => name);
  if (id === undefined || timestamp === undefined || signatureHeader === undefined || missing.length > 0) {
    throw new WebhookVerificationError('missing_headers', `The message has no ${missing.join(', ')} header; is it from Tidings?`);
  }

  if (!/^[0-9]{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', `webhook-timestamp must be Unix seconds, got "${timestamp.slice(0, 40)}"`);
  }
  const signedAt = Number(timestamp);
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (now - signedAt > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `The message was signed ${now - signedAt} s ago, more than the ${tolerance} s allowed: a replay, or a clock that is off`,
    );
  }
  if (signedAt - now > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `The message is signed ${signedAt - now} s in the future, more than the ${tolerance} s allowed: is a clock off?`,
    );
  }

  const body = bodyBytes(options.body);
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const signedContent = new Uint8Array(prefix.length + body.length);
  signedContent.set(prefix);
  signedContent.set(body, prefix.length);
  const signatures = signaturesOf(signatureHeader, 'v1');
  const asymmetric = signaturesOf(signatureHeader, 'v1a').slice(0, MOST_ASYMMETRIC_SIGNATURES);
  let matched = false;
  for (const { kind, key } of keys) {
    if (kind === 'v1') {
      const expected = await hmacSha256(key, signedContent);
      for (const signature of signatures) matched = equalInConstantTime(expected, signature) || matched;
    } else {
      for (const signature of asymmetric) matched = (await ed25519Verifies(key, signature, signedContent)) || matched;
    }
  }
  if (!matched) {
    const found = signatures.length + asymmetric.length;
    throw new WebhookVerificationError(
      'no_matching_signature',
      found === 0
        ? 'webhook-signature holds no v1 or v1a signature'
        : `None of the ${found} signature(s) matches the ${keys.length} secret(s) or public key(s): a wrong secret, or a body changed after signing (pass the raw body)`,
    );
  }
  return parseMessage(body, readHeader(options.headers, 'content-type'));
}
