/**
 * `retry.maxAttempts` bounds the attempts of one request (one ClientToken), and separately the requests that
 * carry one instance refused for something other than throttling (a lock, here); a throttled instance is sent
 * again until it is stopped or the deadline comes. An outcome's `attempts` is the number of calls that carried
 * the instance, as the emulator saw them.
 */
import { describe, expect, it } from 'vitest';
import {
  expectNoParameterMismatch,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  mergeFleets,
  runningFleet,
  startHarness,
  testConfig,
} from '../support/harness.js';

const MAX_ATTEMPTS = 6;

describe('the retry budget of an instance', () => {
  it.each([{ seed: 1 }, { seed: 4 }, { seed: 5 }, { seed: 9 }])(
    'a request is tried at most maxAttempts times; a locked instance is given up after maxAttempts requests (seed $seed)',
    async ({ seed }) => {
      const h = await startHarness({
        fleet: mergeFleets(
          runningFleet(180),
          runningFleet(20, { prefix: 'lock', emulator: { locked: true } }),
        ),
        faults: { seed, flowLimitPerInstance: 0.5, internalError: 0.3 },
        config: testConfig({ retry: { baseMs: 1, capMs: 20, maxAttempts: MAX_ATTEMPTS } }),
        seed,
      });
      const { plan } = await h.run();
      const lines = expectOneOutcomePerItem(plan, h.log.lines);

      const carried = new Map<string, number>();
      const tokens = new Map<string, Set<string>>();
      const triesPerToken = new Map<string, number>();
      for (const call of h.emulator.calls().filter((c) => c.action === 'StopInstances')) {
        const token = call.clientToken ?? '';
        triesPerToken.set(token, (triesPerToken.get(token) ?? 0) + 1);
        for (const [key, id] of Object.entries(call.params)) {
          if (!key.startsWith('InstanceIds.')) continue;
          carried.set(id, (carried.get(id) ?? 0) + 1);
          tokens.set(id, (tokens.get(id) ?? new Set()).add(token));
        }
      }
      for (const [id, line] of lines) expect(line.attempts, id).toBe(carried.get(id));
      for (const [token, tries] of triesPerToken) expect(tries, token).toBeLessThanOrEqual(MAX_ATTEMPTS);
      for (const [id, line] of lines) {
        const locked = id.startsWith('i-lock');
        if (line.outcome === 'failed') {
          // Given up: a lock that never clears after maxAttempts requests, or a request whose every attempt
          // failed; never throttling, which is retried until it passes.
          expect(['OperationDenied.ResourceLocked', 'InternalError'], id).toContain(line.errorCode);
          expect(h.emulator.instance(id)?.Status, id).toBe('RUNNING');
        } else expect(locked, id).toBe(false); // a lock that never clears is never stopped
        if (locked && line.errorCode === 'OperationDenied.ResourceLocked') {
          expect(tokens.get(id)!.size, id).toBe(MAX_ATTEMPTS);
        }
      }
      expectNothingStoppedTwice(h.emulator);
      expectNoParameterMismatch(h.emulator);
    },
  );

  it('keeps sending throttled instances past maxAttempts until they stop, and gives a lock up after maxAttempts requests', async () => {
    const h = await startHarness({
      fleet: mergeFleets(runningFleet(180), runningFleet(20, { prefix: 'lock', emulator: { locked: true } })),
      faults: { seed: 3, flowLimitPerInstance: 0.6 },
      config: testConfig({ retry: { baseMs: 1, capMs: 20, maxAttempts: 2 } }),
      seed: 3,
    });
    const { plan } = await h.run();
    const lines = expectOneOutcomePerItem(plan, h.log.lines);
    const requests = new Map<string, number>();
    for (const call of h.emulator.calls().filter((c) => c.action === 'StopInstances')) {
      for (const [key, id] of Object.entries(call.params)) {
        if (key.startsWith('InstanceIds.')) requests.set(id, (requests.get(id) ?? 0) + 1);
      }
    }
    for (const [id, line] of lines) {
      if (id.startsWith('i-lock')) {
        expect(line, id).toMatchObject({ outcome: 'failed', errorCode: 'OperationDenied.ResourceLocked' });
        expect(requests.get(id), id).toBe(2);
      } else expect(line.outcome, id).toBe('stopped');
    }
    // At 60% refusals and a budget of 2, some instance needed more than 2 requests: it was not given up.
    expect(
      Math.max(...[...requests].filter(([id]) => !id.startsWith('i-lock')).map(([, n]) => n)),
    ).toBeGreaterThan(2);
    expectNothingStoppedTwice(h.emulator);
  });
});
