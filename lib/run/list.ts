/**
 * Lists the instances that carry the schedule tag, once per region however many schedules fire: one
 * DescribeRegions call per region that checks the region exists (alongside the first pages, whose instances
 * are handed out only once it passed), and one reading per region through the one
 * DescribeInstances reader (volc), filtered server-side on the tag key. Every request goes through a request
 * lane of its region and action (rate limit and retry policy, as the executor's requests).
 */
import type { Config } from '../config/index.js';
import { RegionError } from '../errors.js';
import { inlineSelectionFilters, selectionFilters } from '../plan/index.js';
import {
  countingEcsApi,
  LaneName,
  type LaneSource,
  laneSource,
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
 * Every region's reading ends before this settles; the first failure, in configuration order, is thrown.
 */
export async function listTaggedInstances(
  config: Config,
  deps: ListDeps,
  context: { stats: RunStats; deadlineAtMs: number },
  request: ListingRequest = {},
): Promise<{ region: string; instance: Instance }[]> {
  const opened = firstFailure(await openListings(config, deps, context, request, { firstPages: false }));
  const read = firstFailure(
    await Promise.allSettled(
      opened.map(async (listing) => {
        const found: { region: string; instance: Instance }[] = [];
        await listing.read((instances) => {
          for (const instance of instances) found.push({ region: listing.region, instance });
        });
        return found;
      }),
    ),
  );
  return read.flat();
}

/** The values of `results`, or the first failure's reason thrown. */
export function firstFailure<T>(results: readonly PromiseSettledResult<T>[]): T[] {
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** One region's listings, opened: the region check passed and the first page of each listing was read. */
export interface OpenedListing {
  region: string;
  /**
   * The sum of the `TotalCount` the first page of each of the region's listings announced; undefined when a
   * first page gave none, or the first pages were not read when opening.
   */
  announced: number | undefined;
  /**
   * Reads the rest, handing each page's instances (not seen before in that listing) to `onPage` in listing
   * order, the first pages' included: the schedule tag's listing first, then the inline one. Call once.
   */
  read(onPage: (instances: Instance[]) => void): Promise<void>;
}

/** Options of {@link openListings}. */
export interface OpenListingsOptions {
  /**
   * Read the first page of each listing when opening (for their `TotalCount`); false leaves every page to
   * `read`, which then reads the listings strictly one after another. @default true
   */
  firstPages?: boolean;
  /**
   * Consulted at every page: once true, the first page's `TotalCount` binds each listing (see
   * readInstancePages), as it must once stopping started on those counts. @default never
   */
  firstCountBinds?: () => boolean;
}

/**
 * Opens the listings of every configured region, concurrently: each region's DescribeRegions check and,
 * alongside it, the first page of each of its listings (in its `listing` lane); a region fails with the
 * check's error when the check fails, whatever the pages did. The results are in configuration order, one
 * per region, settled: the caller decides from every region's first pages whether stopping may start before
 * the rest is read (lib/run/run.ts). `context.lanes`, when given, is where the lanes come from: the run
 * shares them with its executor, whose status look-ups spend the same DescribeInstances quota.
 */
export function openListings(
  config: Config,
  deps: ListDeps,
  context: { stats: RunStats; deadlineAtMs: number; lanes?: LaneSource },
  request: ListingRequest = {},
  options: OpenListingsOptions = {},
): Promise<PromiseSettledResult<OpenedListing>[]> {
  const filterSets = [
    ...((request.named ?? true) ? [selectionFilters(config)] : []),
    ...(request.inline && config.inline ? inlineSelectionFilters(config.inline) : []),
  ];
  const settings = { retry: config.retry, rateLimit: config.rateLimit, deadlineAtMs: context.deadlineAtMs };
  const lanes = context.lanes ?? laneSource(settings, deps, context.stats);
  return Promise.allSettled(
    config.regions.map(async (region): Promise<OpenedListing> => {
      const api = countingEcsApi(deps.clientFor(region), context.stats);
      // One lane per action, as the API's quotas are: the region check does not spend the listing's budget.
      // It runs alongside the first pages (a round trip saved); nothing is handed out before it passed.
      const checked = checkRegionExists(api, lanes(region, LaneName.Regions));
      const lane = lanes(region, LaneName.Listing);
      const counts: (number | undefined)[] = filterSets.map(() => undefined);
      const readings = filterSets.map((filters, index) =>
        readInstancePages(api, filters, {
          callPage: (attempt) => limitedRetrying(lane, attempt),
          maxInstances: config.listing.maxInstancesPerRegion,
          maxInstancesName: 'listing.maxInstancesPerRegion',
          onTotalCount: (totalCount, page) => {
            if (page === 1) counts[index] = totalCount;
          },
          ...(options.firstCountBinds === undefined ? {} : { firstCountBinds: options.firstCountBinds }),
        }),
      );
      const reading =
        options.firstPages === false ? Promise.resolve([]) : Promise.all(readings.map((r) => r.next()));
      // A region the API does not know is the error to report, at once and whatever its first pages do
      // (read-only requests; their outcome is then dropped).
      reading.catch(() => {});
      await checked;
      const firsts = await reading;
      const announced =
        firsts.length > 0 && counts.every((count) => count !== undefined)
          ? counts.reduce<number>((sum, count) => sum + count!, 0)
          : undefined;
      return {
        region,
        announced,
        async read(onPage) {
          for (const [index, reading] of readings.entries()) {
            const first = firsts[index];
            if (first?.done) continue;
            if (first !== undefined) onPage(first.value);
            for await (const instances of reading) onPage(instances);
          }
        },
      };
    }),
  );
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
