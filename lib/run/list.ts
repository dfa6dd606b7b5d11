/**
 * Lists the instances that carry the schedule tag, once per region however many schedules fire: one
 * DescribeInstances walk per region, filtered server-side on the tag key, each page under the retry policy.
 */
import type { Config } from '../config/index.js';
import { selectionFilters } from '../plan/index.js';
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
import type { EcsClient, Instance } from '../volc/index.js';

/** What listing needs: clients, the clock, sleep and randomness for backoff. */
export interface ListDeps {
  clientFor(region: string): EcsClient;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

/**
 * Every tagged instance of every configured region. Regions are listed concurrently, each at most at
 * `rateLimit.qps` pages per second (the API's quotas are per action, so listing gets the same budget as
 * stopping). A region whose listing fails makes the whole listing fail, because a plan built on a partial
 * fleet could leave machines running unnoticed.
 */
export async function listTaggedInstances(
  config: Config,
  deps: ListDeps,
  context: { stats: RunStats; deadlineAtMs: number },
): Promise<{ region: string; instance: Instance }[]> {
  const policy = retryPolicy(config.retry);
  const filters = selectionFilters(config);
  const perRegion = await Promise.all(
    config.regions.map(async (region) => {
      const found: { region: string; instance: Instance }[] = [];
      const limiter = new RateLimiter(config.rateLimit, deps);
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
      return found;
    }),
  );
  return perRegion.flat();
}
