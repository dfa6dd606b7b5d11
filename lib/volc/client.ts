/**
 * The Volcengine ECS client of one region: options with their defaults in one place, the ECS actions over
 * the transport, and DescribeInstances pagination.
 */
import { ErrorCode, RequestError, VolcApiError } from '../errors.js';
import { VERSION } from '../version.js';
import { createEcsApi, validateDescribeFilters, validateMaxResults } from './ecs.js';
import { DEFAULT_ENDPOINT, resolveEndpoint, validateEndpoint } from './endpoint.js';
import { type DispatcherSource, dispatcherOf, lazyAgent } from './http.js';
import type { Credentials } from './sign.js';
import { createTransport } from './transport.js';
import type { DescribeInstancesFilters, EcsApi, Instance, RequestEvent } from './types.js';

/** Default per-request deadline. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Default page size of {@link EcsClient.describeInstances} (the API's own default is 10). */
export const DEFAULT_MAX_RESULTS = 100;

/** Options of {@link createEcsClient}. */
export interface EcsClientOptions {
  /** The region every request is signed for, such as `cn-beijing`. */
  region: string;
  credentials: Credentials;
  /**
   * Where requests go; `http://` only on a loopback host. Normally already resolved by the caller with
   * `resolveEndpoint`, which also honours `VOLC_ENDPOINT`.
   * @default https://open.volcengineapi.com
   */
  endpoint?: string | URL;
  /**
   * Deadline of one HTTP request, from sending to the last byte of the answer.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * The undici dispatcher, or a function that makes it on first use. A dispatcher passed in belongs to the
   * caller: `close()` leaves it open.
   * @default a keep-alive Agent owned by this client, created by the first request and closed by `close()`
   */
  dispatcher?: DispatcherSource;
  /**
   * The signing clock.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Called after every HTTP attempt, successful or not (for API-call counts). What it throws is ignored.
   * @default no callback
   */
  onRequest?: (event: RequestEvent) => void;
  /**
   * The User-Agent header.
   * @default `lights-out/${VERSION}`
   */
  userAgent?: string;
}

/** Options of {@link EcsClient.describeInstances}. */
export interface DescribeInstancesOptions {
  /**
   * Page size, 1 to 100.
   * @default 100
   */
  maxResults?: number;
  /**
   * Wraps each page request, so the caller can apply its retry policy per page.
   * @default calls `attempt` once
   */
  callPage?: <T>(attempt: () => Promise<T>) => Promise<T>;
}

/** An {@link EcsApi} over HTTP, plus pagination and cleanup. */
export interface EcsClient extends EcsApi {
  /**
   * Every instance matching `filters`, following `NextToken` until the last page. One request per page.
   * Arguments are checked when called, before any request.
   */
  describeInstances(
    filters: DescribeInstancesFilters,
    options?: DescribeInstancesOptions,
  ): AsyncIterableIterator<Instance>;
  /** Closes the client's own dispatcher; further calls fail with `ClientClosed`. */
  close(): Promise<void>;
}

function resolveEndpointOption(endpoint: string | URL | undefined): URL {
  if (endpoint instanceof URL) return validateEndpoint(new URL(endpoint.href), 'the endpoint option');
  return resolveEndpoint(endpoint ?? DEFAULT_ENDPOINT, {});
}

function checkOptions(options: EcsClientOptions, timeoutMs: number): void {
  if (typeof options.region !== 'string' || !/^[a-z0-9-]+$/.test(options.region)) {
    throw new RequestError('InvalidParameter', `region must be a region ID such as cn-beijing`);
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RequestError('InvalidParameter', 'timeoutMs must be a positive number of milliseconds');
  }
}

async function* paginate(
  api: EcsApi,
  filters: DescribeInstancesFilters,
  maxResults: number,
  callPage: <T>(attempt: () => Promise<T>) => Promise<T>,
): AsyncGenerator<Instance, void, undefined> {
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const page = await callPage(() => api.describeInstancesPage(filters, { nextToken: token, maxResults }));
    yield* page.instances;
    nextToken = page.nextToken || undefined;
    // A server that hands out a token it handed out before would make this loop forever.
    if (nextToken !== undefined && seenTokens.has(nextToken)) {
      throw new VolcApiError({
        code: ErrorCode.InvalidResponse,
        message: 'NextToken repeats an earlier page; pagination stopped',
        httpStatus: 200,
        requestId: page.requestId || undefined,
        action: 'DescribeInstances',
        region: api.region,
        retryable: false,
      });
    }
    if (nextToken !== undefined) seenTokens.add(nextToken);
  } while (nextToken !== undefined);
}

/**
 * Creates the ECS client of one region. Each API method makes exactly one HTTP request and throws
 * `VolcApiError` on failure; `describeInstances` makes one per page.
 *
 * @example
 * const ecs = createEcsClient({ region: 'cn-beijing', credentials: credentialsFromEnv(process.env) });
 * for await (const instance of ecs.describeInstances({ tagFilters: [{ key: 'lights-out' }] })) console.log(instance.InstanceId);
 * await ecs.close();
 */
export function createEcsClient(options: EcsClientOptions): EcsClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  checkOptions(options, timeoutMs);
  const endpoint = resolveEndpointOption(options.endpoint);
  const ownAgent = options.dispatcher === undefined ? lazyAgent(timeoutMs) : undefined;
  const dispatcher = ownAgent ? ownAgent.dispatcher : dispatcherOf(options.dispatcher as DispatcherSource);
  let closed = false;
  const transport = createTransport({
    region: options.region,
    credentials: options.credentials,
    endpoint,
    timeoutMs,
    dispatcher,
    now: options.now ?? (() => new Date()),
    onRequest: options.onRequest,
    userAgent: options.userAgent ?? `lights-out/${VERSION}`,
  });
  const api = createEcsApi(
    options.region,
    (action, params, parse) => {
      if (closed)
        return Promise.reject(new RequestError('ClientClosed', `${action}: the ECS client is closed`));
      return transport(action, params, parse);
    },
    DEFAULT_MAX_RESULTS,
  );
  return {
    ...api,
    describeInstances(filters, describeOptions) {
      const maxResults = describeOptions?.maxResults ?? DEFAULT_MAX_RESULTS;
      validateDescribeFilters(filters);
      validateMaxResults(maxResults);
      return paginate(api, filters, maxResults, describeOptions?.callPage ?? ((attempt) => attempt()));
    },
    async close() {
      if (closed) return;
      closed = true;
      await ownAgent?.close();
    },
  };
}
