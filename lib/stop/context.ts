/**
 * What every piece of the executor shares within one region: the counted client, the region's request lanes
 * (a limiter and retry context per action), and the outcome book. Also the request helpers every caller uses,
 * the listing included: {@link limited} (one request through the limiter), {@link limitedRetrying} (the same,
 * under the retry policy), and {@link describeByIds} (look-ups through the one DescribeInstances reader, in
 * the region's DescribeInstances lane).
 */
import type { RetrySettings } from '../config/index.js';
import { VolcApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type EcsApi, type Instance, readInstancePages } from '../volc/index.js';
import { chunk, MAX_IDS_PER_CALL } from './batches.js';
import type { OutcomeLedger } from './ledger.js';
import { runPool } from './pool.js';
import { type LimiterStats, newLimiterStats, RateLimiter } from './rate-limit.js';
import { deadlineExceeded, isThrottleError, type RetryContext, retrying, retryPolicy } from './retry.js';
import type { RunStats } from './stats.js';

/**
 * Where one region's requests of one kind go through: the adaptive limiter (one per region and action, as
 * the API's quotas are) and the retry context (policy, deadline, clock). A run takes its lanes from one
 * {@link laneSource}, which makes each with {@link createLane}.
 */
export interface RequestLane {
  region: string;
  /** Which of the region's lanes this is (see {@link LaneName}): its key in `regionStats`. */
  name: string;
  limiter: RateLimiter;
  retry: RetryContext;
}

/** What {@link createLane} reads. */
export interface LaneSettings {
  retry: RetrySettings;
  rateLimit: { qps: number; burst?: number };
  /** Absolute time on the `nowMs` clock after which no request starts. */
  deadlineAtMs: number;
}

/** The clock, sleep and randomness a lane waits with. */
export interface LaneDeps {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for backoff jitter. */
  random(): number;
}

/** The counters a lane writes to: retries, and (when given) its limiter's figures per region and lane. */
export interface LaneStats {
  retries: number;
  /** `regionStats` of the run: region → lane name → limiter counters. */
  lanes?: Record<string, Record<string, LimiterStats>>;
}

/**
 * A new lane `name` for `region`, counting its retries into `stats` (and its limiter's figures into
 * `stats.lanes[region][name]`, added to when a lane of that name was made before).
 *
 * @example
 * const lane = createLane('cn-beijing', { retry: config.retry, rateLimit: config.rateLimit, deadlineAtMs }, clock, stats, 'listing');
 * const page = await limitedRetrying(lane, () => api.describeInstancesPage(filters));
 */
export function createLane(
  region: string,
  settings: LaneSettings,
  deps: LaneDeps,
  stats: LaneStats,
  name = 'stop',
): RequestLane {
  const clock = { nowMs: deps.nowMs, sleep: deps.sleep };
  let limiterStats = newLimiterStats();
  if (stats.lanes !== undefined) {
    stats.lanes[region] ??= {};
    stats.lanes[region][name] ??= limiterStats;
    limiterStats = stats.lanes[region][name];
  }
  const limiter = new RateLimiter(
    {
      qps: settings.rateLimit.qps,
      ...(settings.rateLimit.burst !== undefined && { burst: settings.rateLimit.burst }),
    },
    clock,
    limiterStats,
  );
  return {
    region,
    name,
    limiter,
    retry: {
      ...clock,
      policy: retryPolicy(settings.retry),
      deadlineAtMs: settings.deadlineAtMs,
      random: deps.random,
      stats,
      throttledShare: () => limiter.throttledShare,
    },
  };
}

/** The names of a region's lanes, one per API action quota: their keys in `regionStats.lanes`. */
export const LaneName = {
  /** DescribeRegions: the region check. */
  Regions: 'regions',
  /** DescribeInstances: the listing, and the executor's status look-ups and verification. */
  Listing: 'listing',
  /** StopInstances and StartInstances. */
  Stop: 'stop',
} as const;
export type LaneName = (typeof LaneName)[keyof typeof LaneName];

/** Where a run's lanes come from: the same lane (one limiter) for the same region and name, whoever asks. */
export type LaneSource = (region: string, name: LaneName) => RequestLane;

/**
 * The lanes of one run, each made on first use and shared after. The quota is per region and action, so
 * everything that spends one region's DescribeInstances quota (the listing's pages, and the executor's status
 * look-ups and verification, which may run while the listing still goes on) must go through one limiter:
 * with two, each would think it had the whole quota, and together they would be refused.
 *
 * @example
 * const lanes = laneSource({ retry: config.retry, rateLimit: config.rateLimit, deadlineAtMs }, clock, stats);
 * lanes('cn-beijing', LaneName.Listing) === lanes('cn-beijing', LaneName.Listing); // true
 */
