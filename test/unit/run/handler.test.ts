import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import {
  DEFAULT_DEADLINE_MARGIN_MS,
  deadlineMarginFromEnv,
  loadOnce,
  MAX_DEADLINE_MARGIN_MS,
  RunFailedError,
} from '../../../lib/run/handler.js';
import type { RunSummary } from '../../../lib/stop/types.js';

describe('deadlineMarginFromEnv', () => {
  it.each([
    [undefined, DEFAULT_DEADLINE_MARGIN_MS],
    ['', DEFAULT_DEADLINE_MARGIN_MS],
    ['  ', DEFAULT_DEADLINE_MARGIN_MS],
    ['0', 0],
    ['2500', 2500],
    [' 30000 ', 30000],
    [String(MAX_DEADLINE_MARGIN_MS), MAX_DEADLINE_MARGIN_MS],
  ])('reads %j as %d ms', (value, expected) => {
    expect(deadlineMarginFromEnv({ LIGHTS_OUT_DEADLINE_MARGIN_MS: value })).toBe(expected);
  });

  it.each(['-1', '1.5', '10s', 'abc', '1e4', String(MAX_DEADLINE_MARGIN_MS + 1), '99999999999999999999'])(
    'refuses %j, naming the variable and the value',
    (value) => {
      const read = () => deadlineMarginFromEnv({ LIGHTS_OUT_DEADLINE_MARGIN_MS: value });
      expect(read).toThrow(UsageError);
      expect(read).toThrow(`LIGHTS_OUT_DEADLINE_MARGIN_MS must be a whole number of milliseconds`);
      expect(read).toThrow(JSON.stringify(value));
    },
  );
});

function summary(outcomes: Partial<RunSummary['outcomes']>, guardRefused = false): RunSummary {
  return {
    event: 'run.summary',
    fires: [{ schedule: 'nightly', fireTime: '2026-03-09T23:30:00.000Z', action: 'stop' }],
    regions: ['cn-beijing'],
    dryRun: false,
    outcomes: {
      stopped: 0,
      'already-stopped': 0,
      started: 0,
      'already-running': 0,
      skipped: 0,
      gone: 0,
      failed: 0,
      'dry-run': 0,
      ...outcomes,
    },
    unknownSchedule: 0,
    apiCalls: {},
    retries: 0,
    fallbacks: 0,
    capacityRefusals: 0,
    guardRefused,
    regionStats: {},
    durationMs: 12,
  };
}

describe('RunFailedError', () => {
  it('carries the summary and counts the failures in its message', () => {
    const s = summary({ stopped: 7, skipped: 2, failed: 3 });
    const error = new RunFailedError(s);
    expect(error).toMatchObject({ name: 'RunFailedError', code: 'RunFailed', summary: s });
    expect(error.message).toBe('3 of 12 instance(s) failed; see the instance.outcome log lines');
  });

  it('says when the guard refused the run', () => {
    expect(new RunFailedError(summary({ failed: 4 }, true)).message).toBe(
      '4 of 4 instance(s) failed (the guard refused the run); see the instance.outcome log lines',
    );
  });
});

describe('loadOnce', () => {
  it('starts loading at once and hands every caller the same promise', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads += 1;
      return { n: loads };
    });
    expect(loads).toBe(1);
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
  });

  it('keeps a failure for every caller without an unhandled rejection before the first one', async () => {
    const failure = new Error('bad file');
    const get = loadOnce(() => Promise.reject(failure));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(get()).rejects.toBe(failure);
    await expect(get()).rejects.toBe(failure);
  });
});
