/**
 * Lists the instances that carry the schedule tag, once per region however many schedules fire: one
 * DescribeRegions call per region that checks the region exists, then one reading per region through the one
 * DescribeInstances reader (volc), filtered server-side on the tag key. Every request goes through a request
 * lane of its region and action (rate limit and retry policy, as the executor's requests).
 */
import type { Config } from '../config/index.js';
import { RegionError } from '../errors.js';
import { inlineSelectionFilters, selectionFilters } from '../plan/index.js';
import {
  countingEcsApi,
  createLane,
  limitedRetrying,
  type RequestLane,
  type RunStats,
} from '../stop/index.js';
import { type EcsApi, type Instance, readInstancePages } from '../volc/index.js';

/** What listing needs: clients, the clock, sleep and randomness for backoff. */
export interface ListDeps {
  clientFor(region: string): EcsApi;
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
 * fleet could leave machines running unnoticed; so does a region whose pages break the reader's rules or
 * exceed `listing.maxInstancesPerRegion`. With inline schedules, each region gets one more listing (filtered
 * on the inline tag key, or the `optOut` scope's) in the same lane; `listing.maxInstancesPerRegion` bounds
 * each listing on its own. An instance found by both listings appears twice, and the planner plans it once.
 */
export async function listTaggedInstances(
  config: Config,
  deps: ListDeps,
  context: { stats: RunStats; deadlineAtMs: number },
  request: ListingRequest = {},
): Promise<{ region: string; instance: Instance }[]> {
  const filterSets = [
    ...((request.named ?? true) ? [selectionFilters(config)] : []),
    ...(request.inline && config.inline ? inlineSelectionFilters(config.inline) : []),
  ];
  const settings = { retry: config.retry, rateLimit: config.rateLimit, deadlineAtMs: context.deadlineAtMs };
  const perRegion = await Promise.all(
    config.regions.map(async (region) => {
      const found: { region: string; instance: Instance }[] = [];
      const api = countingEcsApi(deps.clientFor(region), context.stats);
      // One lane per action, as the API's quotas are: the region check does not spend the listing's budget.
      await checkRegionExists(api, createLane(region, settings, deps, context.stats, 'regions'));
      const lane = createLane(region, settings, deps, context.stats, 'listing');
      for (const filters of filterSets) {
        const pages = readInstancePages(api, filters, {
          callPage: (attempt) => limitedRetrying(lane, attempt),
          maxInstances: config.listing.maxInstancesPerRegion,
          maxInstancesName: 'listing.maxInstancesPerRegion',
        });
        for await (const instances of pages) {
          for (const instance of instances) found.push({ region, instance });
        }
      }
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
async function checkRegionExists(api: EcsApi, lane: RequestLane): Promise<void> {
  const region = lane.region;
  const page = await limitedRetrying(lane, () => api.describeRegionsPage({ regionIds: [region] }));
  if (page.regionIds.includes(region)) return;
  throw new RegionError(
    region,
    `region '${region}' is not a region the API knows (DescribeRegions does not list it): ` +
      'check `regions` in the configuration',
  );
}
