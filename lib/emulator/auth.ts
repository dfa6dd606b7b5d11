/**
 * Verifies a request's signature as Volcengine does (docs/volcengine-api.md, "Signing"): against the SignedHeaders list the
 * request itself names, with the canonical request rebuilt from what was received, using the same signer code
 * as the client.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Credentials,
  canonicalRequest,
  computeSignature,
  parseAuthorization,
  parseXDate,
  type QueryPairs,
  sha256Hex,
} from '../volc/index.js';
import { type ApiFailure, SERVICE } from './catalog.js';

/** How far X-Date may be from the server clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** A request as received. */
export interface ReceivedRequest {
  method: string;
  /** The path as received, not decoded. */
  path: string;
  /** The query pairs, decoded (the canonical query re-encodes them). */
  query: QueryPairs;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Who signed, and from where; `failure` set when the request must be refused. */
export interface AuthOutcome {
  accessKeyId?: string;
  region?: string;
  failure?: ApiFailure;
}

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Checks the Authorization header, X-Date and the signature, in the order a gateway would.
 *
 * @param credentials the access keys the emulator knows, by access key ID
 * @param service the service of the credential scope (`ecs`, `vefaas`)
 */
export function authenticate(
  request: ReceivedRequest,
  credentials: ReadonlyMap<string, Credentials>,
  nowMs: number,
  service: string = SERVICE,
): AuthOutcome {
  const headers = flatten(request.headers);
  const header = headers.authorization;
  if (!header) return { failure: { code: 'MissingAuthenticationToken' } };
  const parsed = parseAuthorization(header);
  if (!parsed) return { failure: { code: 'MissingSignature' } };
  const outcome: AuthOutcome = { accessKeyId: parsed.accessKeyId, region: parsed.region };
  const refuse = (failure: ApiFailure): AuthOutcome => ({ ...outcome, failure });
  const pair = credentials.get(parsed.accessKeyId);
  if (!pair) return refuse({ code: 'InvalidAccessKey' });
  if (!parsed.signedHeaders.includes('x-date')) {
    return refuse({ code: 'SignatureDoesNotMatch', message: 'SignedHeaders must include x-date.' });
  }
  const missing = parsed.signedHeaders.find((name) => headers[name] === undefined);
  if (missing) {
    return refuse({
      code: 'SignatureDoesNotMatch',
      message: `The signed header ${missing} is not in the request.`,
    });
  }
  const xDate = headers['x-date']!;
  const signedAt = parseXDate(xDate);
  if (!signedAt) return refuse({ code: 'InvalidTimestamp', message: 'X-Date must be YYYYMMDDTHHMMSSZ.' });
  if (Math.abs(nowMs - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) return refuse({ code: 'InvalidTimestamp' });
  if (parsed.service !== service || parsed.date !== xDate.slice(0, 8)) {
    return refuse({
      code: 'SignatureDoesNotMatch',
      message: `The credential scope must be ${xDate.slice(0, 8)}/<region>/${service}/request.`,
    });
  }
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query,
    headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash: sha256Hex(request.body),
  });
  const expected = computeSignature(pair.secretKey, xDate, parsed.region, service, canonical);
  if (!sameHex(expected, parsed.signature)) return refuse({ code: 'SignatureDoesNotMatch' });
  if (pair.sessionToken !== undefined && headers['x-security-token'] !== pair.sessionToken) {
    return refuse({
      code: 'InvalidAccessKey',
      message: 'The X-Security-Token is missing or does not match the access key.',
    });
  }
  // Volcengine signs the STS token too (docs/volcengine-api.md, "Signing"): a client that sends it unsigned may pass a lenient
  // check but not the cloud's.
  if (pair.sessionToken !== undefined && !parsed.signedHeaders.includes('x-security-token')) {
    return refuse({ code: 'SignatureDoesNotMatch', message: 'SignedHeaders must include x-security-token.' });
  }
  return outcome;
}
