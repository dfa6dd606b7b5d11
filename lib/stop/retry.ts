/**
 * The retry policy of every request lights-out sends: which failures are retried, how long to wait, and when
 * to give up. Policy is data ({@link RetryPolicy}); {@link decideRetry} is the one decision; {@link retrying}
 * runs it. Time, sleep and randomness are injected so tests run on a fake clock.
 *
 * Why sending the same StopInstances again is safe: every stop request carries a ClientToken derived from
 * what it asks (see token.ts) and `retrying` resends the very same request, token included. If the first
 * request did stop the instances and only its answer was lost (a timeout, a 500, a 502 from a proxy), the
 * server recognises the token and answers with the first result instead of stopping again. The one code
 * that says the token was seen with other parameters (IdempotentParameterMismatch) is never retried: the
 * token would be wrong, and resending it could not help.
 */
import type { RetrySettings } from '../config/index.js';
import { SETTING_DEFAULTS } from '../defaults.js';
import { DeadlineError, VolcApiError } from '../errors.js';
import { ApiCode } from './codes.js';

/** The defaults of {@link RetrySettings}: the configuration's (lib/defaults.ts, written once). */
export const DEFAULT_RETRY_SETTINGS: Readonly<RetrySettings> = SETTING_DEFAULTS.retry;

/**
 * Refusals in a row an instance takes at once (see {@link requeueDelayMs}) before its waits start to grow,
 * at least. Where most instances are refused, a streak this long is what chance gives many of them: see
 * {@link requeuePatience}.
 */
export const REQUEUE_PATIENCE = 10;

/**
 * The refusals in a row after which an instance's waits grow, given the share of instances the region's
 * recent answers refused and how many instances the region has: a streak chance would give none of them
 * (one region in a thousand would see one), and at least {@link REQUEUE_PATIENCE}. Growing the waits of
 * instances refused no more often than the others would only leave them behind, and the last instances of a
 * region are the ones chance refuses longest: the limiter already slows the region when the rate is what is
 * refused. What the growth is for is an instance refused for a reason of its own, again and again.
 *
 * @example
 * requeuePatience(0.3, 1); // 10
 * requeuePatience(0.9, 1); // 66
 * requeuePatience(0.9, 1_000); // 132
 */
export function requeuePatience(refusedShare: number, instances = 1): number {
  if (!(refusedShare > 0) || refusedShare >= 1) return REQUEUE_PATIENCE;
  const chance = 0.001 / Math.max(1, instances);
  return Math.max(REQUEUE_PATIENCE, Math.ceil(Math.log(chance) / Math.log(refusedShare)));
}

/** Codes never retried, whatever the client's `retryable` says. */
export const NEVER_RETRY_CODES: ReadonlySet<string> = new Set(['IdempotentParameterMismatch']);

/** A retry policy as data. */
export interface RetryPolicy extends RetrySettings {
  /** Codes never retried even when marked retryable. @default {@link NEVER_RETRY_CODES} */
  neverRetryCodes: ReadonlySet<string>;
}

/** Resolves a policy from (possibly partial) settings, filling defaults in this one place. */
export function retryPolicy(
  settings: Partial<RetrySettings> & { neverRetryCodes?: ReadonlySet<string> } = {},
): RetryPolicy {
  return {
    baseMs: settings.baseMs ?? DEFAULT_RETRY_SETTINGS.baseMs,
    capMs: settings.capMs ?? DEFAULT_RETRY_SETTINGS.capMs,
    maxAttempts: Math.max(1, settings.maxAttempts ?? DEFAULT_RETRY_SETTINGS.maxAttempts),
    neverRetryCodes: settings.neverRetryCodes ?? NEVER_RETRY_CODES,
  };
}

/**
 * The ceiling of the `retryIndex`-th wait (0 for the wait before the second attempt): `min(capMs, baseMs * 2^n)`.
 */
export function backoffCeilingMs(policy: RetrySettings, retryIndex: number): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retryIndex));
}

