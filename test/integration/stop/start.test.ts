/**
 * Issue 12 against the emulator: a start fire starts every STOPPED instance of the schedule through the same
 * executor as stopping. Lack of capacity (`insufficientCapacity`, drawn per attempt) is retried in later
 * batches until the deadline; a repeated delivery of the same tick starts nothing twice.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../lib/emulator/index.js';
import { DEFAULT_RETRY_SETTINGS } from '../../../lib/stop/index.js';
import {
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNoSecret,
  expectOneOutcomePerItem,
  mergeFleets,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];
/** office-hours starts at 08:30 UTC and stops at 20:00 UTC; the harness's tick is 22:00, so runs pass `at`. */
const SCHEDULES = '  office-hours: { start: "30 8 * * *", stop: "0 20 * * *" }';
const START_TICK = new Date('2026-03-09T08:30:00Z');

/** `n` instances of office-hours, STOPPED with `mode`. */
function stoppedFleet(n: number, mode: 'StopCharging' | 'KeepCharging', prefix = 'off'): Fleet {
  const fleet = runningFleet(n, { regions: REGIONS, schedule: 'office-hours', prefix });
  for (const instance of fleet.instances) {
    instance.Status = 'STOPPED';
    instance.StoppedMode = mode;
  }
  return fleet;
}

function startedCounts(h: Awaited<ReturnType<typeof startHarness>>): Map<string, number> {
  return new Map(h.emulator.instances().map((i) => [i.InstanceId, i.startAccepted]));
}

