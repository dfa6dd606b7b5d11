/**
 * The Volcengine OpenAPI client: credentials from the environment, endpoint resolution, request signing,
 * the ECS client of one region, the veFaaS client (signed POST/JSON) that deploy uses, and the ECS shapes.
 * Nothing here knows what a schedule is.
 */
export {
  clientDispatcher,
  createDispatcher,
  createEcsClient,
  DEFAULT_TIMEOUT_MS,
  type DescribeInstancesOptions,
  type EcsClient,
  type EcsClientOptions,
  type LazyDispatcher,
} from './client.js';
export { CredentialEnv, credentialsFromEnv } from './credentials.js';
export {
  createEcsApi,
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
export { type DispatcherSource, loadUndici } from './http.js';
export { STOP_CHARGING_INELIGIBLE_TYPES } from './instance-types.js';
export { DEFAULT_MAX_RESULTS, type ReadInstancesOptions, readInstancePages } from './listing.js';
export { DESCRIBE_REGIONS_MAX_RESULTS, KNOWN_REGIONS, MAX_REGION_IDS } from './regions.js';
export {
  type CallContext,
  MAX_RETRY_AFTER_MS,
  parseResponse,
  parseRetryAfter,
  RETRYABLE_API_CODES,
  RETRYABLE_HTTP_STATUSES,
} from './response.js';
export * from './sign.js';
export {
  type CallApi,
  createJsonTransport,
  ECS_API_VERSION,
  ECS_SERVICE,
} from './transport.js';
export * from './types.js';
export {
  createVefaasClient,
  DEFAULT_VEFAAS_TIMEOUT_MS,
  type FaasEnv,
  type FaasFunction,
  type FaasTrigger,
  type FunctionSpec,
  ReleaseState,
  type ReleaseStatus,
  releaseState,
  type TimerSpec,
  VEFAAS_API_VERSION,
  VEFAAS_REGIONS,
  VEFAAS_SERVICE,
  VefaasAction,
  type VefaasClient,
  type VefaasClientOptions,
} from './vefaas.js';
