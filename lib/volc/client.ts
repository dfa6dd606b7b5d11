/**
 * The Volcengine ECS client of one region: options with their defaults in one place, the ECS actions over
 * the transport, and DescribeInstances pagination (through the one reader, listing.ts).
 */
import type { Dispatcher } from 'undici';
import { RequestError } from '../errors.js';
import { VERSION } from '../version.js';
import { createEcsApi } from './ecs.js';
import { DEFAULT_ENDPOINT, resolveEndpoint, validateEndpoint } from './endpoint.js';
import { type DispatcherSource, dispatcherOf, loadUndici } from './http.js';
import { DEFAULT_MAX_RESULTS, type ReadInstancesOptions, readInstancePages } from './listing.js';
import type { Credentials } from './sign.js';
import { createTransport } from './transport.js';
import type { DescribeInstancesFilters, EcsApi, Instance, RequestEvent } from './types.js';

/** Default per-request deadline. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A dispatcher made on first use: `dispatcher()` creates it once, `close()` closes it if it exists. */
export interface LazyDispatcher {
  dispatcher(): Promise<Dispatcher>;
  close(): Promise<void>;
}

/**
 * The keep-alive undici Agent every client (ECS, veFaaS) uses unless given another: the one place it is
 * built. It is built lazily: the first request loads undici and creates the Agent, so a process that never
 * sends one (a dry run, `--help`, a configuration error) never pays undici's import. Its connect, headers
 * and body timeouts are the per-request deadline.
 *
 * @example
 * const agent = createDispatcher(10_000); // share it between regions, close it once
 * const dispatcher = await agent.dispatcher(); // loads undici and creates the Agent, once
 * await agent.close();
 */
export function createDispatcher(timeoutMs: number = DEFAULT_TIMEOUT_MS): LazyDispatcher {
  let agent: Promise<Dispatcher> | undefined;
  return {
    dispatcher() {
      agent ??= loadUndici().then(
        ({ Agent }) =>
          new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
      );
      return agent;
    },
    async close() {
      if (agent !== undefined) await (await agent).close();
    },
  };
}

/**
 * The dispatcher of a client: its own from {@link createDispatcher} when `source` is undefined (closed by
 * `close()`), otherwise the caller's, which `close()` leaves open.
 */
export function clientDispatcher(source: DispatcherSource | undefined, timeoutMs: number): LazyDispatcher {
  if (source === undefined) return createDispatcher(timeoutMs);
  return { dispatcher: dispatcherOf(source), close: async () => {} };
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

/** The endpoint a client option names: a URL object as given (validated), or a string resolved with the default. */
export function resolveEndpointOption(endpoint: string | URL | undefined): URL {
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
  const agent = clientDispatcher(options.dispatcher, timeoutMs);
  let closed = false;
  const transport = createTransport({
    region: options.region,
    credentials: options.credentials,
    endpoint,
    timeoutMs,
    dispatcher: agent.dispatcher,
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
      await agent.close();
    },
  };
}