describe('starting at a start fire', () => {
  it('starts every STOPPED instance once, skips the RUNNING ones, and batches at most 100 IDs per call', async () => {
    const h = await startHarness({
      fleet: mergeFleets(
        stoppedFleet(250, 'StopCharging'),
        stoppedFleet(50, 'KeepCharging', 'keep'),
        runningFleet(10, { regions: REGIONS, schedule: 'office-hours', prefix: 'up' }),
      ),
      config: testConfig({ regions: REGIONS, schedules: SCHEDULES }),
    });
    const { plan, summary } = await h.run({ at: START_TICK });

    expect(plan.fires).toEqual([
      { schedule: 'office-hours', fireTime: START_TICK.toISOString(), action: 'start' },
    ]);
    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    expect(lines.size).toBe(310);
    for (const line of lines.values()) expect(line.action).toBe('start');
    const byOutcome = (outcome: string) => [...lines.values()].filter((l) => l.outcome === outcome);
    expect(byOutcome('started')).toHaveLength(300);
    expect(byOutcome('skipped').map((l) => l.reason)).toEqual(Array(10).fill('not-stopped:RUNNING'));
    expect(byOutcome('started').filter((l) => l.stoppedMode === 'KeepCharging')).toHaveLength(50);
    for (const [id, count] of startedCounts(h)) expect(count, id).toBe(id.startsWith('i-up') ? 0 : 1);
    const starts = h.emulator.calls().filter((c) => c.action === 'StartInstances');
    // 300 per two regions, mixed modes in one call: ceil(150 / 100) = 2 calls per region.
    expect(starts).toHaveLength(4);
    expect(h.emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
    expect(summary.apiCalls.StartInstances).toBe(4);
    expect(summary.capacityRefusals).toBe(0);
    expect(summary.fires).toEqual(plan.fires);
    expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
  });

  it.each([{ seed: 21 }, { seed: 22 }, { seed: 23 }])(
    'with 30% capacity refusals, every StopCharging-stopped instance ends started, once (seed $seed)',
    async ({ seed }) => {
      const h = await startHarness({
        fleet: stoppedFleet(400, 'StopCharging'),
        config: testConfig({
          regions: REGIONS,
          schedules: SCHEDULES,
          retry: { ...DEFAULT_RETRY_SETTINGS },
        }),
        faults: { seed, insufficientCapacity: 0.3, idempotentProcessingFirstAttempt: true },
        seed,
      });
      const deadlineAtMs = h.clock.nowMs() + 15 * 60_000;
      const { plan, summary } = await h.run({ at: START_TICK, deadlineAtMs });

      const lines = expectOneOutcomePerItem(plan, h.log.lines);
      expectEveryOutcome(lines, 'started');
      for (const [id, count] of startedCounts(h)) expect(count, id).toBe(1);
      expectNoParameterMismatch(h.emulator);
      expect(summary.capacityRefusals).toBeGreaterThan(0);
      const refusals = h.emulator
        .calls()
        .flatMap((c) => c.results ?? [])
        .filter((r) => r.errorCode === 'Insufficient.InstanceCapacity');
      expect(summary.capacityRefusals).toBe(refusals.length);
      expect(h.clock.nowMs()).toBeLessThan(deadlineAtMs);
    },
  );

  it('with refusals that never clear, each ends failed with the capacity code and what to do, at the deadline', async () => {
    const h = await startHarness({
      fleet: mergeFleets(stoppedFleet(20, 'StopCharging'), stoppedFleet(4, 'KeepCharging', 'keep')),
      config: testConfig({ regions: REGIONS, schedules: SCHEDULES, retry: { ...DEFAULT_RETRY_SETTINGS } }),
      faults: { insufficientCapacity: 1 },
    });
    const deadlineAtMs = h.clock.nowMs() + 5 * 60_000;
    const { plan, summary } = await h.run({ at: START_TICK, deadlineAtMs });

    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    const failed = [...lines.values()].filter((l) => l.outcome === 'failed');
    expect(failed).toHaveLength(20);
    for (const line of failed) {
      expect(line.errorCode).toBe('Insufficient.InstanceCapacity');
      expect(line.reason).toContain('start it again later');
      expect(line.reason).toContain('lights-out:stopped-mode=KeepCharging');
      expect(line.attempts).toBeGreaterThan(1);
    }
    // KeepCharging kept the compute: those start whatever the zone's stock.
    expect([...lines.values()].filter((l) => l.outcome === 'started')).toHaveLength(4);
    expect(summary.outcomes.failed).toBe(20);
    expect(summary.capacityRefusals).toBeGreaterThanOrEqual(40);
    expect(h.clock.nowMs()).toBeLessThanOrEqual(deadlineAtMs + 60_000);
  });

  it('a repeated delivery of the same start tick starts nothing twice and sends no mismatched token', async () => {
    const h = await startHarness({
      fleet: stoppedFleet(240, 'StopCharging'),
      config: testConfig({ regions: REGIONS, schedules: SCHEDULES }),
      faults: { seed: 5, insufficientCapacity: 0.2, lostResponse: 0.1 },
      seed: 5,
    });
    const first = await h.run({ at: START_TICK, runId: 'first' });
    const second = await h.run({ at: new Date(START_TICK.getTime() + 42_000), runId: 'second' });

    for (const [id, count] of startedCounts(h)) expect(count, id).toBe(1);
    expectNoParameterMismatch(h.emulator);
    const firstLines = expectOneOutcomePerItem(first.plan, h.log.lines, 'first');
    expectEveryOutcome(firstLines, 'started');
    // The second delivery finds them RUNNING (or STARTING): nothing to start.
    const secondLines = expectOneOutcomePerItem(second.plan, h.log.lines, 'second');
    for (const line of secondLines.values()) expect(line.reason).toMatch(/^not-stopped:/);
  });

  it('a stop and a start of the same instances never share a ClientToken', async () => {
    const h = await startHarness({
      fleet: runningFleet(30, { regions: REGIONS, schedule: 'office-hours' }),
      config: testConfig({ regions: REGIONS, schedules: SCHEDULES }),
    });
    await h.run({ at: new Date('2026-03-09T20:00:00Z') });
    await h.run({ at: new Date('2026-03-10T08:30:00Z') });
    const calls = h.emulator
      .calls()
      .filter((c) => c.action === 'StopInstances' || c.action === 'StartInstances');
    expect(calls.map((c) => c.action).sort()).toEqual([
      'StartInstances',
      'StartInstances',
      'StopInstances',
      'StopInstances',
    ]);
    expect(new Set(calls.map((c) => c.clientToken)).size).toBe(4);
    for (const i of h.emulator.instances()) expect([i.stopAccepted, i.startAccepted]).toEqual([1, 1]);
  });

  it('with verify on, waits until the started instances are RUNNING', async () => {
    const h = await startHarness({
      fleet: stoppedFleet(40, 'StopCharging'),
      config: testConfig({
        regions: REGIONS,
        schedules: SCHEDULES,
        extra: 'verify: { enabled: true, timeoutMs: 60000, intervalMs: 1000 }',
      }),
      faults: { transitionMs: 3000 },
    });
    const { summary } = await h.run({ at: START_TICK });
    expect(summary.outcomes.started).toBe(40);
    expect(summary.notVerified).toEqual([]);
    const done = h.log.lines.filter((l) => l.event === 'verify.done');
    expect(done.map((l) => l.status)).toEqual(['RUNNING', 'RUNNING']);
    for (const i of h.emulator.instances()) expect(i.Status).toBe('RUNNING');
  });

  it('an instance a StartInstances answer leaves out is looked up at once: started by this run, or sent again', async () => {
    const h = await startHarness({
      fleet: stoppedFleet(200, 'KeepCharging'),
      faults: { seed: 52, omitOperationDetail: 1, flowLimitPerInstance: 0.3 },
      config: testConfig({
        regions: REGIONS,
        schedules: SCHEDULES,
        retry: { baseMs: 1, capMs: 20, maxAttempts: 30 },
      }),
    });
    const { plan } = await h.run({ at: START_TICK });
    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    expectEveryOutcome(lines, 'started');
    const starts = h.emulator.calls().filter((c) => c.action === 'StartInstances');
    expect(starts.flatMap((c) => c.omitted ?? []).length).toBeGreaterThan(0);
    for (const [id, count] of startedCounts(h)) expect(count, id).toBe(1);
    expect(h.log.lines.filter((l) => l.event === 'stop.missing-detail')).toMatchObject([
      {
        msg: 'StartInstances left an instance it was asked about out of its answer; its status is looked up',
      },
    ]);
    expectNoParameterMismatch(h.emulator);
  });
});
