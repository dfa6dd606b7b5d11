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
