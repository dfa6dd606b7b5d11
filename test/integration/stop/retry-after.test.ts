/**
 * A server's Retry-After, end to end: the emulator sends it on its 429s when told to (`retryAfterSeconds`), the
 * ECS client reads it onto the error (`retryAfterMs`), and the region's limiter holds every slot that long, so
 * the run waits for the quota instead of spending requests on refusals.
 */
import { describe, expect, it } from 'vitest';
import { type FaultSettings, validateFaults } from '../../../lib/emulator/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import { createEcsClient } from '../../../lib/volc/index.js';
import { expectAllStoppedOnce, runningFleet, startHarness, testConfig } from '../../support/harness.js';

describe('Retry-After', () => {
  /** The error of one StopInstances against an emulator that throttles every request with `faults`. */
  async function throttledStop(faults: FaultSettings): Promise<VolcApiError> {
    const h = await startHarness({ fleet: runningFleet(10), faults: { flowLimitPerRequest: 1, ...faults } });
    const client = createEcsClient({
      region: 'cn-beijing',
      credentials: h.emulator.credentials,
      endpoint: h.emulator.url,
      now: () => new Date(h.clock.nowMs()),
    });
    try {
      const error = await client.stopInstances({ instanceIds: ['i-1'], clientToken: 't' }).catch((e) => e);
      expect(error).toBeInstanceOf(VolcApiError);
      expect(error).toMatchObject({ code: 'FlowLimitExceeded', httpStatus: 429 });
      return error as VolcApiError;
    } finally {
      await client.close();
    }
  }

  it('is read by the ECS client from a 429 the emulator sends, as retryAfterMs', async () => {
    expect((await throttledStop({ retryAfterSeconds: 3 })).retryAfterMs).toBe(3_000);
  });

  it('is absent from 429s by default, as from Volcengine, whose documentation names none', async () => {
    expect((await throttledStop({})).retryAfterMs).toBeUndefined();
  });

  it('holds the region back that long: the run waits for the quota instead of spending requests on 429s', async () => {
    // A quota of 2 StopInstances a second under a client configured for 1,000 a second: without the header,
    // the limiter would have to learn the quota from hundreds of refusals.
    const h = await startHarness({
      fleet: runningFleet(1_000),
      config: testConfig({ qps: 1_000 }),
      faults: { qps: { StopInstances: 2 }, retryAfterSeconds: 1 },
    });
    const startedMs = h.clock.nowMs();
    const { summary } = await h.run();
    expect(summary.outcomes.stopped).toBe(1_000);
    expectAllStoppedOnce(h.emulator);
    const stops = h.emulator.calls().filter((c) => c.action === 'StopInstances');
    const refused = stops.filter((c) => c.httpStatus === 429);
    expect(stops.length - refused.length).toBe(10);
    // Each 429 holds the lane a second, by which time the bucket has refilled: only the requests already on
    // their way when one came back are refused too (up to the 4 in flight), not hundreds.
    expect(refused.length).toBeLessThanOrEqual(12);
    // Ten calls at 2 a second after the first burst: about four seconds, held back one second at a time.
    expect(h.clock.nowMs() - startedMs).toBeGreaterThanOrEqual(3_000);
    expect(summary.regionStats['cn-beijing']!.lanes.stop!.limiterWaitMs).toBeGreaterThanOrEqual(3_000);
  });

  it('is a whole number of seconds in the emulator settings', () => {
    expect(validateFaults({ retryAfterSeconds: 2 })).toEqual({ retryAfterSeconds: 2 });
    for (const bad of [-1, 1.5, '2']) {
      expect(() => validateFaults({ retryAfterSeconds: bad })).toThrow(/retryAfterSeconds/);
    }
  });
});
