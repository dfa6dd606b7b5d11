/**
 * The fault matrix: every fault the emulator can inject, alone and mixed, against one whole run. Whatever
 * the fault, every instance ends with exactly one outcome, none is accepted twice, no ClientToken is reused
 * with other parameters, and (the retry budget being large enough) every instance ends `stopped`.
 * Faults are seeded; assertions are counts and states, never durations.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord, EmulatorFlags, FaultSettings } from '../../lib/emulator/index.js';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  runningFleet,
  startHarness,
  TEST_RETRY,
  testConfig,
} from '../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

/** One row: the faults, what the fleet carries, and the evidence in the call log that the fault struck. */
interface FaultCase {
  name: string;
  faults: FaultSettings;
  flags?: EmulatorFlags;
  /** Client-side rate, when the case is about the emulator's quota. @default 1000 */
  qps?: number;
  /** Per-request deadline of the client. @default 5000 */
  timeoutMs?: number;
  /** Instances in the fleet (fewer where each fault costs real time). @default 300 */
  count?: number;
  /** @default two regions */
  regions?: string[];
  struck(calls: CallRecord[]): boolean;
}

const perInstance = (code: string) => (calls: CallRecord[]) =>
  calls.some((c) => c.results?.some((r) => r.errorCode === code));
const byFault = (fault: string) => (calls: CallRecord[]) => calls.some((c) => c.fault === fault);

const CASES: FaultCase[] = [
  {
    name: '429 from the qps quota',
    faults: { qps: { StopInstances: 1 } },
    qps: 50,
    struck: (calls) => calls.some((c) => c.errorCode === 'FlowLimitExceeded' && c.httpStatus === 429),
  },
  { name: '429 at a share', faults: { flowLimitPerRequest: 0.3 }, struck: byFault('flowLimitPerRequest') },
  {
    name: '412 on the first attempt of every token',
    faults: { idempotentProcessingFirstAttempt: true },
    struck: (calls) => calls.some((c) => c.errorCode === 'IdempotentProcessing'),
  },
  { name: '500', faults: { internalError: 0.3 }, struck: byFault('internalError') },
  { name: '503', faults: { unavailable: 0.3 }, struck: byFault('unavailable') },
  { name: 'dropped connections', faults: { dropConnection: 0.3 }, struck: byFault('dropConnection') },
  { name: 'non-JSON bodies', faults: { nonJson: 0.3 }, struck: byFault('nonJson') },
  {
    name: 'latency above the request timeout',
    // Seed 9 draws 79 ms for the listing page, then 340 ms and 57 ms for the StopInstances call and its retry.
    faults: { seed: 9, latencyMs: { min: 0, max: 400 } },
    timeoutMs: 150,
    // One region, one call at a time: the latency draws come in a fixed order, so the seed decides which
    // calls time out.
    regions: ['cn-beijing'],
    count: 60,
    // The client gave up on a StopInstances call and sent it again, same token.
    struck: (calls) => {
      const tokens = calls.filter((c) => c.action === 'StopInstances').map((c) => c.clientToken);
      return new Set(tokens).size < tokens.length;
    },
  },
  { name: 'lost responses', faults: { lostResponse: 0.3 }, struck: byFault('lostResponse') },
  {
    name: 'FlowLimitExceeded per instance',
    faults: { flowLimitPerInstance: 0.3 },
    struck: perInstance('FlowLimitExceeded'),
  },
  {
    name: 'ResourceLocked (clears after 3 operations)',
    faults: {},
    flags: { locked: 3 },
    struck: perInstance('OperationDenied.ResourceLocked'),
  },
  {
    name: 'InstanceIsCreatingImage (clears after 2 operations)',
    faults: {},
    flags: { creatingImage: 2 },
    struck: perInstance('OperationDenied.InstanceIsCreatingImage'),
  },
  {
    name: 'everything at once',
    faults: {
      qps: { StopInstances: 5 },
      flowLimitPerRequest: 0.05,
      idempotentProcessingFirstAttempt: true,
      internalError: 0.05,
      unavailable: 0.05,
      dropConnection: 0.05,
      nonJson: 0.05,
      lostResponse: 0.05,
      flowLimitPerInstance: 0.2,
      latencyMs: { min: 0, max: 180 },
    },
    flags: { locked: 1, creatingImage: 1 },
    qps: 20,
    timeoutMs: 150,
    count: 80,
    struck: (calls) => calls.some((c) => c.httpStatus !== 200),
  },
];

describe('fault matrix', () => {
  it.each(CASES)('$name: one outcome each, all stopped once', async (c) => {
    const regions = c.regions ?? REGIONS;
    const fleet = runningFleet(c.count ?? 300, { regions, ...(c.flags && { emulator: c.flags }) });
    const h = await startHarness({
      fleet,
      faults: { seed: 5, ...c.faults },
      config: testConfig({ regions, ...(c.qps && { qps: c.qps }) }),
      ...(c.timeoutMs && { timeoutMs: c.timeoutMs }),
    });
    const { plan, summary } = await h.run();

    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    expect(lines.size).toBe(fleet.instances.length);
    expectEveryOutcome(lines, 'stopped');
    // The retry budget as the executor keeps it: `maxAttempts` bounds the attempts of one request (one
    // ClientToken), HTTP 429s aside (they never use it); how many requests carry an instance is the pipeline's
    // to bound, and every instance ending `stopped` above shows it never ran out. (An instance's `attempts` sums
    // its requests' attempts, so it may pass maxAttempts: that is not a budget.)
    const attemptsOfToken = new Map<string, number>();
    for (const call of h.emulator.calls()) {
      const token = call.params.ClientToken;
      if (call.action !== 'StopInstances' || call.httpStatus === 429 || token === undefined) continue;
      attemptsOfToken.set(token, (attemptsOfToken.get(token) ?? 0) + 1);
    }
    expect(attemptsOfToken.size).toBeGreaterThan(0);
    for (const [token, attempts] of attemptsOfToken) {
      expect(attempts, `attempts of the request with token ${token}`).toBeLessThanOrEqual(
        TEST_RETRY.maxAttempts,
      );
    }
    expectAllStoppedOnce(h.emulator);
    expectNothingStoppedTwice(h.emulator);
    expectNoParameterMismatch(h.emulator);
    expect(c.struck(h.emulator.calls())).toBe(true);
    // The summary counts every request the client sent, retries and failures included: the emulator saw each
    // of them, except, with a client timeout shorter than the latency, a request given up before the loaded
    // server read it (the client cannot tell those apart, so it counts them; never fewer than the server saw).
    const seen = (action: string) => h!.emulator.calls().filter((call) => call.action === action).length;
    const seenCalls = {
      DescribeInstances: seen('DescribeInstances'),
      StopInstances: seen('StopInstances'),
      StartInstances: 0,
      DescribeRegions: seen('DescribeRegions'),
    };
    if (c.timeoutMs === undefined) expect(summary.apiCalls).toEqual(seenCalls);
    else {
      for (const [action, count] of Object.entries(seenCalls)) {
        expect(summary.apiCalls[action as keyof typeof seenCalls], action).toBeGreaterThanOrEqual(count);
      }
    }
    expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
  });
});
