/**
 * Five-field cron expressions: parsing, validation and matching against a local wall-clock time.
 *
 * Schedules were first written for node-cron 4 (the daemon once registered them with it), so this parser
 * follows node-cron 4.6's grammar (read from its source): `*`, lists, ranges, steps, ranges that wrap (`22-2`, `FRI-MON`), month and weekday
 * names (three letters or in full, any case), weekday 7 = Sunday, `?` as a whole day field, the nicknames
 * (`@daily`, ...), and the Quartz day tokens node-cron 4 supports: `L`, `L-3`, `15W`, `LW` (day of month)
 * and `5L`, `5#2` (day of week).
 *
 * Day of month and day of week are ANDed, as node-cron 4 does (its `TimeMatcher.match` requires both), not
 * ORed as in classic Vixie cron: `0 0 1 * MON` fires only on a Monday that is the 1st. Matching node-cron
 * matters more than matching Vixie: a schedule keeps the days it was written for.
 *
 * Where node-cron is laxer than its own grammar (month names glued together such as `janjan`, `*\/MON`, a
 * range endpoint out of bounds that a step happens to skip, six fields with seconds) we reject. That is the
 * safe direction: every expression accepted here is accepted by node-cron with the same meaning.
 */
import { ErrorCode, LightsOutError } from '../errors.js';
import { daysInMonth, maxDaysInMonth } from '../time/index.js';
import { CronField, FIELD_SPECS, parseList, WEEKDAY_NAMES } from './cron-fields.js';
import {
  type DayOfMonthRule,
  parseDayOfMonthToken,
  parseWeekdayToken,
  type WeekdayRule,
} from './cron-tokens.js';
import type { WallTime } from './timezone.js';

export { CronField } from './cron-fields.js';
export type { DayOfMonthRule, WeekdayRule } from './cron-tokens.js';

/** A cron expression that cannot be used; the message names the field and the bad part. */
export class CronError extends LightsOutError {
  /** The expression as given. */
  readonly expression: string;
  /** The field at fault, or undefined when the expression as a whole is malformed. */
  readonly field: CronField | undefined;

  constructor(expression: string, field: CronField | undefined, message: string) {
    super(ErrorCode.CronInvalid, field === undefined ? message : `${field}: ${message}`);
    this.name = 'CronError';
    this.expression = expression;
    this.field = field;
  }
}

/** A parsed expression: every field expanded to the sorted values it allows. */
export interface CronExpression {
  /** The expression as written, trimmed. */
  readonly source: string;
  /** The five fields as written (a nickname resolved), for descriptions. */
  readonly fields: readonly [string, string, string, string, string];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Plain days of the month, 1-31. */
  readonly daysOfMonth: readonly number[];
  /** `L`, `L-n`, `nW`, `LW`: days that depend on the month's length. */
  readonly dayOfMonthRules: readonly DayOfMonthRule[];
  readonly months: readonly number[];
  /** Plain weekdays, 0-6 with Sunday = 0 (a written 7 becomes 0). */
  readonly weekdays: readonly number[];
  /** `5L` (last Friday), `5#2` (second Friday). */
  readonly weekdayRules: readonly WeekdayRule[];
}

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * Parses and validates a 5-field cron expression (minute hour day-of-month month day-of-week).
 *
 * @throws CronError naming the field and the bad part, e.g. `day-of-week: '8' is out of range 0-7`.
 * @example
 * const cron = parseCron('0 22 * * MON-FRI');
 * cron.weekdays; // [1, 2, 3, 4, 5]
 */
