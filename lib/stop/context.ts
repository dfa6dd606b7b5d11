/**
 * What every piece of the executor shares within one region: the counted client, the region's limiter,
 * the retry context (policy, deadline, clock) and the outcome book. Also the two request helpers every
 * caller uses: {@link limited} (one request through the limiter) and {@link describeByIds}.
 */
import { VolcApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { EcsApi, Instance } from '../volc/types.js';
import { chunk, MAX_IDS_PER_CALL } from './batches.js';
import { ApiCode } from './codes.js';
import type { OutcomeLedger } from './ledger.js';
import { runPool } from './pool.js';
import type { RateLimiter } from './rate-limit.js';
import { deadlineExceeded, type RetryContext, retrying } from './retry.js';
import type { RunStats } from './stats.js';

/** State shared by every region of one run. */
export interface RunState {
  stats: RunStats;
  /** Instances sent again with KeepCharging. */
  fallbacks: number;
  /** StartInstances refusals for lack of capacity, one per instance per answer. */
  capacityRefusals: number;
  /** True once the "answer named an instance we did not ask about" warning was logged. */
  warnedUnexpectedDetail: boolean;
  /** Names this run in re-batch ClientTokens (see token.ts). */
  runId: string;
  /** The configuration's tag key, for advice in outcome reasons. */
  tagKey: string;
}

/** Everything the executor needs within one region. */
export interface RegionContext {
  region: string;
  /** Counts its calls into `run.stats`. */
  api: EcsApi;
  limiter: RateLimiter;
  retry: RetryContext;
  ledger: OutcomeLedger;
  logger: Logger;
  /** Batches (or DescribeInstances calls) in flight at once in this region. */
  concurrency: number;
  run: RunState;
}

/** True for a request-level throttling answer (FlowLimitExceeded, or HTTP 429 whatever its code). */
export function isThrottleError(error: unknown): boolean {
  return (
    error instanceof VolcApiError && (error.code === ApiCode.FlowLimitExceeded || error.httpStatus === 429)
  );
}

/**
 * Sends one request through the region's limiter: waits for a slot, refuses to start after the deadline,
 * and tells the limiter whether the API throttled (a thrown 429, or `isThrottled(result)` for an answer
 * whose per-instance details say FlowLimitExceeded).
 */
export async function limited<T>(
  ctx: RegionContext,
  send: () => Promise<T>,
  isThrottled: (result: T) => boolean = () => false,
): Promise<T> {
  await ctx.limiter.acquire();
  if (ctx.retry.nowMs() >= ctx.retry.deadlineAtMs) {
    throw deadlineExceeded('deadline reached while waiting for the rate limiter');
  }
  try {
    const result = await send();
    if (isThrottled(result)) ctx.limiter.onThrottle();
    else ctx.limiter.onSuccess();
    return result;
  } catch (error) {
    if (isThrottleError(error)) ctx.limiter.onThrottle();
    throw error;
  }
}

/**
 * Looks instances up by ID with DescribeInstances: at most 100 IDs per call, each page with the retry policy
 * and the limiter. Returns the instances found; an ID absent from the map does not exist (any more).
 */
export async function describeByIds(
  ctx: RegionContext,
  instanceIds: readonly string[],
): Promise<Map<string, Instance>> {
  const found = new Map<string, Instance>();
  const slices = chunk([...new Set(instanceIds)].sort(), MAX_IDS_PER_CALL);
  await runPool(slices, ctx.concurrency, async (ids) => {
    // At most 100 IDs fit one page; a server that keeps handing out the same NextToken must not keep us
    // asking until the deadline.
    const seenTokens = new Set<string>();
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await retrying(
        () =>
          limited(ctx, () =>
            ctx.api.describeInstancesPage(
              { instanceIds: ids },
              token ? { nextToken: token, maxResults: MAX_IDS_PER_CALL } : { maxResults: MAX_IDS_PER_CALL },
            ),
          ),
        ctx.retry,
      );
      for (const instance of page.instances) found.set(instance.InstanceId, instance);
      nextToken = page.nextToken || undefined;
      if (nextToken !== undefined && seenTokens.has(nextToken)) break;
      if (nextToken !== undefined) seenTokens.add(nextToken);
    } while (nextToken);
  });
  return found;
}
