/**
 * Issue 5 against the emulator: a run cut by its deadline, then invoked again for the same tick, completes the
 * rest and stops nothing twice. The cut falls at a seeded point inside the stop phase: the client's limiter
 * spaces each region's requests 50 ms apart on the virtual clock, and the first round alone needs 150 ms.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../lib/emulator/index.js';
import type { RunResult } from '../../../lib/run/index.js';
import {
  expectAllStoppedOnce,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  mergeFleets,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

describe('a run cut by its deadline, then run again for the same tick', () => {
  it.each([{ seed: 1 }, { seed: 2 }, { seed: 3 }, { seed: 4 }])(
    'the second run stops the rest and nothing is stopped twice (seed $seed)',
    async ({ seed }) => {
      const h = await startHarness({
        fleet: runningFleet(600, { regions: REGIONS }),
        faults: { seed, flowLimitPerInstance: 0.3, lostResponse: 0.1 },
        config: testConfig({ regions: REGIONS, qps: 20, burst: 1 }),
        seed,
      });
      const cutAfterMs = 1 + Math.floor(mulberry32(seed)() * 140);
      const first = await h
        .run({ runId: 'first', deadlineAtMs: h.clock.nowMs() + cutAfterMs })
        .catch((error: unknown) => error);
      let stoppedFirst: string[] = [];
      if (first instanceof Error) {
        // Cut while listing: the error says why. Listing overlaps stopping (the fleet is within the guard), so
        // what was planned before the cut may have been stopped; each such instance has its outcome line.
        expect(first).toMatchObject({ code: 'DeadlineExceeded' });
        stoppedFirst = h.log.lines
          .filter((l) => l.runId === 'first' && l.event === 'instance.outcome' && l.outcome === 'stopped')
          .map((l) => String(l.instanceId));
      } else {
        const lines = expectOneOutcomePerItem((first as RunResult).plan, h.log.lines, 'first');
        const cut = [...lines.values()].filter((l) => l.errorCode === 'DeadlineExceeded');
        expect(cut.length).toBeGreaterThan(0);
        stoppedFirst = [...lines.values()]
          .filter((l) => l.outcome === 'stopped')
          .map((l) => String(l.instanceId));
      }
      const runningAfterFirst = h.emulator
        .instances()
        .filter((i) => i.Status === 'RUNNING')
        .map((i) => i.InstanceId)
        .sort();
      expect(runningAfterFirst.length).toBeGreaterThan(0);
      // What the first run reported stopped is stopped (a lost answer may hide more, never fewer).
      for (const id of stoppedFirst) expect(h.emulator.instance(id)?.Status).toBe('STOPPED');

      const second = await h.run({ runId: 'second' });
      const lines = expectOneOutcomePerItem(second.plan, h.log.lines, 'second');
      const stopItems = second.plan.items.filter((i) => i.decision === 'stop').map((i) => i.instanceId);
      expect(stopItems.sort()).toEqual(runningAfterFirst);
      for (const id of stopItems) expect(lines.get(id)?.outcome).toBe('stopped');
      for (const item of second.plan.items.filter((i) => i.decision === 'skip')) {
        expect(item.reason).toBe('not-running:STOPPED');
      }

      expectAllStoppedOnce(h.emulator);
      expectNothingStoppedTwice(h.emulator);
      expectNoParameterMismatch(h.emulator);
      expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
    },
  );
});

describe('a run that gave up on an instance, invoked again for the same tick', () => {
  it.each([
    // Alone in every call: the re-run's first call repeats the first run's first call exactly.
    { name: 'alone', others: 0 },
    // Among others in the first round, alone in the re-batch rounds.
    { name: 'among others', others: 50 },
  ])('stops it once the lock clears, not replaying the first run’s answers ($name)', async ({ others }) => {
    // Locked for 6 operations; 4 attempts per run: the first run spends 4 of them and gives up.
    const locked = runningFleet(1, { prefix: 'lk', emulator: { locked: 6 } });
    const h = await startHarness({
      fleet: others > 0 ? mergeFleets(locked, runningFleet(others)) : locked,
      config: testConfig({ retry: { baseMs: 1, capMs: 20, maxAttempts: 4 } }),
    });
    const id = locked.instances[0]!.InstanceId;
    const first = await h.run({ runId: 'first' });
    expect(expectOneOutcomePerItem(first.plan, h.log.lines, 'first').get(id)).toMatchObject({
      outcome: 'failed',
      errorCode: 'OperationDenied.ResourceLocked',
      attempts: 4,
    });
    expect(h.emulator.instance(id)?.Emulator.locked).toBe(2);

    const second = await h.run({ runId: 'second' });
    expect(expectOneOutcomePerItem(second.plan, h.log.lines, 'second').get(id)).toMatchObject({
      outcome: 'stopped',
    });
    expectAllStoppedOnce(h.emulator);
    expectNoParameterMismatch(h.emulator);
  });
});
