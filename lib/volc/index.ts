/**
 * The Volcengine OpenAPI client: credentials from the environment, endpoint resolution, request signing,
 * the ECS client of one region, and the ECS shapes. Nothing here knows what a schedule is.
 */
export {
  createEcsClient,
  DEFAULT_MAX_RESULTS,
  DEFAULT_TIMEOUT_MS,
  type DescribeInstancesOptions,
  type EcsClient,
  type EcsClientOptions,
} from './client.js';
export { CredentialEnv, credentialsFromEnv } from './credentials.js';
export {
  MAX_CLIENT_TOKEN_LENGTH,
  MAX_INSTANCE_IDS,
  MAX_RESULTS_RANGE,
} from './ecs.js';
export {
  DEFAULT_ENDPOINT,
  ENDPOINT_ENV,
  isLoopbackHost,
  resolveEndpoint,
  validateEndpoint,
} from './endpoint.js';
export { type DispatcherSource, type LazyAgent, lazyAgent, loadUndici } from './http.js';
export { RETRYABLE_API_CODES, RETRYABLE_HTTP_STATUSES } from './response.js';
export * from './sign.js';
export { ECS_API_VERSION, ECS_SERVICE } from './transport.js';
export * from './types.js';
