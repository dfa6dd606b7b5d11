import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../lib/emulator/index.js';
import { RateLimiter } from '../../../lib/stop/rate-limit.js';
import { virtualClock } from '../../support/clock.js';

describe('RateLimiter', () => {
  it('spaces requests at 1000/qps ms without a burst, concurrent callers included', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 4, burst: 1 }, clock);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => times.push(clock.nowMs()))),
    );
    expect(times).toEqual([0, 250, 500, 750, 1000]);
  });

  it('lets a burst of nine tenths of qps go at once by default, then paces them, like the quota it mirrors', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    expect(limiter.burst).toBe(9);
    const times: number[] = [];
    const take = (n: number) =>
      Promise.all(Array.from({ length: n }, () => limiter.acquire().then(() => times.push(clock.nowMs()))));
    await take(11);
    expect(times).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200]);
    expect(limiter.stats.limiterWaitMs).toBe(300);
    // Idle for a second: the bucket fills up again, to the burst and no further.
    await clock.sleep(1_500);
    times.length = 0;
    await take(10);
    expect(times).toEqual([1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_700, 1_800]);
  });

  it('leaves a tenth of a second of the quota unspent by default, at least one request at any rate', () => {
    const clock = virtualClock({ startMs: 0 });
    expect([1, 4, 20, 50, 0.5].map((qps) => new RateLimiter({ qps }, clock).burst)).toEqual([
      1, 3, 18, 45, 1,
    ]);
  });

  it('takes a configured burst', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10, burst: 3 }, clock);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => times.push(clock.nowMs()))),
    );
    expect(times).toEqual([0, 0, 0, 100, 200]);
    expect(limiter.freeSlots()).toBe(0);
    await clock.sleep(1_000);
    expect(limiter.freeSlots()).toBe(3);
  });

  it('does not slow down for a few throttled answers among many', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    for (let i = 0; i < 100; i++) {
      if (i % 10 === 0) limiter.onThrottle();
      else limiter.onSuccess();
      expect(limiter.currentQps).toBe(10);
    }
    expect(limiter.stats).toMatchObject({ requests: 100, throttled: 10 });
  });

  it('does not slow down for random 429s: a run of them as long as chance gives one in a thousand runs', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    // 10% random 429s: among 20 answers, 6 throttled happens about once in a hundred windows (and 7 once in
    // a thousand); clustered at the start, before any window is full, they must not slow it either.
    for (let i = 0; i < 7; i++) limiter.onThrottle();
    for (let i = 0; i < 200; i++) {
      if (i % 10 === 0) limiter.onThrottle();
      else limiter.onSuccess();
    }
    expect(limiter.currentQps).toBe(10);
  });

  it('slows down when a real share of the recent answers is throttled, and recovers promptly once it is not', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 8, recoverQpsPerSuccess: 1 }, clock);
    for (let i = 0; i < 19; i++) limiter.onThrottle();
    expect(limiter.currentQps).toBe(8); // not enough answers yet to judge (a window of 20)
    limiter.onThrottle();
    // Half the rate: a deeper cut would take longer to judge.
    expect(limiter.currentQps).toBe(4);
    // The halving helped: the next answers go through, and each adds a step while the share falls.
    for (let i = 0; i < 30; i++) limiter.onSuccess();
    expect(limiter.currentQps).toBe(8);
  });

  it('halves again while halving helps, down to the floor', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter(
      { qps: 8, floorQps: 1, minSamples: 4, windowSize: 4, throttleShare: 1, recoverQpsPerSuccess: 0.001 },
      clock,
    );
    const rates: number[] = [];
    for (let step = 0; step < 4; step++) {
      // After each halving the answers go through for a while (it helped), then throttling returns.
      for (let i = 0; i < 6; i++) limiter.onSuccess();
      for (let i = 0; i < 4; i++) limiter.onThrottle();
      rates.push(Math.round(limiter.currentQps));
    }
    expect(rates).toEqual([4, 2, 1, 1]);
  });

  it('undoes a cut that got fewer requests through: the refusals are not about the rate', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    const rates: number[] = [];
    // 80% of the answers are refused whatever the rate.
    for (let i = 0; i < 200; i++) {
      if (i % 5 === 4) limiter.onSuccess();
      else limiter.onThrottle();
      rates.push(limiter.currentQps);
    }
    // One halving, undone when it got fewer requests through.
    expect(Math.min(...rates)).toBe(5);
    expect(rates.filter((r) => r === 10).length).toBeGreaterThan(170);
  });

  it.each([0.8, 0.9])(
    'ends at its full rate under %s random refusals, whatever the seed: a cut that chance passed as helpful is undone with the one after it',
    (share) => {
      const finals: number[] = [];
      for (let seed = 1; seed <= 50; seed++) {
        const random = mulberry32(seed);
        const limiter = new RateLimiter({ qps: 10 }, virtualClock({ startMs: 0 }));
        for (let i = 0; i < 300; i++) {
          if (random() < share) limiter.onThrottle();
          else limiter.onSuccess();
        }
        finals.push(limiter.currentQps);
      }
      // Undoing one cut at a time left 16 and 27 of these 50 runs below the full rate, down to a quarter of it
      // and to the floor.
      expect(finals).toEqual(Array(50).fill(10));
    },
  );

  it('keeps its next slot where it was when the rate changes: a recovery or an undone cut sends no later', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 50 }, clock);
    for (let i = 0; i < 20; i++) limiter.onThrottle();
    // Halved, the bucket emptied: the next slot is one interval at the new rate away.
    expect(limiter.currentQps).toBe(25);
    expect(limiter.nextSlotAtMs).toBe(40);
    // The answers go through again: back to the full rate in a few steps, the next slot no later.
    for (let i = 0; i < 20; i++) limiter.onSuccess();
    expect(limiter.currentQps).toBe(50);
    expect(limiter.nextSlotAtMs).toBe(40);
  });

  it('holds the next slot back for a Retry-After, without changing the rate', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    await limiter.acquire(); // t=0
    limiter.onThrottle(1_500);
    await limiter.acquire();
    expect(clock.nowMs()).toBe(1_500);
    expect(limiter.currentQps).toBe(10);
    expect(limiter.stats.limiterWaitMs).toBe(1_500);
    // The bucket is empty after the pause: one request per interval, not a burst that the server refuses.
    await limiter.acquire();
    expect(clock.nowMs()).toBe(1_600);
  });

  it('holds its slots for a Retry-After on an answer that was not throttled (a 503), without counting it', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    limiter.holdFor(2_000);
    await limiter.acquire();
    expect(clock.nowMs()).toBe(2_000);
    expect(limiter.stats).toMatchObject({ requests: 0, throttled: 0 });
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter({ qps: 0 }, virtualClock({ startMs: 0 }))).toThrow(/rateLimit.qps/);
  });
});
