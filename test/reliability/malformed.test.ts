/**
 * Malformed answers: JSON cut in the middle, OperationDetails that leave an instance out, name one that was
 * not asked for, or come in another order. The run says clearly what was wrong (the client's InvalidResponse,
 * the executor's MissingOperationDetail), never leaves an instance without an outcome, and never reads one
 * instance's detail as another's. An instance left out of an answer is looked up at once: stopped by this
 * run when it is STOPPING or STOPPED, sent again when it is still RUNNING.
 */
import { describe, expect, it } from 'vitest';
import {
  expectAllStoppedOnce,
  expectEveryOutcome,
  expectNoParameterMismatch,
  expectNoSecret,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  hookStops,
  linesOf,
  runningFleet,
  startHarness,
  testConfig,
} from '../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

const start = async (faults: Record<string, unknown>, maxAttempts = 30) => {
  return startHarness({
    fleet: runningFleet(300, { regions: REGIONS }),
    faults: { seed: 51, ...faults },
    config: testConfig({ regions: REGIONS, retry: { baseMs: 1, capMs: 20, maxAttempts } }),
  });
};

describe('truncated JSON', () => {
  it('in a listing page fails the run with InvalidResponse before anything is stopped', async () => {
    const harness = await start({ truncatedJson: 1 });
    const error = await harness.run().catch((e: unknown) => e);
    // The listing starts with the region check (DescribeRegions), the first answer to be cut.
    expect(error).toMatchObject({
      name: 'VolcApiError',
      code: 'InvalidResponse',
      action: expect.stringMatching(/^Describe(Regions|Instances)$/),
    });
    expect((error as Error).message).toMatch(
      /Describe(Regions|Instances) in cn-[a-z]+: InvalidResponse: HTTP 200: the body is not JSON/,
    );
    const [summary, ...more] = linesOf(harness.log.lines, 'run.summary');
    expect(more).toEqual([]);
    expect(summary).toMatchObject({ errorCode: 'InvalidResponse' });
    expect(harness.emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
    expectNoSecret(harness.emulator.credentials.secretKey, harness.log.raw, harness.errors);
  });

  it('in StopInstances answers is retried under the same ClientToken: the stored result comes back, each instance stopped once', async () => {
    const harness = await start({});
    const pool = hookStops(harness.openPool(), {
      before: (n) => n === 1 && harness.emulator.setFaults({ seed: 52, truncatedJson: 0.5 }),
    });
    const first = await harness.run({ runId: 'first', pool });
    const lines = expectOneOutcomePerItem(first.plan, harness.log.lines, 'first');
    // The answer was cut after the stop was done; the same request again is answered from the stored result.
    const cut = harness.emulator
      .calls()
      .filter((c) => c.action === 'StopInstances' && c.fault === 'truncatedJson');
    expect(cut.length).toBeGreaterThan(0);
    const replayed = harness.emulator.calls().filter((c) => c.action === 'StopInstances' && c.replayed);
    expect(replayed.map((c) => c.clientToken)).toEqual(expect.arrayContaining([cut[0]!.clientToken]));
    for (const line of lines.values()) expect(line.outcome).toBe('stopped');
    expectAllStoppedOnce(harness.emulator);
    expectNothingStoppedTwice(harness.emulator);
    expectNoParameterMismatch(harness.emulator);
    expectNoSecret(harness.emulator.credentials.secretKey, harness.log.raw, harness.errors);
  });
});

describe('OperationDetails that do not match the request', () => {
  it('an instance an answer leaves out is looked up at once and ends stopped: this run stopped it', async () => {
    const harness = await start({ omitOperationDetail: 1 });
    const { plan } = await harness.run();
    const lines = expectOneOutcomePerItem(plan, harness.log.lines);
    // Before, it was sent again, refused InvalidInstanceStatus, and reported already-stopped.
    expectEveryOutcome(lines, 'stopped');
    const stops = harness.emulator.calls().filter((c) => c.action === 'StopInstances');
    const omitted = stops.flatMap((c) => c.omitted ?? []);
    expect(omitted.length).toBeGreaterThan(0);
    for (const id of omitted) expect(lines.get(id), id).toMatchObject({ attempts: 1, errorCode: null });
    // One request per batch: nothing was sent twice.
    expect(stops).toHaveLength(4);
    expect(linesOf(harness.log.lines, 'stop.missing-detail')).toHaveLength(1);
    expectAllStoppedOnce(harness.emulator);
    expectNoParameterMismatch(harness.emulator);
  });

  it('an instance left out while still RUNNING is sent again under a new token, and ends stopped', async () => {
    const harness = await start({ omitOperationDetail: 1, flowLimitPerInstance: 0.5 });
    const { plan } = await harness.run();
    const lines = expectOneOutcomePerItem(plan, harness.log.lines);
    expectEveryOutcome(lines, 'stopped');
    const stops = harness.emulator.calls().filter((c) => c.action === 'StopInstances' && !c.replayed);
    // Instances left out of an answer that had refused them: the look-up found them RUNNING.
    const refusedAndOmitted = stops.flatMap((call) =>
      (call.omitted ?? [])
        .filter((id) => call.results?.find((r) => r.instanceId === id)?.errorCode !== undefined)
        .map((id) => ({ id, token: call.clientToken })),
    );
    expect(refusedAndOmitted.length).toBeGreaterThan(0);
    for (const { id, token } of refusedAndOmitted) {
      const later = stops.filter((c) => c.clientToken !== token && Object.values(c.params).includes(id));
      expect(later.length, id).toBeGreaterThan(0);
    }
    expectAllStoppedOnce(harness.emulator);
    expectNothingStoppedTwice(harness.emulator);
    expectNoParameterMismatch(harness.emulator);
  });

  it('a detail about an instance that was not asked for is ignored, with one warning', async () => {
    const harness = await start({ extraOperationDetail: 1, flowLimitPerInstance: 0.2 });
    const { plan } = await harness.run();
    expectEveryOutcome(expectOneOutcomePerItem(plan, harness.log.lines), 'stopped');
    const warnings = linesOf(harness.log.lines, 'stop.unexpected-detail');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      instanceId: expect.stringMatching(/^i-notrequested/),
    });
    expectAllStoppedOnce(harness.emulator);
    expectNoParameterMismatch(harness.emulator);
  });

  it('details in another order are matched by InstanceId, not by position', async () => {
    // With per-instance throttling, reading details by position would call throttled instances stopped
    // (they would stay RUNNING) and send stopped ones again.
    const harness = await start({ shuffleOperationDetails: 1, flowLimitPerInstance: 0.3 });
    const { plan } = await harness.run();
    expectEveryOutcome(expectOneOutcomePerItem(plan, harness.log.lines), 'stopped');
    expectAllStoppedOnce(harness.emulator);
    const stops = harness.emulator.calls().filter((c) => c.action === 'StopInstances');
    expect(stops.every((c) => !c.results?.some((r) => r.errorCode === 'InvalidInstanceStatus'))).toBe(true);
    expectNoParameterMismatch(harness.emulator);
  });
});