export function laneSource(settings: LaneSettings, deps: LaneDeps, stats: LaneStats): LaneSource {
  const lanes = new Map<string, RequestLane>();
  return (region, name) => {
    const key = JSON.stringify([region, name]);
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = createLane(region, settings, deps, stats, name);
      lanes.set(key, lane);
    }
    return lane;
  };
}

/** State shared by every region of one run. */
export interface RunState {
  stats: RunStats;
  /** Instances sent again with KeepCharging. */
  fallbacks: number;
  /** StartInstances refusals for lack of capacity, one per instance per answer. */
  capacityRefusals: number;
  /** True once the "answer named an instance we did not ask about" warning was logged. */
  warnedUnexpectedDetail: boolean;
  /** True once the "answer left an instance out" warning was logged. */
  warnedMissingDetail: boolean;
  /** Names this run in re-batch ClientTokens (see token.ts). */
  runId: string;
  /** The configuration's tag key, for advice in outcome reasons. */
  tagKey: string;
}

/** Everything the executor needs within one region; as a lane, its StopInstances (StartInstances) lane. */
export interface RegionContext extends RequestLane {
  /**
   * The region's DescribeInstances lane, the listing's: status look-ups and verification spend the quota the
   * listing spends, so they go through its limiter (see {@link laneSource}).
   */
  describe: RequestLane;
  /** Counts its calls into `run.stats`. */
  api: EcsApi;
  ledger: OutcomeLedger;
  logger: Logger;
  /** Batches (or DescribeInstances calls) in flight at once in this region. */
  concurrency: number;
  /** The most a re-batch waits to fill, in ms (see region.ts). @default DEFAULT_BATCH_FILL_MS */
  batchFillMs?: number;
  run: RunState;
}

/**
 * Sends one request through the region's limiter: waits for a slot, refuses to start after the deadline,
 * and tells the limiter whether the API throttled (a thrown 429, or `isThrottled(result)` for an answer
 * whose per-instance details say FlowLimitExceeded).
 */
export async function limited<T>(
  ctx: RequestLane,
  send: () => Promise<T>,
  isThrottled: (result: T) => boolean = () => false,
): Promise<T> {
  await ctx.limiter.acquire();
  return sendInSlot(ctx, send, isThrottled);
}

/**
 * The second half of {@link limited}, for a caller that already holds a slot of the lane's limiter (the
 * stop pipeline forms its batch when the slot is granted): refuses to start after the deadline, sends, and
 * tells the limiter how the answer went.
 */
export async function sendInSlot<T>(
  ctx: RequestLane,
  send: () => Promise<T>,
  isThrottled: (result: T) => boolean = () => false,
): Promise<T> {
  if (ctx.retry.nowMs() >= ctx.retry.deadlineAtMs) {
    throw deadlineExceeded('deadline reached while waiting for the rate limiter');
  }
  try {
    const result = await send();
    if (isThrottled(result)) ctx.limiter.onThrottle();
    else ctx.limiter.onSuccess();
    return result;
  } catch (error) {
    // A Retry-After (on a throttled answer or any other) holds the lane's next slots back that long.
    const retryAfterMs = error instanceof VolcApiError ? error.retryAfterMs : undefined;
    if (isThrottleError(error)) ctx.limiter.onThrottle(retryAfterMs);
    else if (retryAfterMs !== undefined) ctx.limiter.holdFor(retryAfterMs);
    throw error;
  }
}

/**
 * {@link limited} under the lane's retry policy: the same request again after a retryable failure, until it
 * succeeds, the policy gives up, or the deadline comes.
 */
export function limitedRetrying<T>(lane: RequestLane, send: () => Promise<T>): Promise<T> {
  return retrying(() => limited(lane, send), lane.retry);
}

/**
 * Looks instances up by ID through the one DescribeInstances reader: at most 100 IDs per reading, each page
 * through the region's DescribeInstances lane (`ctx.describe`). Returns the instances found; an ID absent from
 * the map does not exist (any more).
 */
export async function describeByIds(
  ctx: RegionContext,
  instanceIds: readonly string[],
): Promise<Map<string, Instance>> {
  const found = new Map<string, Instance>();
  const slices = chunk([...new Set(instanceIds)].sort(), MAX_IDS_PER_CALL);
  await runPool(slices, ctx.concurrency, async (ids) => {
    const pages = readInstancePages(
      ctx.api,
      { instanceIds: ids },
      { maxResults: MAX_IDS_PER_CALL, callPage: (attempt) => limitedRetrying(ctx.describe, attempt) },
    );
    for await (const instances of pages) {
      for (const instance of instances) found.set(instance.InstanceId, instance);
    }
  });
  return found;
}
