/**
 * `retry.maxAttempts` bounds the StopInstances calls about one instance over the whole run, request-level
 * retries and re-batch rounds together, and an outcome's `attempts` is the number of calls that carried the
 * instance, as the emulator saw them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  expectNoParameterMismatch,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  type Harness,
  runningFleet,
  startHarness,
  testConfig,
} from '../support/harness.js';

const MAX_ATTEMPTS = 6;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the retry budget of an instance', () => {
  it.each([{ seed: 1 }, { seed: 4 }, { seed: 5 }, { seed: 9 }])(
    'no instance is carried by more than maxAttempts calls (seed $seed)',
    async ({ seed }) => {
      h = await startHarness({
        fleet: runningFleet(200),
        faults: { seed, flowLimitPerInstance: 0.5, internalError: 0.5 },
        config: testConfig({ retry: { baseMs: 1, capMs: 20, maxAttempts: MAX_ATTEMPTS } }),
        seed,
      });
      const { plan } = await h.run();
      const lines = expectOneOutcomePerItem(plan, h.log.lines);

      const carried = new Map<string, number>();
      for (const call of h.emulator.calls().filter((c) => c.action === 'StopInstances')) {
        for (const [key, id] of Object.entries(call.params)) {
          if (key.startsWith('InstanceIds.')) carried.set(id, (carried.get(id) ?? 0) + 1);
        }
      }
      for (const [id, line] of lines) {
        expect(line.attempts, id).toBe(carried.get(id));
        expect(line.attempts, id).toBeLessThanOrEqual(MAX_ATTEMPTS);
      }
      // The budget ran out for some: they failed with the last error, and were not stopped.
      const failed = [...lines.values()].filter((l) => l.outcome === 'failed');
      expect(failed.length).toBeGreaterThan(0);
      for (const line of failed) {
        expect(['FlowLimitExceeded', 'InternalError']).toContain(line.errorCode);
        expect(h.emulator.instance(String(line.instanceId))?.Status).toBe('RUNNING');
      }
      expectNothingStoppedTwice(h.emulator);
      expectNoParameterMismatch(h.emulator);
    },
  );
});
