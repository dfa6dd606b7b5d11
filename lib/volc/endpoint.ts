/**
 * Where OpenAPI requests go. Plain HTTP is only for a local emulator: signed requests and their answers
 * must not cross a network in clear text.
 */
import { isIPv4 } from 'node:net';
import { SetupError } from '../errors.js';

/** The public Volcengine OpenAPI endpoint (all regions; the region travels in the signature scope). */
export const DEFAULT_ENDPOINT = 'https://open.volcengineapi.com';

/** The environment variable that overrides the endpoint option. */
export const ENDPOINT_ENV = 'VOLC_ENDPOINT';

/** True for `localhost`, `127.0.0.0/8` and `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1') return true;
  return isIPv4(host) && host.startsWith('127.');
}

/**
 * Checks that a URL can serve as the OpenAPI endpoint: `https:`, or `http:` on a loopback host; no user
 * name or password, query or fragment.
 *
 * @param source says where the URL came from, for the error message (`VOLC_ENDPOINT`, `the endpoint option`).
 * @throws SetupError `InvalidEndpoint` or `InsecureEndpoint`.
 */
export function validateEndpoint(url: URL, source: string): URL {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SetupError('InvalidEndpoint', `${source}: the endpoint must be an https:// URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new SetupError(
      'InvalidEndpoint',
      `${source}: the endpoint URL must not hold a user name or password`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new SetupError(
      'InvalidEndpoint',
      `${source}: the endpoint URL must not hold a query or a fragment`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new SetupError(
      'InsecureEndpoint',
      `${source}: plain http:// is refused for ${url.host}; use https://, or http:// only on a loopback host ` +
        '(127.0.0.1, localhost, [::1]) such as the local emulator',
    );
  }
  return url;
}

/**
 * Resolves the OpenAPI endpoint: the `VOLC_ENDPOINT` environment variable, then `option`, then
 * {@link DEFAULT_ENDPOINT}. Empty values count as unset.
 *
 * @param env @default process.env
 * @throws SetupError `InvalidEndpoint` (not a usable URL) or `InsecureEndpoint` (http:// off loopback).
 * @example
 * resolveEndpoint('http://127.0.0.1:8080', {}).href; // 'http://127.0.0.1:8080/'
 */
export function resolveEndpoint(option?: string, env: NodeJS.ProcessEnv = process.env): URL {
  const fromEnv = env[ENDPOINT_ENV];
  const [value, source] =
    fromEnv !== undefined && fromEnv !== ''
      ? [fromEnv, ENDPOINT_ENV]
      : option !== undefined && option !== ''
        ? [option, 'the endpoint option']
        : [DEFAULT_ENDPOINT, 'the default endpoint'];
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new SetupError('InvalidEndpoint', `${source}: ${JSON.stringify(value)} is not a valid URL`, {
      cause,
    });
  }
  return validateEndpoint(url, source);
}
