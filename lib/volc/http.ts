/**
 * undici, loaded on first use. Evaluating undici sets up Node's http, net and tls modules and costs most of a
 * cold start's import time; a process that never sends a request (a dry run without listing, `--help`, a
 * configuration error) never pays it, and one that does pays it once, with its first request.
 */
import type { Dispatcher } from 'undici';

type Undici = typeof import('undici');

let undici: Promise<Undici> | undefined;

/** undici's module, imported once per process on the first call. */
export function loadUndici(): Promise<Undici> {
  // undici is CommonJS: Node's import names its exports, a bundle's chunk may offer only `default` (its
  // module.exports), so take whichever holds them.
  undici ??= import('undici').then((module) =>
    'Agent' in module ? module : (module as unknown as { default: Undici }).default,
  );
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
