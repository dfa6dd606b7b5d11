/**
 * Volcengine OpenAPI request signing (HMAC-SHA256, a SigV4 relative), as docs/volcengine-api.md
 * ("Signing") describes it. Used by the client to sign and by the emulator to verify,
 * so both sides compute the canonical request with the same code.
 */
import { createHash, createHmac } from 'node:crypto';
import { RequestError } from '../errors.js';

/** Credentials of a Volcengine account or STS role. */
export interface Credentials {
  accessKeyId: string;
  secretKey: string;
  /** STS session token; sent as `X-Security-Token` and signed. */
  sessionToken?: string;
}

/** A query string as ordered key/value pairs (keys may repeat). */
export type QueryPairs = ReadonlyArray<readonly [string, string]>;

/** Only RFC 3986 unreserved characters: the value encodes to itself (instance IDs, actions, numbers). */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

/** RFC 3986 encoding: unreserved characters stay, everything else is `%XX` with upper-case hex. */
export function encodeRfc3986(value: string): string {
  // Most values of a request (its hundred InstanceIds.N keys and IDs) need no encoding: one test, no copy.
  if (UNRESERVED_ONLY.test(value)) return value;
  if (!isWellFormed(value)) {
    throw new RequestError(
      'InvalidParameter',
      `a request parameter is not well-formed Unicode (a lone surrogate): ${JSON.stringify(value)}`,
    );
  }
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** True when `value` has no lone UTF-16 surrogate (which has no UTF-8 encoding, so no URI encoding). */
function isWellFormed(value: string): boolean {
  return !/\p{Surrogate}/u.test(value);
}

/** The canonical query: pairs encoded, sorted by key then value in byte order, joined by `&`. */
export function canonicalQuery(pairs: QueryPairs): string {
  const encoded = pairs.map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const);
  encoded.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Hex SHA-256 of a body (of the empty string for GET). */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the format of the `X-Date` header. */
export function formatXDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Parses an `X-Date` value back into a Date, or returns undefined when it is not well formed. */
export function parseXDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** What goes into one signature. Header names may have any case; values are trimmed. */
export interface CanonicalRequestInput {
  method: string;
  /** The URL path; `/` when empty. */
  path: string;
  query: QueryPairs;
  /** Every header the request sends, at least those named in `signedHeaders`. */
  headers: Readonly<Record<string, string>>;
  /** Lower-case names of the headers to sign. */
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body. */
  payloadHash: string;
}

/** Builds the canonical request string (step 1 of docs/volcengine-api.md, "Signing"). */
export function canonicalRequest(input: CanonicalRequestInput): string {
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) lower.set(name.toLowerCase(), value);
  const names = [...input.signedHeaders].map((n) => n.toLowerCase()).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(lower.get(n) ?? '').trim()}\n`).join('');
  return [
    input.method.toUpperCase(),
    input.path === '' ? '/' : input.path,
    canonicalQuery(input.query),
    canonicalHeaders,
    names.join(';'),
    input.payloadHash,
  ].join('\n');
}

/** The credential scope `YYYYMMDD/region/service/request`. */
export function credentialScope(xDate: string, region: string, service: string): string {
  return `${xDate.slice(0, 8)}/${region}/${service}/request`;
}

/** Computes the lower-case hex signature of a canonical request (steps 2 and 3 of docs/volcengine-api.md, "Signing"). */
export function computeSignature(
  secretKey: string,
  xDate: string,
  region: string,
  service: string,
  canonical: string,
): string {
  const stringToSign = [
    'HMAC-SHA256',
    xDate,
    credentialScope(xDate, region, service),
    sha256Hex(canonical),
  ].join('\n');
  const kSigning = signingKey(secretKey, xDate.slice(0, 8), region, service);
  return createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
}

/** The most derived keys {@link signingKey} keeps; past it, it starts over (a run uses one per region). */
const MAX_SIGNING_KEYS = 64;
const signingKeys = new Map<string, { secretKey: string; key: Buffer }>();

/**
 * The derived signing key of a day, region and service: four HMACs, the same for every request of that scope,
 * so derived once and kept (in memory only, beside the secret the caller already holds) for the next request.
 * A different secret for the same scope (rotated keys, the emulator's several key pairs) derives anew.
 */
function signingKey(secretKey: string, date: string, region: string, service: string): Buffer {
  const scope = `${date}/${region}/${service}`;
  const cached = signingKeys.get(scope);
  if (cached !== undefined && cached.secretKey === secretKey) return cached.key;
  const kDate = hmac(secretKey, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const key = hmac(kService, 'request');
  if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.clear();
  signingKeys.set(scope, { secretKey, key });
  return key;
}

/** Input of {@link signRequest}. */
export interface SignRequestInput {
  method: string;
  host: string;
  path?: string;
  query: QueryPairs;
  body?: string;
  credentials: Credentials;
  region: string;
  service: string;
  /** The signing instant; injected so that tests are deterministic. */
  now: Date;
  /** Extra headers to send and sign, such as `content-type`. */
  extraHeaders?: Readonly<Record<string, string>>;
}

/**
 * Signs a request and returns the headers to send: `Host`, `X-Date`, `X-Content-Sha256`, `Authorization`,
 * and `X-Security-Token` for STS credentials. Signs `host;x-content-sha256;x-date` plus any extra headers.
 *
 * @example
 * const headers = signRequest({ method: 'GET', host: 'open.volcengineapi.com', query: [['Action', 'DescribeInstances'],
 *   ['Version', '2020-04-01']], credentials, region: 'cn-beijing', service: 'ecs', now: new Date() });
 */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const xDate = formatXDate(input.now);
  const payloadHash = sha256Hex(input.body ?? '');
  const headers: Record<string, string> = {
    host: input.host,
    'x-date': xDate,
    'x-content-sha256': payloadHash,
  };
  for (const [name, value] of Object.entries(input.extraHeaders ?? {})) headers[name.toLowerCase()] = value;
  if (input.credentials.sessionToken) headers['x-security-token'] = input.credentials.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: input.method,
    path: input.path ?? '/',
    query: input.query,
    headers,
    signedHeaders,
    payloadHash,
  });
  const signature = computeSignature(
    input.credentials.secretKey,
    xDate,
    input.region,
    input.service,
    canonical,
  );
  headers.authorization =
    `HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${credentialScope(xDate, input.region, input.service)}, ` +
    `SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
  return headers;
}

/** The parts of an `Authorization` header. */
export interface ParsedAuthorization {
  accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/request, SignedHeaders=a;b, Signature=hex`, or returns undefined. */
export function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const m =
    /^HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/.exec(
      header.trim(),
    );
  if (!m) return undefined;
  return {
    accessKeyId: m[1]!,
    date: m[2]!,
    region: m[3]!,
    service: m[4]!,
    signedHeaders: m[5]!.split(';'),
    signature: m[6]!,
  };
}
