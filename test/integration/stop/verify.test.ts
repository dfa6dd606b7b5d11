/**
 * Post-stop verification against the emulator: StopInstances accepting an instance means STOPPING; the run
 * follows the accepted instances until they are STOPPED, on the virtual clock the emulator's transitions
 * also follow, and names the ones that never got there.
 */
import { describe, expect, it } from 'vitest';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectOneOutcomePerItem,
  linesOf,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];
const VERIFY = 'verify: { enabled: true, timeoutMs: 3000, intervalMs: 100 }';

describe('verification after stopping', () => {
  it('follows STOPPING instances until STOPPED, through faults', async () => {
    const h = await startHarness({
      fleet: runningFleet(250, { regions: REGIONS }),
      faults: { seed: 71, transitionMs: 700, internalError: 0.1, flowLimitPerInstance: 0.2 },
      config: testConfig({ regions: REGIONS, extra: VERIFY }),
    });
    const { plan, summary } = await h.run();
    expectEveryOutcome(expectOneOutcomePerItem(plan, h.log.lines), 'stopped');
    expect(summary.notVerified).toEqual([]);
    const done = linesOf(h.log.lines, 'verify.done');
    expect(done).toHaveLength(REGIONS.length);
    for (const line of done) expect(line.notVerified).toEqual([]);
    // One look is two pages per region (125 IDs): more means instances were still STOPPING when looked at.
    const looks = h.emulator
      .calls()
      .filter((c) => c.action === 'DescribeInstances' && c.params['InstanceIds.1']);
    expect(looks.length).toBeGreaterThan(REGIONS.length * 2);
    expectAllStoppedOnce(h.emulator);
    expectNoParameterMismatch(h.emulator);
  });

  it('names the instances still not STOPPED when its time is up', async () => {
    const h = await startHarness({
      fleet: runningFleet(120, { regions: REGIONS }),
      faults: { seed: 72, transitionMs: 60_000 },
      config: testConfig({ regions: REGIONS, extra: VERIFY }),
    });
    const { plan, summary } = await h.run();
    expectEveryOutcome(expectOneOutcomePerItem(plan, h.log.lines), 'stopped');
    expect(summary.notVerified).toEqual(plan.items.map((i) => i.instanceId).sort());
    expect(linesOf(h.log.lines, 'run.summary')[0]).toMatchObject({ level: 'warn' });
    expect(h.emulator.instances().every((i) => i.Status === 'STOPPING' && i.stopAccepted === 1)).toBe(true);
  });
});
