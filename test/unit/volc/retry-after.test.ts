import { describe, expect, it } from 'vitest';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../../lib/volc/index.js';

describe('parseRetryAfter', () => {
  const nowMs = Date.parse('2026-10-21T07:27:30Z');

  it.each([
    ['2', 2_000],
    ['0', 0],
    [' 7 ', 7_000],
    ['0.5', 500],
    ['Wed, 21 Oct 2026 07:28:00 GMT', 30_000],
    ['Wed, 21 Oct 2026 07:27:00 GMT', 0],
    ['99999', MAX_RETRY_AFTER_MS],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, nowMs)).toBe(ms);
  });

  it.each([undefined, '', 'soon', '-1', '1e3', '12abc'])('ignores %j', (value) => {
    expect(parseRetryAfter(value, nowMs)).toBeUndefined();
  });
});
