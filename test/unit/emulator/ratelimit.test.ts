import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../lib/emulator/ratelimit.js';

describe('the emulator quota', () => {
  it('lets qps requests through at once, then qps per second', () => {
    let nowMs = 0;
    const limiter = new RateLimiter(() => nowMs);
    expect([1, 2, 3].map(() => limiter.take('k', 2))).toEqual([true, true, false]);
    nowMs += 500;
    expect([1, 2].map(() => limiter.take('k', 2))).toEqual([true, false]);
  });

  it('lets one request through every 1 / qps seconds when the quota is under 1 request/s', () => {
    let nowMs = 0;
    const limiter = new RateLimiter(() => nowMs);
    expect(limiter.take('k', 0.5)).toBe(true);
    expect(limiter.take('k', 0.5)).toBe(false);
    nowMs += 1_000;
    expect(limiter.take('k', 0.5)).toBe(false);
    nowMs += 1_000;
    expect(limiter.take('k', 0.5)).toBe(true);
  });

  it('keeps one bucket per key and treats 0 as unlimited', () => {
    const limiter = new RateLimiter(() => 0);
    expect(limiter.take('a', 1)).toBe(true);
    expect(limiter.take('b', 1)).toBe(true);
    expect(limiter.take('a', 1)).toBe(false);
    expect([1, 2, 3].every(() => limiter.take('c', 0))).toBe(true);
  });
});
