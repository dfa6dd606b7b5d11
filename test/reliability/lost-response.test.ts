/**
 * The case ClientTokens exist for: StopInstances is carried out, then its answer is lost (a 500, or the
 * connection dropped). The retry carries the same token, gets the stored result, and nothing is stopped twice.
 */
import { describe, expect, it } from 'vitest';
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
} from '../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

describe('a StopInstances answer lost after the stop was done', () => {
  it.each([{ seed: 61 }, { seed: 62 }, { seed: 63 }])(
    'the retry with the same ClientToken gets the stored result (seed $seed)',
    async ({ seed }) => {
      const h = await startHarness({
        fleet: runningFleet(400, { regions: REGIONS }),
        faults: { seed, lostResponse: 0.5, flowLimitPerInstance: 0.2 },
        config: testConfig({ regions: REGIONS }),
        seed,
      });
      const { plan } = await h.run();
      const lines = expectOneOutcomePerItem(plan, h.log.lines);
      expectEveryOutcome(lines, 'stopped');

      const stops = h.emulator.calls().filter((c) => c.action === 'StopInstances');
      const lost = stops.filter((c) => c.fault === 'lostResponse' && !c.replayed);
      expect(lost.length).toBeGreaterThan(0);
      for (const call of lost) {
        // The last call with the token is the one whose answer arrived: a replay of what the lost call did.
        const same = stops.filter((c) => c.clientToken === call.clientToken);
        const answered = same.at(-1)!;
        expect(same.indexOf(answered)).toBeGreaterThan(same.indexOf(call));
        expect(answered).toMatchObject({ httpStatus: 200, replayed: true, params: call.params });
        expect(answered.results).toEqual(call.results);
        // What the lost call accepted, the run reports stopped with that answer's RequestId.
        for (const r of call.results ?? []) {
          if (r.errorCode === undefined) expect(lines.get(r.instanceId)?.requestId).toBe(answered.requestId);
        }
      }
      expectAllStoppedOnce(h.emulator);
      expectNothingStoppedTwice(h.emulator);
      expectNoParameterMismatch(h.emulator);
      expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
    },
  );
});
