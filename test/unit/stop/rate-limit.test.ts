import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../lib/stop/rate-limit.js';
import { virtualClock } from '../../support/clock.js';

describe('RateLimiter', () => {
  it('spaces requests at 1000/qps ms, concurrent callers included', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 4 }, clock);
    const times: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => limiter.acquire().then(() => times.push(clock.nowMs()))),
    );
    expect(times).toEqual([0, 250, 500, 750, 1000]);
  });

  it('halves on throttling, down to the floor, once per interval', () => {
    let nowMs = 0;
    const limiter = new RateLimiter({ qps: 8, floorQps: 0.5 }, { nowMs: () => nowMs, sleep: async () => {} });
    limiter.onThrottle();
    expect(limiter.currentQps).toBe(4);
    limiter.onThrottle(); // same instant: the same congestion event
    nowMs += 249; // still within the new 250 ms interval
    limiter.onThrottle();
    expect(limiter.currentQps).toBe(4);
    const rates: number[] = [];
    for (let i = 0; i < 5; i++) {
      nowMs += 10_000;
      limiter.onThrottle();
      rates.push(limiter.currentQps);
    }
    expect(rates).toEqual([2, 1, 0.5, 0.5, 0.5]);
  });

  it('recovers additively towards qps and never above it', () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10, recoverQpsPerSuccess: 1 }, clock);
    limiter.onThrottle();
    expect(limiter.currentQps).toBe(5);
    limiter.onSuccess();
    limiter.onSuccess();
    expect(limiter.currentQps).toBe(7);
    for (let i = 0; i < 10; i++) limiter.onSuccess();
    expect(limiter.currentQps).toBe(10);
  });

  it('slows the next requests after a throttle, on the fake clock', async () => {
    const clock = virtualClock({ startMs: 0 });
    const limiter = new RateLimiter({ qps: 10 }, clock);
    await limiter.acquire(); // t=0
    limiter.onThrottle(); // 5 qps: next slot at t=200
    await limiter.acquire();
    expect(clock.nowMs()).toBe(200);
    await limiter.acquire();
    expect(clock.nowMs()).toBe(400);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new RateLimiter({ qps: 0 }, virtualClock({ startMs: 0 }))).toThrow(/rateLimit.qps/);
  });
});