/**
 * A "full jitter" wait: uniformly random between 0 and the ceiling. Spreading the waits keeps many callers
 * that failed together (a throttled burst) from coming back together.
 *
 * @param random returns a number in [0, 1), like `Math.random`
 */
export function backoffDelayMs(policy: RetrySettings, retryIndex: number, random: () => number): number {
  return Math.floor(random() * backoffCeilingMs(policy, retryIndex));
}

/**
 * How long an instance (or a request) throttled `streak` times in a row (1 after its first refusal) waits
 * before it is sent again: not at all while `streak` is at most `patience` (see {@link requeuePatience}).
 * The region's limiter spaces the requests and slows them when the quota is scarce, so a wait of the
 * instance's own would only hold it back from a slot the quota allows, or split the instances refused
 * together over more calls than they fill. Only one refused more than `patience` times in a row waits, a
 * full-jitter backoff doubling from `baseMs` up to `capMs`.
 *
 * @example
 * requeueDelayMs({ baseMs: 200, capMs: 2000, maxAttempts: 8 }, 1, Math.random); // 0
 * requeueDelayMs({ baseMs: 200, capMs: 2000, maxAttempts: 8 }, 12, Math.random); // 0..799
 */
export function requeueDelayMs(
  policy: RetrySettings,
  streak: number,
  random: () => number,
  patience: number = REQUEUE_PATIENCE,
): number {
  if (streak <= patience) return 0;
  return backoffDelayMs(policy, streak - patience, random);
}

/**
 * True for a request-level throttling answer (FlowLimitExceeded, or HTTP 429 whatever its code). Throttling
 * says "later", not "no": it is retried until the deadline, and slows the region's limiter down.
 */
export function isThrottleError(error: unknown): boolean {
  return (
    error instanceof VolcApiError && (error.code === ApiCode.FlowLimitExceeded || error.httpStatus === 429)
  );
}

/** True when `error` is worth sending again: a `VolcApiError` the client marked retryable, and not a never-retry code. */
export function isRetryableError(error: unknown, policy: RetryPolicy): boolean {
  return error instanceof VolcApiError && error.retryable && !policy.neverRetryCodes.has(error.code);
}

/** What {@link decideRetry} concluded. */
export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; reason: 'not-retryable' | 'attempts-exhausted' | 'deadline' };

/** Where a request stands when it failed. */
export interface RetryState {
  /**
   * Attempts made so far that count against `maxAttempts`, the failed one included (1 after the first
   * failure). Throttled answers and "still in process" answers do not count.
   */
  attempts: number;
  /**
   * Which wait this is (0 for the first), for the backoff ceiling: throttled attempts count here, so that a
   * request throttled again and again waits longer and longer. @default attempts - 1
   */
  retryIndex?: number;
  /**
   * Throttled answers in a row, the failed one included, when it was throttled: such a request waits as
   * {@link requeueDelayMs} says (not at all, at first: the limiter paces the region), not the growing backoff.
   */
  throttledInARow?: number;
  /** Throttled answers in a row a request takes without a wait of its own. @default REQUEUE_PATIENCE */
  patience?: number;
  nowMs: number;
  /** Absolute time (on the `nowMs` clock) after which no attempt may start. */
  deadlineAtMs: number;
}

/**
 * The one retry decision: retry `error` after `delayMs`, or give up and say why.
 *
 * @example
 * decideRetry(err, { attempts: 1, nowMs, deadlineAtMs }, retryPolicy(), Math.random);
 */
export function decideRetry(
  error: unknown,
  state: RetryState,
  policy: RetryPolicy,
  random: () => number,
): RetryDecision {
  if (!isRetryableError(error, policy)) return { retry: false, reason: 'not-retryable' };
  // Throttling is transient by definition: only the deadline ends it (the limiter and the backoff slow down).
  if (!isThrottleError(error) && state.attempts >= policy.maxAttempts) {
    return { retry: false, reason: 'attempts-exhausted' };
  }
  const delayMs =
    isThrottleError(error) && state.throttledInARow !== undefined
      ? requeueDelayMs(policy, state.throttledInARow, random, state.patience)
      : backoffDelayMs(policy, state.retryIndex ?? state.attempts - 1, random);
  if (state.nowMs + delayMs >= state.deadlineAtMs) return { retry: false, reason: 'deadline' };
  return { retry: true, delayMs };
}

