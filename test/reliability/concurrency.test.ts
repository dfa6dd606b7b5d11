/**
 * Two invocations of the same tick at the same time (a timer delivered twice, a manual run racing the timer):
 * they plan the same batches and send the same ClientTokens, so the emulator acts once per instance and
 * answers the other invocation with the stored result (or 412 while the first is in process).
 */
import { describe, expect, it } from 'vitest';
import type { FaultSettings } from '../../lib/emulator/index.js';
import {
  expectAllStoppedOnce,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  runningFleet,
  startHarness,
  testConfig,
} from '../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

const CASES: Array<{ name: string; faults: FaultSettings }> = [
  { name: 'no faults', faults: {} },
  // A few milliseconds of real latency and processing time make the two invocations overlap on each token.
  { name: 'overlapping requests', faults: { latencyMs: { min: 0, max: 4 }, processingMs: 3 } },
  {
    name: 'overlapping requests and faults, STOPPING for a while',
    faults: {
      transitionMs: 200,
      latencyMs: { min: 0, max: 4 },
      processingMs: 3,
      flowLimitPerInstance: 0.3,
      lostResponse: 0.1,
      internalError: 0.1,
      idempotentProcessingFirstAttempt: true,
    },
  },
];

describe('two invocations of the same tick at the same time', () => {
  it.each(CASES)('$name: each instance stopped once, each run one outcome per item', async (c) => {
    const h = await startHarness({
      fleet: runningFleet(300, { regions: REGIONS }),
      faults: { seed: 21, ...c.faults },
      config: testConfig({ regions: REGIONS }),
    });
    const harness = h;
    const [a, b] = await Promise.all([harness.run({ runId: 'a' }), harness.run({ runId: 'b' })]);

    for (const [run, runId] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      const lines = expectOneOutcomePerItem(run.plan, harness.log.lines, runId);
      // Each run either stopped an instance, was told it was stopped (a replay, a status look-up), or
      // listed it after the other run had stopped it: none fails.
      const failed = [...lines.values()].filter((l) => l.outcome === 'failed');
      expect(failed.map((l) => `${l.instanceId} ${l.errorCode}: ${l.reason}`)).toEqual([]);
    }
    // They raced: both planned to stop some instance. With the same plan they sent the same first-round
    // tokens, so the emulator answered one of them from the other's stored result (or 412 while in process).
    const stopsOf = (run: typeof a) =>
      run.plan.items.filter((i) => i.decision === 'stop').map((i) => i.instanceId);
    const [stopsA, stopsB] = [stopsOf(a), stopsOf(b)];
    expect(stopsA.filter((id) => stopsB.includes(id)).length).toBeGreaterThan(0);
    if (stopsA.join() === stopsB.join()) {
      const answeredForOther = (call: { replayed?: boolean; errorCode?: string }) =>
        call.replayed === true || call.errorCode === 'IdempotentProcessing';
      expect(harness.emulator.calls().some(answeredForOther)).toBe(true);
    }
    await harness.clock.sleep(1000); // lets the last STOPPING instances reach STOPPED
    expectAllStoppedOnce(harness.emulator);
    expectNothingStoppedTwice(harness.emulator);
    expectNoParameterMismatch(harness.emulator);
    expectNoSecret(harness.emulator.credentials.secretKey, harness.log.raw, harness.errors);
  });
});
