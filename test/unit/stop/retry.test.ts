import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import {
  backoffCeilingMs,
  backoffDelayMs,
  decideRetry,
  isRetryableError,
  retrying,
  retryPolicy,
} from '../../../lib/stop/retry.js';
import { createRunStats } from '../../../lib/stop/stats.js';
import { sequenceRandom, virtualClock } from '../../support/clock.js';
import { apiError } from './helpers.js';

const policy = retryPolicy({ baseMs: 100, capMs: 1_000, maxAttempts: 5 });

describe('backoff', () => {
  it.each([
    [0, 100],
    [1, 200],
    [2, 400],
    [3, 800],
    [4, 1_000],
    [20, 1_000],
  ])('ceiling of wait %i is %i ms (base doubled, capped)', (n, ceiling) => {
    expect(backoffCeilingMs(policy, n)).toBe(ceiling);
  });

  it('is full jitter: random() scales the whole ceiling', () => {
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 3, () => 0.5)).toBe(400);
    expect(backoffDelayMs(policy, 3, () => 0.999)).toBe(799);
  });

  it('resolves defaults once', () => {
    expect(retryPolicy()).toMatchObject({ baseMs: 200, capMs: 2_000, maxAttempts: 8 });
  });
});

describe('decideRetry', () => {
  const state = { attempts: 1, nowMs: 0, deadlineAtMs: 10_000 };

  it.each([
    ['FlowLimitExceeded', 429],
    ['IdempotentProcessing', 412],
    ['InternalError', 500],
    ['BadGateway', 502],
    ['ServiceUnavailableTemp', 503],
    ['InternalServiceTimeout', 504],
    ['Timeout', 0],
    ['ConnectionError', 0],
  ])('retries %s (%i)', (code, status) => {
    const decision = decideRetry(apiError(code, status, { retryable: true }), state, policy, () => 0.5);
    expect(decision).toEqual({ retry: true, delayMs: 50 });
  });

  it('never retries IdempotentParameterMismatch, even marked retryable', () => {
    const error = apiError('IdempotentParameterMismatch', 400, { retryable: true });
    expect(isRetryableError(error, policy)).toBe(false);
    expect(decideRetry(error, state, policy, () => 0.5)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it.each([
    ['a non-retryable API error', apiError('AccessDenied', 403)],
    ['a plain Error', new Error('bug')],
    ['a UsageError', new UsageError('x')],
  ])('does not retry %s', (_name, error) => {
    expect(decideRetry(error, state, policy, () => 0.5)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('stops after maxAttempts', () => {
    const error = apiError('InternalError', 500);
    expect(decideRetry(error, { ...state, attempts: 4 }, policy, () => 0.5).retry).toBe(true);
    expect(decideRetry(error, { ...state, attempts: 5 }, policy, () => 0.5)).toEqual({
      retry: false,
      reason: 'attempts-exhausted',
    });
  });

  it.each([
    ['FlowLimitExceeded answered 429', apiError('FlowLimitExceeded', 429)],
    ['FlowLimitExceeded answered 400', apiError('FlowLimitExceeded', 400, { retryable: true })],
    ['a 429 without a JSON body', apiError('InvalidResponse', 429)],
  ])('retries throttling (%s) past maxAttempts: only the deadline ends it', (_name, error) => {
    expect(decideRetry(error, { ...state, attempts: 50 }, policy, () => 0.5).retry).toBe(true);
    expect(decideRetry(error, { attempts: 50, nowMs: 0, deadlineAtMs: 1 }, policy, () => 0.5)).toEqual({
      retry: false,
      reason: 'deadline',
    });
  });

  it('stops when the wait would reach the deadline', () => {
    const error = apiError('InternalError', 500);
    // attempts 3 → ceiling 400, random 0.5 → 200 ms
    expect(decideRetry(error, { attempts: 3, nowMs: 0, deadlineAtMs: 201 }, policy, () => 0.5).retry).toBe(
      true,
    );
    expect(decideRetry(error, { attempts: 3, nowMs: 0, deadlineAtMs: 200 }, policy, () => 0.5)).toEqual({
      retry: false,
      reason: 'deadline',
    });
  });
});

describe('retrying', () => {
  function context(random = () => 0.5, deadlineAfterMs = 60_000) {
    const clock = virtualClock({ startMs: 0 });
    const stats = createRunStats();
    return { clock, stats, ctx: { policy, deadlineAtMs: deadlineAfterMs, ...clock, random, stats } };
  }

  it('returns the first success and counts the retries before it', async () => {
    const { clock, stats, ctx } = context(sequenceRandom(0.25, 0.5, 0.75));
    const seen: number[] = [];
    const result = await retrying(async (n) => {
      seen.push(n);
      if (n < 4) throw apiError('FlowLimitExceeded', 429);
      return 'ok';
    }, ctx);
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4]);
    // Throttled answers do not wait of their own: the limiter (not here) paces the region.
    expect(clock.sleeps).toEqual([]);
    expect(clock.nowMs()).toBe(0);
    expect(stats.retries).toBe(3);
  });

  it('does not count 412 IdempotentProcessing against the attempts: a twin request is still in process', async () => {
    const { ctx } = context(() => 0, 60_000);
    let calls = 0;
    const result = await retrying(async () => {
      calls += 1;
      if (calls <= policy.maxAttempts + 3) throw apiError('IdempotentProcessing', 412);
      return 'stored result';
    }, ctx);
    expect(result).toBe('stored result');
    expect(calls).toBe(policy.maxAttempts + 4);
  });

  it('retries request-level throttling past maxAttempts at once, without using the budget', async () => {
    const { clock, ctx } = context(() => 0.5, 15 * 60_000);
    let calls = 0;
    const result = await retrying(async () => {
      calls += 1;
      if (calls <= 12) throw apiError('FlowLimitExceeded', 429);
      if (calls <= 12 + policy.maxAttempts - 1) throw apiError('InternalError', 500);
      return 'ok';
    }, ctx);
    expect(result).toBe('ok');
    expect(calls).toBe(12 + policy.maxAttempts);
    // Ten throttled answers in a row are retried at once; the 11th and 12th wait (random 0.5 of 200 and
    // 400 ms); the 500s then back off from where the waits stand, at the cap (1000): half of it.
    expect(clock.sleeps.slice(0, 3)).toEqual([100, 200, 500]);
  });

  it('waits for no backoff through the streaks a lane throttled at random gives: patience follows its share', async () => {
    const { clock, ctx } = context(() => 0.5, 15 * 60_000);
    let calls = 0;
    // Four answers in five throttled: a streak of 30 is what one lane in a thousand sees (patience 31).
    const result = await retrying(
      async () => {
        calls += 1;
        if (calls <= 30) throw apiError('FlowLimitExceeded', 429);
        return 'ok';
      },
      { ...ctx, throttledShare: () => 0.8 },
    );
    expect(result).toBe('ok');
    expect(clock.sleeps).toEqual([]);
  });

  it('gives throttling up at the deadline, with DeadlineExceeded', async () => {
    const { ctx } = context(() => 0.5, 10_000);
    const failure = retrying(async () => {
      throw apiError('FlowLimitExceeded', 429);
    }, ctx);
    await expect(failure).rejects.toMatchObject({ code: 'DeadlineExceeded' });
  });

  it('rethrows a non-retryable error at once', async () => {
    const { clock, ctx } = context();
    const error = apiError('IdempotentParameterMismatch', 400);
    let calls = 0;
    await expect(
      retrying(async () => {
        calls += 1;
        throw error;
      }, ctx),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('rethrows the last error when attempts run out', async () => {
    const { ctx } = context();
    let calls = 0;
    const failure = retrying(async () => {
      calls += 1;
      throw apiError('InternalError', 500, { requestId: `r${calls}` });
    }, ctx);
    await expect(failure).rejects.toMatchObject({ code: 'InternalError', requestId: 'r5' });
    expect(calls).toBe(5);
  });

  it('throws DeadlineExceeded with the last error as cause when the next wait would pass the deadline', async () => {
    const { clock, ctx } = context(() => 0.5, 400);
    const last = apiError('InternalError', 500);
    const failure = retrying(async () => {
      throw last;
    }, ctx);
    await expect(failure).rejects.toMatchObject({ code: 'DeadlineExceeded', cause: last });
    // waits 50, 100, 200 would end at 350; the next (400) would reach the deadline
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(clock.nowMs()).toBeLessThan(400);
  });

  it('starts no attempt at or after the deadline', async () => {
    const { ctx } = context(() => 0.5, 0);
    let calls = 0;
    await expect(retrying(async () => ++calls, ctx)).rejects.toMatchObject({ code: 'DeadlineExceeded' });
    expect(calls).toBe(0);
  });
});
