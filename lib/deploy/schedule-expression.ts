/**
 * The timer of the AWS Lambda deployment (serverless.yml's `schedule`), read and written from the tick, so that
 * `validate` and `npm run package` can tell when it and the configuration's `tick` disagree. EventBridge cron
 * expressions are in UTC and have six fields (minutes hours day-of-month month day-of-week year); a `rate(...)`
 * counts from the rule's creation, so its events are off the tick grid.
 */
import { formatTick, tickCrontab } from '../schedule/index.js';

const MINUTE_MS = 60_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };

/** What a schedule expression says about the period of its events. */
export interface ScheduleExpressionPeriod {
  /** The period in milliseconds; undefined when the expression does not repeat at one fixed period. */
  periodMs?: number;
  /** `rate`: counted from the rule's creation (off the grid); `cron`: on the UTC clock. */
  kind: 'rate' | 'cron';
}

/**
 * The EventBridge schedule expression that fires on the tick grid: the tick's crontab with EventBridge's `?`
 * day-of-week and a year field.
 *
 * @example
 * awsScheduleExpression(300_000); // 'cron(0/5 * * * ? *)'
 * awsScheduleExpression(7_200_000); // 'cron(0 0/2 * * ? *)'
 */
export function awsScheduleExpression(tickMs: number): string {
  const [minute, hour, dayOfMonth, month] = tickCrontab(tickMs)
    .split(' ')
    .map((field) => field.replace(/^\*\//, '0/'));
  return `cron(${minute} ${hour} ${dayOfMonth} ${month} ? *)`;
}

function cronStep(field: string): number | undefined {
  if (field === '*') return 1;
  const match = /^(?:\*|0)\/(\d+)$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

function cronPeriodMs(fields: string[]): number | undefined {
  const [minute = '', hour = '', dayOfMonth = '', month = '', dayOfWeek = ''] = fields;
  const everyDay = dayOfMonth === '*' && month === '*' && (dayOfWeek === '?' || dayOfWeek === '*');
  if (!everyDay && !(dayOfMonth === '?' && month === '*' && dayOfWeek === '*')) return undefined;
  const minuteStep = cronStep(minute);
  if (minuteStep !== undefined && hour === '*') return minuteStep * MINUTE_MS;
  if (!/^\d+$/.test(minute)) return undefined;
  const hourStep = cronStep(hour);
  if (hourStep !== undefined) return hourStep * UNIT_MS.hour!;
  return /^\d+$/.test(hour) ? UNIT_MS.day : undefined;
}

/**
 * Reads the period of an EventBridge `rate(...)` or `cron(...)` expression; undefined when it is neither.
 *
 * @example
 * schedulePeriod('rate(5 minutes)'); // { kind: 'rate', periodMs: 300000 }
 * schedulePeriod('cron(0/5 * * * ? *)'); // { kind: 'cron', periodMs: 300000 }
 */
export function schedulePeriod(expression: string): ScheduleExpressionPeriod | undefined {
  const text = expression.trim();
  const rate = /^rate\(\s*(\d+)\s+(minute|hour|day)s?\s*\)$/.exec(text);
  if (rate) return { kind: 'rate', periodMs: Number(rate[1]) * UNIT_MS[rate[2]!]! };
  const cron = /^cron\((.*)\)$/.exec(text);
  if (!cron) return undefined;
  const period = cronPeriodMs(cron[1]!.trim().split(/\s+/));
  return period === undefined ? { kind: 'cron' } : { kind: 'cron', periodMs: period };
}

function describePeriod(periodMs: number | undefined): string {
  return periodMs === undefined ? 'no fixed period' : `every ${formatTick(periodMs)}`;
}

/**
 * What is wrong with a timer's schedule expression for this tick, naming both; undefined when it fires on the
 * tick grid at the tick's period.
 *
 * @example
 * scheduleMismatch('rate(5 minutes)', 60_000);
 * // "schedule rate(5 minutes) (every 5m) does not match tick 1m: use cron(* * * * ? *)"
 */
export function scheduleMismatch(expression: string, tickMs: number): string | undefined {
  const expected = awsScheduleExpression(tickMs);
  const period = schedulePeriod(expression);
  const tick = formatTick(tickMs);
  if (period === undefined) {
    return `schedule ${expression} is neither rate(...) nor cron(...); for tick ${tick} use ${expected}`;
  }
  if (period.periodMs !== tickMs) {
    return `schedule ${expression} (${describePeriod(period.periodMs)}) does not match tick ${tick}: use ${expected}`;
  }
  if (period.kind === 'rate') {
    return (
      `schedule ${expression} matches tick ${tick} but counts from the rule's creation, off the tick grid ` +
      `(fires run up to a tick late): use ${expected}`
    );
  }
  return undefined;
}
