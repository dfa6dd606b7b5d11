/**
 * Turns an OpenAPI answer into a result or a `VolcApiError`. `ResponseMetadata.Error` is read whatever the
 * HTTP status says (a 200 can carry it), and a body that is not the expected JSON becomes `InvalidResponse`
 * with the status and the start of the body, so a proxy's HTML page is recognisable in the message.
 */

import { ErrorCode, VolcApiError } from '../errors.js';
import { maskAuthorization } from '../logger.js';

/** The API error codes that mean "the same request may succeed later". */
export const RETRYABLE_API_CODES: ReadonlySet<string> = new Set([
  'FlowLimitExceeded',
  'IdempotentProcessing',
  'InternalError',
  'InternalServiceTimeout',
  'ServiceUnavailableTemp',
]);

/** HTTP statuses that mean throttling or a transient server or gateway failure. */
export const RETRYABLE_HTTP_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** How many bytes of an unexpected body an error message quotes. */
export const BODY_EXCERPT_BYTES = 200;

/** Which call an answer belongs to, for error messages. */
export interface CallContext {
  action: string;
  region: string;
  /** The answer's Retry-After, in ms (see {@link parseRetryAfter}), carried by the error it becomes. */
  retryAfterMs?: number;
}

/** The longest Retry-After taken at its word (an hour); a longer one is read as this. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Reads a Retry-After header (RFC 9110, section 10.2.3): a number of seconds, or an HTTP date, which counts
 * from `nowMs` (a date already past is 0). Returns ms, at most {@link MAX_RETRY_AFTER_MS}; undefined when the
 * header is absent or neither form.
 *
 * @example
 * parseRetryAfter('2', Date.now()); // 2000
 * parseRetryAfter('Wed, 21 Oct 2026 07:28:00 GMT', Date.parse('2026-10-21T07:27:30Z')); // 30000
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    // Only the IMF-fixdate shape (and the obsolete ones Date.parse reads) counts as a date, not a bare number.
    const atMs = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(atMs)) return undefined;
    ms = atMs - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));
}

/** A successful answer: the request ID and the `Result` object, not yet checked against the action's shape. */
export interface ApiSuccess {
  httpStatus: number;
  /** `''` when the answer named none. */
  requestId: string;
  result: Record<string, unknown>;
}

/** True when a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An `InvalidResponse` error; retryable when the status says the server or a gateway is struggling, or when
 * the caller says so (a body cut short in transit).
 */
export function invalidResponse(
  context: CallContext,
  httpStatus: number,
  detail: string,
  requestId?: string,
  transient = false,
): VolcApiError {
  return new VolcApiError({
    code: ErrorCode.InvalidResponse,
    message: `HTTP ${httpStatus}: ${detail}`,
    httpStatus,
    requestId,
    action: context.action,
    region: context.region,
    retryable: transient || httpStatus === 429 || httpStatus >= 500,
    retryAfterMs: context.retryAfterMs,
  });
}

function excerpt(body: Uint8Array): string {
  // A debugging proxy may echo the request's headers in its error page: never quote a signature from it.
  const text = maskAuthorization(Buffer.from(body.subarray(0, BODY_EXCERPT_BYTES)).toString('utf8'));
  return JSON.stringify(body.length > BODY_EXCERPT_BYTES ? `${text}…` : text);
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Parses one answer. Returns the `Result` of a success; throws `VolcApiError` for an API error (code from
 * `ResponseMetadata.Error.Code`) or for a body that is not a well-formed OpenAPI answer (`InvalidResponse`).
 */
export function parseResponse(context: CallContext, httpStatus: number, body: Uint8Array): ApiSuccess {
  const json = parseJson(body);
  const metadata = isRecord(json) ? json.ResponseMetadata : undefined;
  if (json === undefined) {
    // A success whose body does not even parse was cut short or garbled on the way, like a connection reset
    // mid-body: sending the same request again is safe (reads, and stops under the same ClientToken, which the
    // API answers from its stored result) and tells whether the call took effect. An HTML 403 or 404 is not
    // transient and stays unretried.
    const transient = httpStatus >= 200 && httpStatus <= 299;
    throw invalidResponse(
      context,
      httpStatus,
      `the body is not JSON: ${excerpt(body)}`,
      undefined,
      transient,
    );
  }
  if (!isRecord(json) || !isRecord(metadata)) {
    throw invalidResponse(context, httpStatus, `the JSON body has no ResponseMetadata: ${excerpt(body)}`);
  }
  const requestId = typeof metadata.RequestId === 'string' ? metadata.RequestId : undefined;
  const error = metadata.Error;
  if (error !== undefined && error !== null) {
    if (!isRecord(error) || typeof error.Code !== 'string' || error.Code === '') {
      throw invalidResponse(
        context,
        httpStatus,
        `malformed ResponseMetadata.Error: ${excerpt(body)}`,
        requestId,
      );
    }
    throw new VolcApiError({
      code: error.Code,
      message: typeof error.Message === 'string' && error.Message !== '' ? error.Message : '(no message)',
      httpStatus,
      requestId,
      action: context.action,
      region: context.region,
      retryable: RETRYABLE_API_CODES.has(error.Code) || RETRYABLE_HTTP_STATUSES.has(httpStatus),
      retryAfterMs: context.retryAfterMs,
    });
  }
  if (httpStatus < 200 || httpStatus > 299) {
    throw invalidResponse(
      context,
      httpStatus,
      `error status without ResponseMetadata.Error: ${excerpt(body)}`,
      requestId,
    );
  }
  if (!isRecord(json.Result)) {
    throw invalidResponse(context, httpStatus, `Result is not an object: ${excerpt(body)}`, requestId);
  }
  return { httpStatus, requestId: requestId ?? '', result: json.Result };
}
