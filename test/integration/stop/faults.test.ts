/**
 * Issue 5 against the emulator, when much fails: per-instance throttling, request-level 429 and 500, and a 412
 * on the first attempt of every ClientToken. Every instance still ends `stopped`, once.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SETTINGS } from '../../../lib/stop/index.js';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

describe('stopping 1,000 instances through faults', () => {
  // With the shipped retry settings (the virtual clock makes their backoff cost no real time).
  it.each([{ seed: 11 }, { seed: 12 }, { seed: 13 }])(
    '30% FlowLimitExceeded per instance, 10% 429, 5% 500, 412 first: all stopped once (seed $seed)',
    async ({ seed }) => {
      const regions = ['cn-beijing', 'cn-shanghai'];
      const h = await startHarness({
        fleet: runningFleet(1000, { regions }),
        config: testConfig({ regions, retry: { ...DEFAULT_RETRY_SETTINGS } }),
        faults: {
          seed,
          flowLimitPerInstance: 0.3,
          flowLimitPerRequest: 0.1,
          internalError: 0.05,
          idempotentProcessingFirstAttempt: true,
        },
        seed,
      });
      const { plan, summary } = await h.run();

      const lines = expectOneOutcomePerItem(plan, h.log.lines);
      expect(lines.size).toBe(1000);
      expectEveryOutcome(lines, 'stopped');
      expectAllStoppedOnce(h.emulator);
      expectNothingStoppedTwice(h.emulator);
      expectNoParameterMismatch(h.emulator);

      // The faults did happen: the run got through them rather than around them.
      const calls = h.emulator.calls();
      const stops = calls.filter((c) => c.action === 'StopInstances');
      expect(stops.some((c) => c.errorCode === 'IdempotentProcessing')).toBe(true);
      // (Each of these alone is certain to strike only at the fault matrix's larger shares.)
      expect(stops.some((c) => c.fault === 'flowLimitPerRequest' || c.fault === 'internalError')).toBe(true);
      expect(stops.some((c) => c.results?.some((r) => r.errorCode === 'FlowLimitExceeded'))).toBe(true);
      expect(summary.retries).toBeGreaterThan(0);
      expect(summary.apiCalls.StopInstances).toBe(stops.length);
      expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
    },
  );
});
