/**
 * One signed OpenAPI request over undici, with a hard per-request deadline. Exactly one HTTP attempt per
 * call: retrying is the caller's policy. Errors never carry the request's headers (the Authorization header
 * or the session token), only the action, the region and what went wrong.
 */
import type { Dispatcher } from 'undici';
import { ErrorCode, VolcApiError } from '../errors.js';
import { loadUndici } from './http.js';
import {
  type ApiSuccess,
  type CallContext,
  invalidResponse,
  parseResponse,
  parseRetryAfter,
} from './response.js';
import { type Credentials, encodeRfc3986, type QueryPairs, signRequest } from './sign.js';
import type { RequestEvent } from './types.js';

/** The ECS OpenAPI version this client speaks. */
export const ECS_API_VERSION = '2020-04-01';

/** The service name in the signature scope. */
export const ECS_SERVICE = 'ecs';

/** A body larger than this is refused: the largest real answer (100 instances) is far smaller. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Everything one transport needs; defaults are resolved by the client before it gets here. */
export interface TransportOptions {
  region: string;
  credentials: Credentials;
  endpoint: URL;
  /** Deadline of one request, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** The dispatcher of each request; the first call may load undici and create it. */
  dispatcher: () => Promise<Dispatcher>;
  /** The signing clock. */
  now: () => Date;
  onRequest?: (event: RequestEvent) => void;
  userAgent: string;
}

/** Checks the `Result` of one action and turns it into the client's shape; throws `VolcApiError` when malformed. */
export type ParseResult<T> = (context: CallContext, success: ApiSuccess) => T;

/** Sends one action with its parameters and returns the checked result, or throws `VolcApiError`. */
export type CallApi = <T>(action: string, params: QueryPairs, parse: ParseResult<T>) => Promise<T>;

interface RawAnswer {
  status: number;
  body: Uint8Array;
  /** The Retry-After header of an answer that is not a success, as sent. */
  retryAfter?: string;
}

class BodyTooLargeError extends Error {}

async function readBody(body: Dispatcher.ResponseData['body']): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      throw new BodyTooLargeError();
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Maps a failure without a usable answer to `Timeout`, `ConnectionError` or (for a request undici refuses) `InvalidRequest`. */
function transportError(
  context: CallContext,
  error: unknown,
  timedOut: boolean,
  timeoutMs: number,
): VolcApiError {
  if (error instanceof VolcApiError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const base = { httpStatus: 0, action: context.action, region: context.region, cause: error };
  if (timedOut || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
    return new VolcApiError({
      ...base,
      code: ErrorCode.Timeout,
      message: `no complete answer within ${timeoutMs} ms`,
      retryable: true,
    });
  }
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'UND_ERR_INVALID_ARG') {
    // A header value undici will not send (undici names the header, never its value): sending again won't help.
    return new VolcApiError({ ...base, code: 'InvalidRequest', message, retryable: false });
  }
  return new VolcApiError({
    ...base,
    code: ErrorCode.ConnectionError,
    message: `${typeof code === 'string' ? code : name}: ${message}`,
    retryable: true,
  });
}

/** What one exchange sends: a GET with everything in the query (ECS), or a POST with a JSON body (veFaaS). */
interface Outgoing {
  service: string;
  query: QueryPairs;
  /** The JSON text of a POST; absent for a GET. */
  json?: string;
}

const JSON_CONTENT_TYPE = 'application/json';

