/**
 * One limiter for a region's DescribeInstances quota: the listing's pages and the executor's status look-ups
 * (and verification) spend the same quota, so they go through the same lane. Against the emulator in-process
 * on the virtual clock, with the quota enforced by the emulator.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { createLogger } from '../../../lib/logger.js';
import { runOnce } from '../../../lib/run/index.js';
import { virtualClock } from '../../support/clock.js';
import { EmulatedEcs } from '../../support/emulated-ecs.js';

const AT = new Date('2026-03-09T22:00:00Z');

/** 600 tagged RUNNING instances in cn-beijing, 3 of each 100 answering InvalidInstanceStatus to a stop. */
function world(verify: boolean) {
  const clock = virtualClock({ startMs: Date.UTC(2026, 2, 9, 22, 0, 0) });
  // The quota of every action: 5 requests/s, 5 at once; every answer takes 30 ms.
  const ecs = new EmulatedEcs(clock, { qps: 5, latencyMs: 30, transitionMs: 2_000 });
  const ids = Array.from({ length: 600 }, (_, i) => `i-${String(i).padStart(4, '0')}`);
  ecs.add('cn-beijing', ids, { Tags: [{ Key: 'lights-out', Value: 'nightly' }] });
  const odd = ids.filter((_, i) => i % 100 < 3);
  for (const id of odd) ecs.instanceCodes(id, 'InvalidInstanceStatus');
  const config = parseConfig(
    [
      'version: 1',
      'regions: [cn-beijing]',
      'timezone: UTC',
      'rateLimit: { qps: 5 }',
      `verify: { enabled: ${verify}, timeoutMs: 60000, intervalMs: 500 }`,
      'schedules:',
      '  nightly: { stop: "0 22 * * *" }',
      '',
    ].join('\n'),
    'describe-lane.yaml',
  );
  const deps = {
    clientFor: (region: string) => ecs.clientFor(region),
    nowMs: clock.nowMs,
    sleep: clock.sleep,
    random: () => 0.5,
    logger: createLogger({ destination: { write: () => true }, level: 'silent' }),
  };
  return { ecs, odd, run: () => runOnce(config, { at: AT }, deps) };
}

describe('DescribeInstances: one limiter for the listing, the status look-ups and verification', () => {
  it.each([
    ['status look-ups', false],
    ['status look-ups and verification', true],
  ])('%s while the listing still reads stay within the quota: no 429', async (_name, verify) => {
    const w = world(verify);
    const { summary } = await w.run();
    expect(summary.overlapped).toBe(true);
    const describes = w.ecs.describeCalls();
    const pages = describes.filter((c) => c.instanceIds.length === 0);
    const lookUps = describes.filter((c) => c.instanceIds.length > 0);
    expect(pages).toHaveLength(6);
    // The look-ups overlap the listing: the first comes before the last page.
    expect(lookUps[0]!.atMs).toBeLessThan(pages.at(-1)!.atMs);
    expect(lookUps.flatMap((c) => c.instanceIds)).toEqual(expect.arrayContaining(w.odd));
    // The emulator answered every DescribeInstances: none went over its quota.
    expect(describes.map((c) => c.result).filter((r) => r !== 'ok')).toEqual([]);
    const lanes = summary.regionStats['cn-beijing']!.lanes;
    expect(lanes.listing).toMatchObject({ requests: describes.length, throttled: 0 });
    expect(lanes.stop).toMatchObject({ requests: 6, throttled: 0 });
    expect(summary.outcomes).toMatchObject({ stopped: 582, failed: 18 });
    if (verify) expect(summary.notVerified).toEqual([]);
  });
});
