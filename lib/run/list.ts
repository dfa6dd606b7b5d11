/**
 * Lists the instances that carry the schedule tag, once per region however many schedules fire: one
 * DescribeRegions call that checks the region exists, then one DescribeInstances walk per region, filtered
 * server-side on the tag key, each request under the retry policy.
 */
import type { Config } from '../config/types.js';
import { LightsOutError } from '../errors.js';
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
import type { EcsClient } from '../volc/client.js';
import type { Instance } from '../volc/types.js';

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
      const limited =
        (action: EcsAction) =>
        <T>(attempt: () => Promise<T>): Promise<T> =>
          retrying(
            async () => {
              await limiter.acquire();
              if (deps.nowMs() >= context.deadlineAtMs)
                throw deadlineExceeded('deadline reached while listing');
              countCall(context.stats, action);
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
          );
      const client = deps.clientFor(region);
      await checkRegionExists(client, region, limited(EcsAction.DescribeRegions));
      const pages = client.describeInstances(filters, { callPage: limited(EcsAction.DescribeInstances) });
      for await (const instance of pages) found.push({ region, instance });
      return found;
    }),
  );
  return perRegion.flat();
}

/**
 * Fails a region the API does not list. DescribeRegions is the authority on which regions exist for an
 * account (docs/volcengine-regions.md); without this check a misspelt or retired region would list zero
 * instances and the run would end "nothing to do" while the real fleet kept running.
 */
async function checkRegionExists(
  client: EcsClient,
  region: string,
  call: <T>(attempt: () => Promise<T>) => Promise<T>,
): Promise<void> {
  const page = await call(() => client.describeRegionsPage({ regionIds: [region] }));
  if (page.regionIds.includes(region)) return;
  throw new LightsOutError(
    'UnknownRegion',
    `region '${region}' is not a region the API knows (DescribeRegions does not list it): ` +
      'check `regions` in the configuration',
  );
}
