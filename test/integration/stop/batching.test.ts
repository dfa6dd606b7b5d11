/**
 * Issue 5 against the emulator, when nothing fails: 1,000 running tagged instances are listed with one
 * DescribeInstances page per 100 instances of a region and stopped with one StopInstances call per 100
 * instances of a (region, mode, force) group, each with the mode its charge type and family allow.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../lib/emulator/index.js';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  mergeFleets,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const BJ = 'cn-beijing';
const SH = 'cn-shanghai';
const GZ = 'cn-guangzhou';

const SCHEDULES = [
  '  nightly: { stop: "0 22 * * *" }',
  '  nightly-force: { stop: "0 22 * * *", forceStop: true }',
].join('\n');

/** A part of the fleet and the mode and force every instance of it must be stopped with. */
interface Part {
  fleet: Fleet;
  mode: 'StopCharging' | 'KeepCharging';
  force: boolean;
}

const PARTS: Part[] = [
  { fleet: runningFleet(450, { regions: [BJ, SH, GZ], prefix: 'pg' }), mode: 'StopCharging', force: false },
  {
    fleet: runningFleet(250, { regions: [BJ, SH], chargeType: 'PrePaid', prefix: 'pp' }),
    mode: 'KeepCharging',
    force: false,
  },
  {
    fleet: runningFleet(200, { regions: [BJ], type: 'ecs.i3.xlarge', prefix: 'ld' }),
    mode: 'KeepCharging',
    force: false,
  },
  {
    fleet: runningFleet(100, { regions: [SH, GZ], schedule: 'nightly-force', prefix: 'fs' }),
    mode: 'StopCharging',
    force: true,
  },
];

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function ceilHundreds(counts: Map<string, number>): Map<string, number> {
  return new Map([...counts].map(([k, n]) => [k, Math.ceil(n / 100)]));
}

describe('stopping 1,000 instances when nothing fails', () => {
  it('sends ceil(n/100) DescribeInstances pages per region and ceil(n/100) StopInstances per group', async () => {
    const fleet = mergeFleets(...PARTS.map((p) => p.fleet));
    expect(fleet.instances).toHaveLength(1000);
    const h = await startHarness({
      fleet,
      config: testConfig({ regions: [BJ, SH, GZ], schedules: SCHEDULES }),
    });
    const { plan, summary, outcomes } = await h.run();

    const expected = PARTS.flatMap((p) =>
      p.fleet.instances.map((i) => ({ id: i.InstanceId, region: i.Region, mode: p.mode, force: p.force })),
    );
    const calls = h.emulator.calls();
    const pages = calls.filter((c) => c.action === 'DescribeInstances');
    const stops = calls.filter((c) => c.action === 'StopInstances');
    expect(countBy(pages, (c) => c.region)).toEqual(ceilHundreds(countBy(expected, (e) => e.region)));
    const groupOf = (region: string, mode: string, force: string) => `${region} ${mode} ${force}`;
    expect(
      countBy(stops, (c) => groupOf(c.region, c.params.StoppedMode ?? '', c.params.ForceStop ?? '')),
    ).toEqual(ceilHundreds(countBy(expected, (e) => groupOf(e.region, e.mode, String(e.force)))));
    for (const call of stops) {
      expect(call.httpStatus).toBe(200);
      expect(call.results!.length).toBeLessThanOrEqual(100);
    }
    expect(summary.apiCalls).toMatchObject({ DescribeInstances: pages.length, StopInstances: stops.length });
    expect(summary.retries).toBe(0);

    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    expectEveryOutcome(lines, 'stopped');
    expect(outcomes).toHaveLength(1000);
    expectAllStoppedOnce(h.emulator);
    for (const e of expected) {
      expect(h.emulator.instance(e.id)?.StoppedMode, e.id).toBe(e.mode);
      expect(lines.get(e.id)).toMatchObject({ stoppedMode: e.mode, forceStop: e.force, attempts: 1 });
    }
    expectNothingStoppedTwice(h.emulator);
    expectNoParameterMismatch(h.emulator);
    expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
  });
});

describe('stop modes of a mixed fleet', () => {
  const mixed = () =>
    mergeFleets(
      runningFleet(30, { prefix: 'gp' }),
      runningFleet(20, { chargeType: 'PrePaid', prefix: 'pp' }),
      runningFleet(15, { type: 'ecs.d2.2xlarge', prefix: 'ld' }),
      runningFleet(10, { type: 'ecs.ebmg2.32xlarge', prefix: 'bm' }),
    );
  const modeOf = (id: string) => (id.startsWith('i-gp') ? 'StopCharging' : 'KeepCharging');

  it.each([
    { setting: 'auto', fallbacks: 0 },
    // Asked for StopCharging: PrePaid resolves to KeepCharging in the plan; the API refuses the local-disk and
    // bare-metal families, and the executor falls back to KeepCharging for them.
    { setting: 'StopCharging', fallbacks: 25 },
  ])(
    'PrePaid and local-disk end KeepCharging, PostPaid general-purpose StopCharging ($setting)',
    async (c) => {
      const h = await startHarness({
        fleet: mixed(),
        config: testConfig({ schedules: `  nightly: { stop: "0 22 * * *", stoppedMode: ${c.setting} }` }),
      });
      const { plan, summary } = await h.run();
      const lines = expectOneOutcomePerItem(plan, h.log.lines);
      expectEveryOutcome(lines, 'stopped');
      expect(summary.fallbacks).toBe(c.fallbacks);
      for (const live of h.emulator.instances()) {
        expect(live.StoppedMode, live.InstanceId).toBe(modeOf(live.InstanceId));
        expect(lines.get(live.InstanceId)?.stoppedMode).toBe(modeOf(live.InstanceId));
      }
      expectAllStoppedOnce(h.emulator);
      expectNoParameterMismatch(h.emulator);
      expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
    },
  );

  it('falls back to KeepCharging when the API refuses a family the configuration thought eligible', async () => {
    const h = await startHarness({
      fleet: mergeFleets(
        runningFleet(12, { prefix: 'gp' }),
        runningFleet(8, { type: 'ecs.c3i.large', prefix: 'cx' }),
      ),
      faults: { stopChargingIneligible: ['ecs.c3i*'] },
    });
    const { plan, summary } = await h.run();
    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    expectEveryOutcome(lines, 'stopped');
    expect(summary.fallbacks).toBe(8);
    for (const live of h.emulator.instances()) {
      const mode = live.InstanceId.startsWith('i-cx') ? 'KeepCharging' : 'StopCharging';
      expect(live.StoppedMode).toBe(mode);
      expect(lines.get(live.InstanceId)?.stoppedMode).toBe(mode);
    }
    expectAllStoppedOnce(h.emulator);
    expectNoParameterMismatch(h.emulator);
  });
});
