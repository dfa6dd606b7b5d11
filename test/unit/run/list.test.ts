import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import { listTaggedInstances } from '../../../lib/run/list.js';
import { createRunStats } from '../../../lib/stop/index.js';
import type { DescribeInstancesPage, EcsApi, Instance } from '../../../lib/volc/types.js';

const config = (extra = '') =>
  parseConfig(
    `version: 1\nregions: [cn-beijing]\nrateLimit: { qps: 4, burst: 1 }\nretry: { baseMs: 1, capMs: 1, maxAttempts: 3 }\n${extra}schedules:\n  a: { stop: "0 22 * * *" }\n`,
    'list.yaml',
  );

const throttled = () =>
  new VolcApiError({
    code: 'FlowLimitExceeded',
    message: 'slow down',
    httpStatus: 429,
    action: 'DescribeInstances',
    region: 'cn-beijing',
    retryable: true,
  });

/**
 * A region of `pages` pages of one instance each (NextToken `p<n>`, TotalCount announced); the first
 * `throttleFirst` requests answer 429.
 */
function fakeApi(pages: number, clock: { nowMs: number }, sentAtMs: number[], throttleFirst = 0): EcsApi {
  let throttlesLeft = throttleFirst;
  return {
    region: 'cn-beijing',
    async describeRegionsPage() {
      return { regionIds: ['cn-beijing'], requestId: 'r-regions' };
    },
    async describeInstancesPage(_filters, page): Promise<DescribeInstancesPage> {
      sentAtMs.push(clock.nowMs);
      if (throttlesLeft > 0) {
        throttlesLeft -= 1;
        throw throttled();
      }
      const n = page?.nextToken ? Number(page.nextToken.slice(1)) : 0;
      return {
        instances: [{ InstanceId: `i-${n}`, Status: 'RUNNING', Tags: [] } as unknown as Instance],
        ...(n + 1 < pages && { nextToken: `p${n + 1}` }),
        totalCount: pages,
        requestId: `r${n}`,
      };
    },
    stopInstances: () => Promise.reject(new Error('not used')),
    startInstances: () => Promise.reject(new Error('not used')),
  };
}

function deps(api: EcsApi, clock: { nowMs: number }) {
  return {
    clientFor: () => api,
    nowMs: () => clock.nowMs,
    sleep: async (ms: number) => {
      clock.nowMs += ms;
    },
    random: () => 0.5,
  };
}

describe('listTaggedInstances', () => {
  it('sends pages at most at rateLimit.qps per region, counting each', async () => {
    const clock = { nowMs: 1_000_000 };
    const sentAtMs: number[] = [];
    const stats = createRunStats();
    const found = await listTaggedInstances(config(), deps(fakeApi(5, clock, sentAtMs), clock), {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(found.map((f) => f.instance.InstanceId)).toEqual(['i-0', 'i-1', 'i-2', 'i-3', 'i-4']);
    expect(sentAtMs.slice(1).map((t, i) => t - sentAtMs[i]!)).toEqual([250, 250, 250, 250]);
    expect(stats.apiCalls.DescribeInstances).toBe(5);
  });

  it('retries a throttled page, without slowing the region for one 429', async () => {
    const clock = { nowMs: 1_000_000 };
    const sentAtMs: number[] = [];
    const stats = createRunStats();
    await listTaggedInstances(config(), deps(fakeApi(2, clock, sentAtMs, 1), clock), {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(stats.apiCalls.DescribeInstances).toBe(3);
    expect(stats.retries).toBe(1);
    // one 429 is not the quota speaking: the rate stays at 4 qps, the retry waits its slot (and backoff)
    expect(sentAtMs[1]! - sentAtMs[0]!).toBe(250);
    expect(sentAtMs[2]! - sentAtMs[1]!).toBe(250);
    expect(stats.lanes['cn-beijing']?.listing).toMatchObject({ throttled: 1, requests: 3 });
  });

  it('retries a throttled page past retry.maxAttempts, until it is answered', async () => {
    const clock = { nowMs: 1_000_000 };
    const stats = createRunStats();
    const found = await listTaggedInstances(config(), deps(fakeApi(2, clock, [], 7), clock), {
      stats,
      deadlineAtMs: clock.nowMs + 15 * 60_000,
    });
    expect(found).toHaveLength(2);
    expect(stats.apiCalls.DescribeInstances).toBe(9);
  });

  it('fails a region whose pages hold more than listing.maxInstancesPerRegion, naming the key', async () => {
    const clock = { nowMs: 1_000_000 };
    const sentAtMs: number[] = [];
    const error = await listTaggedInstances(
      config('listing: { maxInstancesPerRegion: 3 }\n'),
      deps(fakeApi(5, clock, sentAtMs), clock),
      { stats: createRunStats(), deadlineAtMs: Number.POSITIVE_INFINITY },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VolcApiError', code: 'ListingTooLarge', retryable: false });
    expect((error as Error).message).toMatch(
      /TotalCount announces 5 instances, more than listing\.maxInstancesPerRegion \(3\)/,
    );
    // The first page's TotalCount already says too many: no second page is asked for.
    expect(sentAtMs).toHaveLength(1);
  });

  it('lists the inline tag once more in the same lane, each listing under maxInstancesPerRegion on its own', async () => {
    const clock = { nowMs: 1_000_000 };
    const sentAtMs: number[] = [];
    const filters: unknown[] = [];
    const api = fakeApi(3, clock, sentAtMs);
    const describe = api.describeInstancesPage.bind(api);
    api.describeInstancesPage = (f, page) => {
      filters.push(f.tagFilters?.map((t) => t.key));
      return describe(f, page);
    };
    const stats = createRunStats();
    const found = await listTaggedInstances(
      config('listing: { maxInstancesPerRegion: 3 }\ninline: { tagKey: maid_offhours }\n'),
      deps(api, clock),
      { stats, deadlineAtMs: Number.POSITIVE_INFINITY },
      { named: true, inline: true },
    );
    // Six instances in all, three per listing: the cap bounds each listing, not their sum.
    expect(found).toHaveLength(6);
    expect(stats.apiCalls.DescribeInstances).toBe(6);
    // One lane: the inline listing's pages keep the region's pace (4 qps) after the named one's.
    expect(sentAtMs.slice(1).map((t, i) => t - sentAtMs[i]!)).toEqual([250, 250, 250, 250, 250]);
    expect(filters).toEqual([
      ['lights-out'],
      ['lights-out'],
      ['lights-out'],
      ['maid_offhours'],
      ['maid_offhours'],
      ['maid_offhours'],
    ]);
  });
});
