/**
 * The Volcengine ECS client of one region: options with their defaults in one place, the ECS actions over
 * the transport, and DescribeInstances pagination (through the one reader, listing.ts).
 */
import { Agent, type Dispatcher } from 'undici';
import { RequestError } from '../errors.js';
import { VERSION } from '../version.js';
import { createEcsApi } from './ecs.js';
import { DEFAULT_ENDPOINT, resolveEndpoint, validateEndpoint } from './endpoint.js';
import { DEFAULT_MAX_RESULTS, type ReadInstancesOptions, readInstancePages } from './listing.js';
import type { Credentials } from './sign.js';
import { createTransport } from './transport.js';
import type { DescribeInstancesFilters, EcsApi, Instance, RequestEvent } from './types.js';

/** Default per-request deadline. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The keep-alive undici Agent every ECS client uses unless given another: the one place it is built. Its
 * connect, headers and body timeouts are the per-request deadline.
 *
 * @example
 * const dispatcher = createDispatcher(10_000); // share it between regions, close it once
 */
export function createDispatcher(timeoutMs: number = DEFAULT_TIMEOUT_MS): Dispatcher {
  return new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

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
   * The undici dispatcher. A dispatcher passed in belongs to the caller: `close()` leaves it open.
   * @default a keep-alive Agent owned by this client and closed by `close()`
   */
  dispatcher?: Dispatcher;
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

/** Options of {@link EcsClient.describeInstances}: those of the one reader, {@link readInstancePages}. */
export type DescribeInstancesOptions = ReadInstancesOptions;

/** An {@link EcsApi} over HTTP, plus pagination and cleanup. */
export interface EcsClient extends EcsApi {
  /**
   * Every instance matching `filters`, following `NextToken` until the last page, under the reader's rules
   * (listing.ts). One request per page. Arguments are checked when called, before any request.
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
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? createDispatcher(timeoutMs);
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
      const pages = readInstancePages(api, filters, describeOptions);
      return (async function* () {
        for await (const instances of pages) yield* instances;
      })();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (ownDispatcher) await dispatcher.close();
    },
  };
}
