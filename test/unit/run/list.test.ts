import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import { listTaggedInstances } from '../../../lib/run/list.js';
import { createRunStats } from '../../../lib/stop/index.js';
import type { EcsClient } from '../../../lib/volc/client.js';
import type { Instance } from '../../../lib/volc/types.js';

const config = parseConfig(
  'version: 1\nregions: [cn-beijing]\nrateLimit: { qps: 4 }\nretry: { baseMs: 1, capMs: 1, maxAttempts: 3 }\nschedules:\n  a: { stop: "0 22 * * *" }\n',
  'list.yaml',
);

/** A client whose listing has `pages` pages; `throttleFirst` makes the first page answer 429 once. */
function fakeClient(
  pages: number,
  clock: { nowMs: number },
  sentAtMs: number[],
  throttleFirst = false,
): EcsClient {
  let throttled = !throttleFirst;
  return {
    region: 'cn-beijing',
    async describeRegionsPage() {
      return { regionIds: ['cn-beijing'], requestId: 'r-regions' };
    },
    async *describeInstances(_filters, options) {
      for (let page = 0; page < pages; page++) {
        const instances = await options!.callPage!(async () => {
          sentAtMs.push(clock.nowMs);
          if (!throttled) {
            throttled = true;
            throw new VolcApiError({
              code: 'FlowLimitExceeded',
              message: 'slow down',
              httpStatus: 429,
              action: 'DescribeInstances',
              region: 'cn-beijing',
              retryable: true,
            });
          }
          return [{ InstanceId: `i-${page}` } as Instance];
        });
        yield* instances;
      }
    },
  } as EcsClient;
}

function deps(client: EcsClient, clock: { nowMs: number }) {
  return {
    clientFor: () => client,
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
    const found = await listTaggedInstances(config, deps(fakeClient(5, clock, sentAtMs), clock), {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(found.map((f) => f.instance.InstanceId)).toEqual(['i-0', 'i-1', 'i-2', 'i-3', 'i-4']);
    expect(sentAtMs.slice(1).map((t, i) => t - sentAtMs[i]!)).toEqual([250, 250, 250, 250]);
    expect(stats.apiCalls.DescribeInstances).toBe(5);
  });

  it('slows down after a throttled page and retries it', async () => {
    const clock = { nowMs: 1_000_000 };
    const sentAtMs: number[] = [];
    const stats = createRunStats();
    await listTaggedInstances(config, deps(fakeClient(2, clock, sentAtMs, true), clock), {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(stats.apiCalls.DescribeInstances).toBe(3);
    expect(stats.retries).toBe(1);
    // after the 429 the rate halves: the retry waits at least one 2 qps interval
    expect(sentAtMs[1]! - sentAtMs[0]!).toBeGreaterThanOrEqual(500);
  });
});
