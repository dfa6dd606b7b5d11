/**
 * undici, loaded on first use, and only the two parts lights-out calls: its Agent and its `request`. Evaluating
 * undici sets up Node's http, net and tls modules; its index also evaluates fetch, WebSocket, EventSource,
 * caches, mocks and a dozen dispatchers nobody here uses, which cost as much again. A process that never sends
 * a request (a dry run without listing, `--help`, a configuration error) pays none of it, and one that does
 * pays it once, with its first request.
 */
import type { Dispatcher } from 'undici';

type Undici = typeof import('undici');

/** What lights-out uses of undici. */
export interface UndiciParts {
  Agent: Undici['Agent'];
  /** undici's `request(url, options)`; `options.dispatcher` is required (there is no global one here). */
  request: (url: string | URL, options: RequestOptions) => Promise<Dispatcher.ResponseData>;
}

/** undici's request options, the dispatcher included. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  dispatcher: Dispatcher;
  method?: Dispatcher.HttpMethod;
};

let undici: Promise<UndiciParts> | undefined;

/** undici's Agent and request, imported once per process on the first call. */
export function loadUndici(): Promise<UndiciParts> {
  undici ??= import('./undici.js').then(({ Agent, requestOn }) => {
    // What undici's index does for `request(url, options)`: split the URL into origin and path, default the
    // method, and call the dispatcher's request.
    const request: UndiciParts['request'] = (url, { dispatcher, ...options }) => {
      const parsed = new URL(url);
      return requestOn.call(dispatcher, {
        ...options,
        origin: parsed.origin,
        path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
        method: options.method ?? (options.body ? 'PUT' : 'GET'),
      });
    };
    return { Agent, request };
  });
  return undici;
}

/** A dispatcher, or a function that makes one on first use (see `createDispatcher` in client.ts). */
export type DispatcherSource = Dispatcher | (() => Promise<Dispatcher>);

/** Turns a {@link DispatcherSource} into the function the transport calls before each request. */
export function dispatcherOf(source: DispatcherSource): () => Promise<Dispatcher> {
  if (typeof source === 'function') return source;
  const resolved = Promise.resolve(source);
  return () => resolved;
}
