import { describe, expect, it } from 'vitest';
import {
  awsScheduleExpression,
  scheduleMismatch,
  schedulePeriod,
  timerSpec,
} from '../../../lib/deploy/index.js';
import { formatTick, VALID_TICKS_MS } from '../../../lib/schedule/index.js';

describe('the AWS schedule expression of a tick', () => {
  it.each(VALID_TICKS_MS.map((t) => [formatTick(t), t] as const))(
    'for tick %s: a cron(...) on the grid, read back to the same period, with no mismatch',
    (_, tickMs) => {
      const expression = awsScheduleExpression(tickMs);
      expect(expression).toMatch(/^cron\(\S+ \S+ \* \* \? \*\)$/);
      expect(schedulePeriod(expression)).toEqual({ kind: 'cron', periodMs: tickMs });
      expect(scheduleMismatch(expression, tickMs)).toBeUndefined();
    },
  );

  it.each([
    ['rate(1 minute)', { kind: 'rate', periodMs: 60_000 }],
    ['rate(5 minutes)', { kind: 'rate', periodMs: 300_000 }],
    ['rate(2 hours)', { kind: 'rate', periodMs: 7_200_000 }],
    ['rate(1 day)', { kind: 'rate', periodMs: 86_400_000 }],
    ['cron(*/5 * * * ? *)', { kind: 'cron', periodMs: 300_000 }],
    ['cron(0 20 ? * MON-FRI *)', { kind: 'cron' }],
    ['every 5 minutes', undefined],
  ])('reads %s', (expression, period) => {
    expect(schedulePeriod(expression)).toEqual(period);
  });

  it('names both values when the period differs, and asks for cron when a rate has the right period', () => {
    expect(scheduleMismatch('rate(5 minutes)', 60_000)).toBe(
      'schedule rate(5 minutes) (every 5m) does not match tick 1m: use cron(* * * * ? *)',
    );
    expect(scheduleMismatch('rate(5 minutes)', 300_000)).toContain("counts from the rule's creation");
    expect(scheduleMismatch('cron(0 20 ? * MON-FRI *)', 300_000)).toContain('(no fixed period)');
  });
});

describe("the veFaaS timer's settings", () => {
  it('fires on the tick crontab with an empty JSON payload', () => {
    expect(timerSpec(300_000)).toMatchObject({ Crontab: '*/5 * * * *', Payload: '{}', Enabled: true });
    expect(timerSpec(60_000).Crontab).toBe('* * * * *');
  });
});