export function parseCron(expression: string): CronExpression {
  if (typeof expression !== 'string') {
    throw new CronError(String(expression), undefined, 'a cron expression must be a string');
  }
  const source = expression.trim();
  if (source === '') {
    throw new CronError(
      expression,
      undefined,
      'the cron expression is empty; expected 5 fields: minute hour day-of-month month day-of-week',
    );
  }
  const resolved = NICKNAMES[source.toLowerCase()] ?? source;
  const illegal = /[^a-zA-Z0-9\-*/,#? ]/.exec(resolved);
  if (illegal) {
    const shown = JSON.stringify(illegal[0]);
    throw new CronError(
      expression,
      undefined,
      `'${source}' contains the character ${shown}; cron allows letters, digits, spaces and - * / , # ?`,
    );
  }
  const parts = resolved.split(/ +/).filter((part) => part !== '');
  if (parts.length === 6) {
    throw new CronError(
      expression,
      undefined,
      `'${source}' has 6 fields; seconds are not supported (schedules run by the minute): use 5 fields, minute hour day-of-month month day-of-week`,
    );
  }
  if (parts.length !== 5) {
    throw new CronError(
      expression,
      undefined,
      `'${source}' has ${parts.length} field${parts.length === 1 ? '' : 's'}; expected 5: minute hour day-of-month month day-of-week`,
    );
  }
  const fields = parts as [string, string, string, string, string];
  const fail = (field: CronField) => (message: string) => new CronError(expression, field, message);
  const { minute, hour, dayOfMonth, month, dayOfWeek } = FIELD_SPECS;
  const days = parseList(fields[2], dayOfMonth, fail(dayOfMonth.field), (item) =>
    parseDayOfMonthToken(item, fail(dayOfMonth.field)),
  );
  const weekdays = parseList(fields[4], dayOfWeek, fail(dayOfWeek.field), (item) =>
    parseWeekdayToken(item, WEEKDAY_NAMES, fail(dayOfWeek.field)),
  );
  const cron: CronExpression = {
    source,
    fields,
    minutes: parseList(fields[0], minute, fail(minute.field)).values,
    hours: parseList(fields[1], hour, fail(hour.field)).values,
    daysOfMonth: days.values,
    dayOfMonthRules: days.rules,
    months: parseList(fields[3], month, fail(month.field)).values,
    weekdays: weekdays.values,
    weekdayRules: weekdays.rules,
  };
  assertPossibleDay(expression, cron);
  return cron;
}

/**
 * True when the cron fires at this local wall-clock minute (day of month AND day of week, as node-cron does).
 *
 * @example
 * matches(parseCron('30 23 * * *'), { year: 2026, month: 3, day: 8, hour: 23, minute: 30, weekday: 0 }); // true
 */
export function matches(cron: CronExpression, wall: WallTime): boolean {
  return cron.minutes.includes(wall.minute) && cron.hours.includes(wall.hour) && matchesDay(cron, wall);
}

/** True when the cron fires on this local date (its month, day of month and day of week), at some time. */
export function matchesDay(cron: CronExpression, date: Pick<WallTime, 'year' | 'month' | 'day' | 'weekday'>) {
  if (!cron.months.includes(date.month)) return false;
  const lastDay = daysInMonth(date.year, date.month);
  const dayOk =
    cron.daysOfMonth.includes(date.day) ||
    cron.dayOfMonthRules.some((rule) => dayRuleMatches(rule, date, lastDay));
  if (!dayOk) return false;
  return (
    cron.weekdays.includes(date.weekday) ||
    cron.weekdayRules.some((rule) =>
      rule.kind === 'last'
        ? rule.weekday === date.weekday && date.day + 7 > lastDay
        : rule.weekday === date.weekday && Math.floor((date.day - 1) / 7) + 1 === rule.nth,
    )
  );
}

function dayRuleMatches(
  rule: DayOfMonthRule,
  date: Pick<WallTime, 'year' | 'month' | 'day'>,
  lastDay: number,
) {
  if (rule.kind === 'last') return date.day === lastDay - rule.offset;
  const target = rule.day === 'last' ? lastDay : rule.day;
  return target <= lastDay && nearestWeekday(date.year, date.month, target, lastDay) === date.day;
}

/** Quartz `W`: the weekday nearest the target, never leaving the month (node-cron's `nearestWeekday`). */
function nearestWeekday(year: number, month: number, target: number, lastDay: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === lastDay ? target - 2 : target + 1;
  return target;
}

/** node-cron rejects a day of month that no chosen month has (`30 2`, `31 4,6`); so do we. */
function assertPossibleDay(expression: string, cron: CronExpression): void {
  if (cron.dayOfMonthRules.length > 0 || cron.daysOfMonth.length === 0) return;
  const possible = cron.months.some((month) => cron.daysOfMonth.some((day) => day <= maxDaysInMonth(month)));
  if (!possible) {
    throw new CronError(
      expression,
      CronField.DayOfMonth,
      `'${cron.fields[2]}' never occurs in month '${cron.fields[3]}'`,
    );
  }
}
