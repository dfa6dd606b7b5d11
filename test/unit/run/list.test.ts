import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { listTaggedInstances } from '../../../lib/run/list.js';
import { createRunStats } from '../../../lib/stop/index.js';
import { virtualClock } from '../../support/clock.js';
import { EmulatedEcs } from '../../support/emulated-ecs.js';

const config = (extra = '') =>
  parseConfig(
    `version: 1\nregions: [cn-beijing]\nrateLimit: { qps: 4, burst: 1 }\nretry: { baseMs: 1, capMs: 1, maxAttempts: 3 }\n${extra}schedules:\n  a: { stop: "0 22 * * *" }\n`,
    'list.yaml',
  );

/**
 * Region cn-beijing of the emulator (in-process, on a virtual clock) holding `count` instances with the
 * schedule tag (`i-0`, `i-1`...), answering one instance per page (the `maxPageSize` fault), the first
 * `throttleFirst` DescribeInstances answered 429 FlowLimitExceeded (a script).
 */
function region(count: number, throttleFirst = 0, tagKey = 'lights-out') {
  const clock = virtualClock({ startMs: Date.UTC(2026, 0, 5, 18, 0, 0) });
  const ecs = new EmulatedEcs(clock, { maxPageSize: 1 });
  const tagged = (key: string, prefix: string) =>
    ecs.add(
      'cn-beijing',
      Array.from({ length: count }, (_, i) => `i-${prefix}${i}`),
      { Tags: [{ Key: key, Value: 'a' }] },
    );
  tagged(tagKey, '');
  if (throttleFirst > 0)
    ecs.script({ action: 'DescribeInstances', error: 'FlowLimitExceeded', count: throttleFirst });
  const deps = {
    clientFor: (name: string) => ecs.clientFor(name),
    nowMs: clock.nowMs,
    sleep: clock.sleep,
    random: () => 0.5,
  };
  /** When each DescribeInstances request was sent. */
  const sentAtMs = () => ecs.describeCalls().map((c) => c.atMs);
  return { clock, ecs, deps, sentAtMs, tagged };
}

describe('listTaggedInstances', () => {
  it('sends pages at most at rateLimit.qps per region, counting each', async () => {
    const { deps, sentAtMs } = region(5);
    const stats = createRunStats();
    const found = await listTaggedInstances(config(), deps, {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(found.map((f) => f.instance.InstanceId)).toEqual(['i-0', 'i-1', 'i-2', 'i-3', 'i-4']);
    const sent = sentAtMs();
    expect(sent.slice(1).map((t, i) => t - sent[i]!)).toEqual([250, 250, 250, 250]);
    expect(stats.apiCalls.DescribeInstances).toBe(5);
  });

  it('retries a throttled page, without slowing the region for one 429', async () => {
    const { deps, sentAtMs, ecs } = region(2, 1);
    const stats = createRunStats();
    await listTaggedInstances(config(), deps, {
      stats,
      deadlineAtMs: Number.POSITIVE_INFINITY,
    });
    expect(ecs.describeCalls().map((c) => c.result)).toEqual(['FlowLimitExceeded', 'ok', 'ok']);
    const sent = sentAtMs();
    expect(stats.apiCalls.DescribeInstances).toBe(3);
    expect(stats.retries).toBe(1);
    // one 429 is not the quota speaking: the rate stays at 4 qps, the retry waits its slot (and backoff)
    expect(sent[1]! - sent[0]!).toBe(250);
    expect(sent[2]! - sent[1]!).toBe(250);
    expect(stats.lanes['cn-beijing']?.listing).toMatchObject({ throttled: 1, requests: 3 });
  });

  it('retries a throttled page past retry.maxAttempts, until it is answered', async () => {
    const { clock, deps } = region(2, 7);
    const stats = createRunStats();
    const found = await listTaggedInstances(config(), deps, {
      stats,
      deadlineAtMs: clock.nowMs() + 15 * 60_000,
    });
    expect(found).toHaveLength(2);
    expect(stats.apiCalls.DescribeInstances).toBe(9);
  });

  it('fails a region whose pages hold more than listing.maxInstancesPerRegion, naming the key', async () => {
    const { deps, sentAtMs } = region(5);
    const error = await listTaggedInstances(config('listing: { maxInstancesPerRegion: 3 }\n'), deps, {
      stats: createRunStats(),
      deadlineAtMs: Number.POSITIVE_INFINITY,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VolcApiError', code: 'ListingTooLarge', retryable: false });
    expect((error as Error).message).toMatch(
      /TotalCount announces 5 instances, more than listing\.maxInstancesPerRegion \(3\)/,
    );
    // The first page's TotalCount already says too many: no second page is asked for.
    expect(sentAtMs()).toHaveLength(1);
  });

  it('lists the inline tag once more in the same lane, each listing under maxInstancesPerRegion on its own', async () => {
    const { deps, sentAtMs, ecs, tagged } = region(3);
    tagged('maid_offhours', 'inline-');
    const stats = createRunStats();
    const found = await listTaggedInstances(
      config('listing: { maxInstancesPerRegion: 3 }\ninline: { tagKey: maid_offhours }\n'),
      deps,
      { stats, deadlineAtMs: Number.POSITIVE_INFINITY },
      { named: true, inline: true },
    );
    // Six instances in all, three per listing: the cap bounds each listing, not their sum.
    expect(found).toHaveLength(6);
    expect(stats.apiCalls.DescribeInstances).toBe(6);
    // One lane: the inline listing's pages keep the region's pace (4 qps) after the named one's.
    const sent = sentAtMs();
    expect(sent.slice(1).map((t, i) => t - sent[i]!)).toEqual([250, 250, 250, 250, 250]);
    const filters = ecs.describeCalls().map((c) => [c.record.params['TagFilters.1.Key']]);
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
