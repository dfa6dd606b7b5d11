/**
 * Issue 5 against the emulator: a run cut by its deadline, then invoked again for the same tick, completes the
 * rest and stops nothing twice. The cut falls at a seeded point inside the stop phase: the client's limiter
 * spaces each region's requests 50 ms apart on the virtual clock, and the first round alone needs 150 ms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../lib/emulator/index.js';
import type { RunResult } from '../../../lib/run/index.js';
import {
  expectAllStoppedOnce,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  type Harness,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a run cut by its deadline, then run again for the same tick', () => {
  it.each([{ seed: 1 }, { seed: 2 }, { seed: 3 }, { seed: 4 }])(
    'the second run stops the rest and nothing is stopped twice (seed $seed)',
    async ({ seed }) => {
      h = await startHarness({
        fleet: runningFleet(600, { regions: REGIONS }),
        faults: { seed, flowLimitPerInstance: 0.3, lostResponse: 0.1 },
        config: testConfig({ regions: REGIONS, qps: 20 }),
        seed,
      });
      const cutAfterMs = 1 + Math.floor(mulberry32(seed)() * 140);
      const first = await h
        .run({ runId: 'first', deadlineAtMs: h.clock.nowMs() + cutAfterMs })
        .catch((error: unknown) => error);
      let stoppedFirst: string[] = [];
      if (first instanceof Error) {
        // Cut while listing: nothing could be planned, nothing was stopped, and the error says why.
        expect(first).toMatchObject({ code: 'DeadlineExceeded' });
        expect(h.emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
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