async function exchange(
  options: TransportOptions,
  context: CallContext,
  outgoing: Outgoing,
): Promise<RawAnswer> {
  const { endpoint, timeoutMs } = options;
  const { query, json } = outgoing;
  const method = json === undefined ? 'GET' : 'POST';
  // The body's SHA-256 is the signed payload hash (X-Content-Sha256), and its content type is signed too.
  const headers = signRequest({
    method,
    host: endpoint.host,
    path: endpoint.pathname,
    query,
    ...(json === undefined ? {} : { body: json, extraHeaders: { 'content-type': JSON_CONTENT_TYPE } }),
    credentials: options.credentials,
    region: options.region,
    service: outgoing.service,
    now: options.now(),
  });
  const [{ request }, dispatcher] = await Promise.all([loadUndici(), options.dispatcher()]);
  const url = new URL(endpoint.href);
  url.search = query.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
  // undici's headersTimeout/bodyTimeout bound each wait; the abort signal bounds the whole exchange
  // (connecting, a body that trickles in slowly), so no server can hold a request past timeoutMs.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  let status = 0;
  try {
    const response = await request(url, {
      method,
      headers: { ...headers, 'user-agent': options.userAgent, accept: 'application/json' },
      ...(json === undefined ? {} : { body: json }),
      dispatcher,
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = response.statusCode;
    const retryAfter = status >= 300 ? response.headers['retry-after'] : undefined;
    return {
      status,
      body: await readBody(response.body),
      ...(typeof retryAfter === 'string' && { retryAfter }),
    };
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      throw invalidResponse(context, status, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    }
    throw transportError(context, error, timedOut, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

function report(options: TransportOptions, event: RequestEvent): void {
  try {
    options.onRequest?.(event);
  } catch {
    // Counting calls must never change an API call's outcome (a stop that happened must not look failed).
  }
}

/**
 * Creates the function that performs one signed GET: `Action` and `Version` plus `params`, all in the query.
 * `parse` checks the action's `Result`; `onRequest` then reports the attempt with its final outcome.
 *
 * @example
 * const call = createTransport(options);
 * const page = await call('DescribeInstances', [['MaxResults', '100']], parseDescribeInstancesResult);
 */
export function createTransport(options: TransportOptions): CallApi {
  return (action, params, parse) =>
    send(
      options,
      action,
      { service: ECS_SERVICE, query: [['Action', action], ['Version', ECS_API_VERSION], ...params] },
      parse,
    );
}

/** Sends one JSON action (its body an object) and returns the checked result, or throws `VolcApiError`. */
export type CallJsonApi = <T>(
  action: string,
  body: Record<string, unknown>,
  parse: ParseResult<T>,
) => Promise<T>;

/**
 * Creates the function that performs one signed POST with a JSON body, the form of the newer OpenAPI services
 * (veFaaS): `Action` and `Version` stay in the query, the parameters go in the body, whose SHA-256 is signed.
 *
 * @example
 * const call = createJsonTransport(options, { service: 'vefaas', version: '2024-06-06' });
 * const fn = await call('GetFunction', { Id: 'abc' }, (_, success) => success.result);
 */
export function createJsonTransport(
  options: TransportOptions,
  api: { service: string; version: string },
): CallJsonApi {
  return (action, body, parse) =>
    send(
      options,
      action,
      {
        service: api.service,
        query: [
          ['Action', action],
          ['Version', api.version],
        ],
        json: JSON.stringify(body),
      },
      parse,
    );
}

/** One attempt of one action: signs, sends, parses, and reports the attempt with its outcome. */
async function send<T>(
  options: TransportOptions,
  action: string,
  outgoing: Outgoing,
  parse: ParseResult<T>,
): Promise<T> {
  const context: CallContext = { action, region: options.region };
  const startedMs = performance.now();
  const event = (httpStatus: number, errorCode?: string, requestId?: string): RequestEvent => ({
    action,
    region: options.region,
    httpStatus,
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(requestId ? { requestId } : {}),
    durationMs: performance.now() - startedMs,
  });
  try {
    const answer = await exchange(options, context, outgoing);
    // A throttled (or unavailable) answer may say when to come back; the error carries it to the limiter.
    const retryAfterMs = parseRetryAfter(answer.retryAfter, options.now().getTime());
    const success = parseResponse(
      retryAfterMs === undefined ? context : { ...context, retryAfterMs },
      answer.status,
      answer.body,
    );
    const parsed = parse(context, success);
    report(options, event(answer.status, undefined, success.requestId));
    return parsed;
  } catch (error) {
    if (error instanceof VolcApiError) {
      report(options, event(error.httpStatus, error.code, error.requestId));
    } else {
      report(options, event(0, 'Unknown'));
    }
    throw error;
  }
}
