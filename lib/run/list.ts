/**
 * Lists the instances that carry the schedule tag, once per region however many schedules fire: one
 * DescribeInstances walk per region, filtered server-side on the tag key, each page under the retry policy.
 */
import type { Config } from '../config/types.js';
import { inlineSelectionFilters, selectionFilters } from '../plan/index.js';
import {
  countCall,
  deadlineExceeded,
  EcsAction,
  isThrottleError,
  RateLimiter,
  type RunStats,
  retrying,
  retryPolicy,
} from '../stop/index.js';
import type { EcsClient } from '../volc/client.js';
import type { Instance } from '../volc/types.js';

/** What listing needs: clients, the clock, sleep and randomness for backoff. */
export interface ListDeps {
  clientFor(region: string): EcsClient;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/** Which listings a run needs: the schedule tag's (when a named schedule fires), the inline one's, or both. */
export interface ListingRequest {
  /** @default true */
  named?: boolean;
  /** Also list the inline-tagged instances (or the `optOut` scope). @default false */
  inline?: boolean;
}

/**
 * Every tagged instance of every configured region. Regions are listed concurrently, each at most at
 * `rateLimit.qps` pages per second (the API's quotas are per action, so listing gets the same budget as
 * stopping). A region whose listing fails makes the whole listing fail, because a plan built on a partial
 * fleet could leave machines running unnoticed. With inline schedules, each region gets one more listing
 * (filtered on the inline tag key, or the `optOut` scope's) under the same limiter; an instance found by both
 * listings appears twice, and the planner plans it once.
 */
export async function listTaggedInstances(
  config: Config,
  deps: ListDeps,
  context: { stats: RunStats; deadlineAtMs: number },
  request: ListingRequest = {},
): Promise<{ region: string; instance: Instance }[]> {
  const policy = retryPolicy(config.retry);
  const filterSets = [
    ...((request.named ?? true) ? [selectionFilters(config)] : []),
    ...(request.inline && config.inline ? inlineSelectionFilters(config.inline) : []),
  ];
  const perRegion = await Promise.all(
    config.regions.map(async (region) => {
      const found: { region: string; instance: Instance }[] = [];
      const limiter = new RateLimiter(config.rateLimit, deps);
      for (const filters of filterSets) {
        const pages = deps.clientFor(region).describeInstances(filters, {
          callPage: (attempt) =>
            retrying(
              async () => {
                await limiter.acquire();
                if (deps.nowMs() >= context.deadlineAtMs)
                  throw deadlineExceeded('deadline reached while listing');
                countCall(context.stats, EcsAction.DescribeInstances);
                try {
                  const page = await attempt();
                  limiter.onSuccess();
                  return page;
                } catch (error) {
                  if (isThrottleError(error)) limiter.onThrottle();
                  throw error;
                }
              },
              {
                policy,
                deadlineAtMs: context.deadlineAtMs,
                nowMs: deps.nowMs,
                sleep: deps.sleep,
                random: deps.random,
                stats: context.stats,
              },
            ),
        });
        for await (const instance of pages) found.push({ region, instance });
      }
      return found;
    }),
  );
  return perRegion.flat();
}
