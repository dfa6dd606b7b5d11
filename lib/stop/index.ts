/**
 * lib/stop: the executor. It turns a Plan into StopInstances calls (batched, idempotent by ClientToken,
 * retried, rate limited, bounded by a deadline) and into one outcome per plan item plus a run summary.
 * Its request lanes (limiter plus retry policy, context.ts) are also what the listing code sends through.
 */
export { MAX_IDS_PER_CALL } from './batches.js';
export { ApiCode, InstanceAction, instanceAction } from './codes.js';
export {
  createLane,
  type LaneDeps,
  LaneName,
  type LaneSettings,
  type LaneSource,
  laneSource,
  limited,
  limitedRetrying,
  type RequestLane,
} from './context.js';
export {
  type ExecuteDeps,
  type ExecuteOptions,
  type ExecuteResult,
  executePlan,
  StopSession,
} from './execute.js';
export { RateLimiter, type RateLimiterDeps, type RateLimiterOptions } from './rate-limit.js';
export {
  backoffCeilingMs,
  backoffDelayMs,
  DEFAULT_RETRY_SETTINGS,
  deadlineExceeded,
  decideRetry,
  isRetryableError,
  isThrottleError,
  NEVER_RETRY_CODES,
  type RetryContext,
  type RetryDecision,
  type RetryPolicy,
  type RetryState,
  retrying,
  retryPolicy,
} from './retry.js';
export { countCall, countingEcsApi, createRunStats, EcsAction, type RunStats } from './stats.js';
export { buildSummary, countOutcomes, logSummary, type SummaryInput } from './summary.js';
export { CLIENT_TOKEN_MAX_LENGTH, CLIENT_TOKEN_PREFIX, type ClientTokenInput, clientToken } from './token.js';
export {
  type InstanceOutcome,
  Outcome,
  type RunSavings,
  type RunSummary,
  type ScheduleSavings,
} from './types.js';