function isInProcess(error: unknown): boolean {
  return error instanceof VolcApiError && error.code === ApiCode.IdempotentProcessing;
}

/** The error thrown when the deadline stops the work; `cause` is the last failure, if any. */
export function deadlineExceeded(message: string, cause?: unknown): DeadlineError {
  return new DeadlineError(message, { cause });
}

/** Everything {@link retrying} needs besides the attempt. */
export interface RetryContext {
  policy: RetryPolicy;
  /** Absolute time (on the `nowMs` clock) after which no attempt starts. */
  deadlineAtMs: number;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
  /** Counts each retry in `retries`. */
  stats?: { retries: number };
  /**
   * The share of the lane's recent answers that were throttled (its limiter's), so that a request is given
   * the patience that share calls for (see requeuePatience). @default none: the least patience
   */
  throttledShare?(): number;
  /** Called before each wait, for logs. */
  onRetry?(info: { error: unknown; attempts: number; delayMs: number }): void;
}

/**
 * Runs `attempt` until it succeeds or {@link decideRetry} gives up. Gives up by rethrowing the last error
 * (not retryable, or attempts exhausted), or by throwing a `DeadlineExceeded` LightsOutError whose cause is
 * the last error when the next wait would pass the deadline. No attempt starts at or after the deadline.
 *
 * @param attempt sends the request; receives the 1-based attempt number. It must send the SAME request
 *   each time (for StopInstances: the same ClientToken).
 * @example
 * const page = await retrying(() => api.describeInstancesPage(filters), { policy, deadlineAtMs, ...deps });
 */
export async function retrying<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  ctx: RetryContext,
): Promise<T> {
  // Answers that say "an earlier request with this token is still in process" (412) are not failures of
  // this request: they do not use up its attempts, only time, so a twin invocation still in flight cannot
  // make this one give up on instances that are being stopped. Throttled answers do not use them up either
  // (throttling says "later", not "no"), but they do lengthen the backoff. The deadline bounds both.
  let counted = 0;
  let waits = 0;
  let throttledInARow = 0;
  for (let attempts = 1; ; attempts++) {
    if (ctx.nowMs() >= ctx.deadlineAtMs) {
      throw deadlineExceeded(`deadline reached before attempt ${attempts}`);
    }
    try {
      return await attempt(attempts);
    } catch (error) {
      if (!isInProcess(error)) {
        waits += 1;
        if (!isThrottleError(error)) counted += 1;
      }
      throttledInARow = isThrottleError(error) ? throttledInARow + 1 : 0;
      const decision = decideRetry(
        error,
        {
          attempts: Math.max(1, counted),
          retryIndex: Math.max(0, waits - 1),
          throttledInARow,
          // Twenty answers cannot tell "all throttled" from "19 in 20": read a full window as 95%. The limiter,
          // not this backoff, slows a lane whose every request is refused.
          patience: requeuePatience(Math.min(ctx.throttledShare?.() ?? 0, 0.95)),
          nowMs: ctx.nowMs(),
          deadlineAtMs: ctx.deadlineAtMs,
        },
        ctx.policy,
        ctx.random,
      );
      if (!decision.retry) {
        if (decision.reason === 'deadline') {
          const last = error instanceof Error ? error.message : String(error);
          throw deadlineExceeded(`deadline reached after ${attempts} attempt(s); last error: ${last}`, error);
        }
        throw error;
      }
      ctx.onRetry?.({ error, attempts, delayMs: decision.delayMs });
      if (ctx.stats) ctx.stats.retries += 1;
      if (decision.delayMs > 0) await ctx.sleep(decision.delayMs);
    }
  }
}
