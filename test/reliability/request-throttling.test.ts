/**
 * Request-level throttling (HTTP 429 FlowLimitExceeded on the whole request) is transient by definition: it
 * is retried like per-instance throttling, until the deadline, slowing down, with the same ClientToken for
 * the same request. `retry.maxAttempts` stays for the other errors. Runs on the virtual clock with the
 * shipped backoff and rate limit (the minutes of backoff cost no real time), and a budget of 3 attempts so
 * that, whatever the seed, some request is throttled more often than its budget allows.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../lib/config/index.js';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  linesOf,
  runningFleet,
  startHarness,
  testConfig,
} from '../support/harness.js';

const DEADLINE_MS = 14 * 60_000;

describe('80% of requests answered 429', () => {
  it('stops all 500 instances of one region within the deadline, each once, past maxAttempts', async () => {
    const retry = { ...CONFIG_DEFAULTS.retry, maxAttempts: 3 };
    // The run may use its whole deadline of virtual time: start the clock that far back (see clockStartMs).
    const h = await startHarness({
      fleet: runningFleet(500),
      faults: { seed: 8, flowLimitPerRequest: 0.8 },
      config: testConfig({ retry, qps: CONFIG_DEFAULTS.rateLimit.qps }),
      clockStartMs: Date.now() - DEADLINE_MS - 30_000,
    });
    const deadlineAtMs = h.clock.nowMs() + DEADLINE_MS;
    const { plan, summary } = await h.run({ deadlineAtMs });

    expectEveryOutcome(expectOneOutcomePerItem(plan, h.log.lines), 'stopped');
    expectAllStoppedOnce(h.emulator);
    expectNothingStoppedTwice(h.emulator);
    expectNoParameterMismatch(h.emulator);
    expect(h.clock.nowMs()).toBeLessThan(deadlineAtMs);
    expect(linesOf(h.log.lines, 'run.summary')[0]).toMatchObject({ outcomes: { stopped: 500, failed: 0 } });

    const calls = h.emulator.calls();
    const throttled = calls.filter((c) => c.fault === 'flowLimitPerRequest').length;
    expect(throttled / calls.length).toBeGreaterThan(0.7);
    // A request is a page (its NextToken) or a batch (its ClientToken). Some request was throttled more
    // than maxAttempts times and still went through: before, it failed, and the run with it.
    const tries = new Map<string, number>();
    for (const call of calls) {
      const key = call.clientToken ?? `page ${call.params.NextToken ?? ''}`;
      tries.set(key, (tries.get(key) ?? 0) + 1);
    }
    expect(Math.max(...tries.values())).toBeGreaterThan(retry.maxAttempts);
    // A batch throttled at its first attempt goes back to the queue (nothing was done) and its instances
    // join the next batch ready, under a new token; so some instance was refused more than maxAttempts times.
    const carried = new Map<string, number>();
    for (const call of calls.filter((c) => c.action === 'StopInstances')) {
      const ids = Object.entries(call.params).filter(([key]) => key.startsWith('InstanceIds.'));
      for (const [, id] of ids) carried.set(id, (carried.get(id) ?? 0) + 1);
    }
    expect(Math.max(...carried.values())).toBeGreaterThan(retry.maxAttempts);
    expect(summary.apiCalls.StopInstances).toBe(calls.filter((c) => c.action === 'StopInstances').length);
  });
});
