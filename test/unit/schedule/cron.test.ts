import nodeCron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { CronError, CronField, matches, parseCron } from '../../../lib/schedule/cron.js';
import type { WallTime } from '../../../lib/schedule/timezone.js';

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe('parseCron fields', () => {
  it.each([
    ['*', range(0, 59)],
    ['5', [5]],
    ['05', [5]],
    ['0,15,30,45', [0, 15, 30, 45]],
    ['45,0,15,0', [0, 15, 45]],
    ['10-14', [10, 11, 12, 13, 14]],
    ['*/15', [0, 15, 30, 45]],
    ['*/25', [0, 25, 50]],
    ['*/60', [0]],
    ['1-10/3', [1, 4, 7, 10]],
    ['50-5', [0, 1, 2, 3, 4, 5, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]],
    ['55-5/5', [0, 5, 55]],
    ['1,*/30', [0, 1, 30]],
    ['7-7', [7]],
  ])('minute %s expands to %j', (field, minutes) => {
    expect(parseCron(`${field} 0 * * *`).minutes).toEqual(minutes);
  });

  it.each([
    ['*', range(0, 23)],
    ['22', [22]],
    ['9-17', range(9, 17)],
    ['*/6', [0, 6, 12, 18]],
    ['22-2', [0, 1, 2, 22, 23]],
    ['8-18/2', [8, 10, 12, 14, 16, 18]],
  ])('hour %s expands to %j', (field, hours) => {
    expect(parseCron(`0 ${field} * * *`).hours).toEqual(hours);
  });

  it.each([
    ['*', range(1, 31)],
    ['?', range(1, 31)],
    ['1', [1]],
    ['1,15', [1, 15]],
    ['1-7', range(1, 7)],
    ['*/10', [1, 11, 21, 31]],
    ['30-2', [1, 2, 30, 31]],
  ])('day-of-month %s expands to %j', (field, days) => {
    expect(parseCron(`0 0 ${field} * *`).daysOfMonth).toEqual(days);
  });

  it.each([
    ['*', range(1, 12)],
    ['1', [1]],
    ['JAN', [1]],
    ['jan', [1]],
    ['January', [1]],
    ['DEC', [12]],
    ['jan-mar', [1, 2, 3]],
    ['MAR,jun,Sep,DECEMBER', [3, 6, 9, 12]],
    ['*/3', [1, 4, 7, 10]],
    ['nov-feb', [1, 2, 11, 12]],
    ['JAN-DEC/6', [1, 7]],
  ])('month %s expands to %j', (field, months) => {
    expect(parseCron(`0 0 * ${field} *`).months).toEqual(months);
  });

  it.each([
    ['*', range(0, 6)],
    ['?', range(0, 6)],
    ['0', [0]],
    ['7', [0]],
    ['0,7', [0]],
    ['SUN', [0]],
    ['sun', [0]],
    ['Sunday', [0]],
    ['1-5', [1, 2, 3, 4, 5]],
    ['MON-FRI', [1, 2, 3, 4, 5]],
    ['mon-fri', [1, 2, 3, 4, 5]],
    ['MONDAY-FRIDAY', [1, 2, 3, 4, 5]],
    ['6-7', [0, 6]],
    ['SAT,SUN', [0, 6]],
    ['5-1', [0, 1, 5, 6]],
    ['FRI-MON', [0, 1, 5, 6]],
    ['7-1', [0, 1]],
    ['0-7', range(0, 6)],
    ['1-7', range(0, 6)],
    ['*/2', [0, 2, 4, 6]],
    ['MON-FRI/2', [1, 3, 5]],
    ['6-4/2', [1, 3, 6]],
  ])('day-of-week %s expands to %j (7 = Sunday = 0)', (field, weekdays) => {
    expect(parseCron(`0 0 * * ${field}`).weekdays).toEqual(weekdays);
  });

  it.each([
    ['L', [{ kind: 'last', offset: 0 }]],
    ['l', [{ kind: 'last', offset: 0 }]],
    ['L-3', [{ kind: 'last', offset: 3 }]],
    ['15W', [{ kind: 'nearestWeekday', day: 15 }]],
    ['LW', [{ kind: 'nearestWeekday', day: 'last' }]],
  ])('day-of-month token %s is a rule', (field, rules) => {
    const cron = parseCron(`0 0 ${field} * *`);
    expect(cron.dayOfMonthRules).toEqual(rules);
    expect(cron.daysOfMonth).toEqual([]);
  });

  it.each([
    ['5L', [{ kind: 'last', weekday: 5 }]],
    ['FRIL', [{ kind: 'last', weekday: 5 }]],
    ['7L', [{ kind: 'last', weekday: 0 }]],
    ['5#2', [{ kind: 'nth', weekday: 5, nth: 2 }]],
    ['FRI#2', [{ kind: 'nth', weekday: 5, nth: 2 }]],
    ['7#1', [{ kind: 'nth', weekday: 0, nth: 1 }]],
  ])('day-of-week token %s is a rule', (field, rules) => {
    expect(parseCron(`0 0 * * ${field}`).weekdayRules).toEqual(rules);
  });

  it.each([
    ['@daily', '0 0 * * *'],
    ['@DAILY', '0 0 * * *'],
    ['@midnight', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@yearly', '0 0 1 1 *'],
    ['@annually', '0 0 1 1 *'],
  ])('nickname %s means %s', (nickname, expression) => {
    const { source: _a, fields: _b, ...nick } = parseCron(nickname);
    const { source: _c, fields: _d, ...plain } = parseCron(expression);
    expect(nick).toEqual(plain);
  });

  it('keeps the source and the fields as written, and tolerates extra spaces', () => {
    const cron = parseCron('  0  22 *   * MON-FRI ');
    expect(cron.source).toBe('0  22 *   * MON-FRI');
    expect(cron.fields).toEqual(['0', '22', '*', '*', 'MON-FRI']);
  });
});

describe('parseCron errors', () => {
  it.each([
    ['0 0 * * 8', 'day-of-week', "day-of-week: '8' is out of range 0-7"],
    ['60 0 * * *', 'minute', "minute: '60' is out of range 0-59"],
    ['0 24 * * *', 'hour', "hour: '24' is out of range 0-23"],
    ['0 0 0 * *', 'day-of-month', "day-of-month: '0' is out of range 1-31"],
    ['0 0 32 * *', 'day-of-month', "day-of-month: '32' is out of range 1-31"],
    ['0 0 * 13 *', 'month', "month: '13' is out of range 1-12"],
    ['0 0 * 0 *', 'month', "month: '0' is out of range 1-12"],
    ['0 0 * * 1,8', 'day-of-week', "day-of-week: '8' is out of range 0-7"],
    ['0-60 0 * * *', 'minute', "minute: '60' is out of range 0-59"],
    ['x 0 * * *', 'minute', "minute: 'x' is not a number"],
    ['0 0 * FOO *', 'month', "month: 'FOO' is not a number or a month name"],
    ['0 0 * * MON-FOO', 'day-of-week', "day-of-week: 'FOO' is not a number or a weekday name"],
    ['0 0 * * JAN', 'day-of-week', "day-of-week: 'JAN' is not a number or a weekday name"],
    ['0 0 * janjan *', 'month', "month: 'janjan' is not a number or a month name"],
    ['*/0 * * * *', 'minute', "minute: '*/0': the step must be at least 1"],
    ['*/x * * * *', 'minute', "minute: '*/x': the step 'x' is not a whole number"],
    ['5/15 * * * *', 'minute', "minute: '5/15': a step needs '*' or a range before the '/', such as '*/15'"],
    ['*/5/2 * * * *', 'minute', "minute: '*/5/2' has more than one step '/'"],
    [
      '*/90 * * * *',
      'minute',
      "minute: '*/90': the step 90 is larger than the field (60 values, 0-59); a step cannot span into the next hour, day or month (use several expressions)",
    ],
    [
      '0 0-23/25 * * *',
      'hour',
      "hour: '0-23/25': the step 25 is larger than the field (24 values, 0-23); a step cannot span into the next hour, day or month (use several expressions)",
    ],
    ['1-2-3 * * * *', 'minute', "minute: '1-2-3' is not a value or a range such as 1-5"],
    ['1,,2 * * * *', 'minute', "minute: '1,,2' has an empty list item"],
    ['? * * * *', 'minute', "minute: '?' is not a number"],
    ['0 0 1,? * *', 'day-of-month', "day-of-month: '?' is not a number"],
    ['0 0 30 2 *', 'day-of-month', "day-of-month: '30' never occurs in month '2'"],
    ['0 0 31 4,6,9,11 *', 'day-of-month', "day-of-month: '31' never occurs in month '4,6,9,11'"],
    ['0 0 L-31 * *', 'day-of-month', "day-of-month: 'L-31': the offset after 'L-' must be 1-30"],
    ['0 0 L-0 * *', 'day-of-month', "day-of-month: 'L-0': the offset after 'L-' must be 1-30"],
    [
      '0 0 0W * *',
      'day-of-month',
      "day-of-month: '0W': 'W' needs a day 1-31 or 'L' before it, such as '15W'",
    ],
    ['0 0 1-L * *', 'day-of-month', "day-of-month: 'L' is not a number"],
    [
      '0 0 * * L',
      'day-of-week',
      "day-of-week: 'L' needs a weekday before it, such as '5L' (the last Friday of the month)",
    ],
    [
      '0 0 * * 8L',
      'day-of-week',
      "day-of-week: '8L': 'L' needs a weekday 0-7 or a name before it, such as '5L'",
    ],
    ['0 0 * * 1#6', 'day-of-week', "day-of-week: '1#6': the occurrence after '#' must be 1-5"],
    [
      '0 0 * * 1-5#2',
      'day-of-week',
      "day-of-week: '1-5#2': '#' needs a weekday 0-7 or a name before it, such as 'FRI#2'",
    ],
  ])('%s fails in the %s field: %s', (expression, field, message) => {
    const error = catchError(() => parseCron(expression));
    expect(error).toBeInstanceOf(CronError);
    expect(error.message).toBe(message);
    expect(error.field).toBe(field);
    expect(error.expression).toBe(expression);
    expect(error.code).toBe('CronInvalid');
  });

  it.each([
    ['0 0 1 * * *', /has 6 fields; seconds are not supported/],
    ['*/5 * * * * *', /has 6 fields; seconds are not supported/],
    ['0 0 1', /has 3 fields; expected 5: minute hour day-of-month month day-of-week/],
    ['0 0 1 * * * *', /has 7 fields; expected 5/],
    ['', /the cron expression is empty/],
    ['   ', /the cron expression is empty/],
    ['0\t0 * * *', /contains the character "\\t"/],
    ['0 0 * * 1;', /contains the character ";"/],
    ['@reboot', /contains the character "@"/],
  ])('%j is malformed as a whole: %s', (expression, message) => {
    const error = catchError(() => parseCron(expression));
    expect(error).toBeInstanceOf(CronError);
    expect(error.field).toBeUndefined();
    expect(error.message).toMatch(message);
  });

  it('names every field it can blame', () => {
    expect(Object.values(CronField)).toEqual(['minute', 'hour', 'day-of-month', 'month', 'day-of-week']);
  });
});

function catchError(fn: () => unknown): CronError {
  try {
    fn();
  } catch (error) {
    return error as CronError;
  }
  throw new Error('expected an error');
}

/** A wall time from a date and a time; the weekday is computed, so tables stay short and right. */
function wall(date: string, time = '00:00'): WallTime {
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return { year, month, day, hour, minute, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

describe('matches', () => {
  it.each([
    ['0 22 * * 1-5', '2026-03-09', '22:00', true], // Monday
    ['0 22 * * 1-5', '2026-03-09', '22:01', false],
    ['0 22 * * 1-5', '2026-03-08', '22:00', false], // Sunday
    ['0 22 * * MON-FRI', '2026-03-13', '22:00', true], // Friday
    ['0 20 * * 7', '2026-03-08', '20:00', true], // 7 = Sunday
    ['0 20 * * 0', '2026-03-08', '20:00', true],
    ['*/15 * * * *', '2026-03-08', '13:45', true],
    ['*/15 * * * *', '2026-03-08', '13:46', false],
    ['30 23 * * *', '2026-12-31', '23:30', true],
    ['0 0 * JAN *', '2026-01-15', '00:00', true],
    ['0 0 * JAN *', '2026-02-15', '00:00', false],
  ])('%s at %s %s: %s', (expression, date, time, expected) => {
    expect(matches(parseCron(expression), wall(date, time))).toBe(expected);
  });

  // node-cron 4 ANDs the day fields (TimeMatcher.match requires both); Vixie cron would OR them.
  it.each([
    ['0 0 1 * MON', '2026-06-01', true], // the 1st, a Monday
    ['0 0 1 * MON', '2026-03-01', false], // the 1st, a Sunday
    ['0 0 1 * MON', '2026-03-02', false], // a Monday, the 2nd
    ['0 0 13 * FRI', '2026-02-13', true],
    ['0 0 13 * FRI', '2026-03-13', true],
    ['0 0 13 * FRI', '2026-04-13', false],
    ['0 0 1-7 * 1', '2026-03-02', true], // first Monday
    ['0 0 1-7 * 1', '2026-03-09', false],
  ])('%s on %s: %s (day of month AND day of week)', (expression, date, expected) => {
    expect(matches(parseCron(expression), wall(date))).toBe(expected);
  });

  it.each([
    ['0 0 L * *', '2026-02-28', true],
    ['0 0 L * *', '2028-02-28', false],
    ['0 0 L * *', '2028-02-29', true],
    ['0 0 L * *', '2026-04-30', true],
    ['0 0 L-2 * *', '2026-03-29', true],
    ['0 0 15W * *', '2026-08-14', true], // the 15th is a Saturday: Friday the 14th
    ['0 0 15W * *', '2026-08-15', false],
    ['0 0 15W * *', '2026-03-16', true], // the 15th is a Sunday: Monday the 16th
    ['0 0 1W * *', '2026-08-03', true], // the 1st is a Saturday: Monday the 3rd, never July
    ['0 0 LW * *', '2026-05-29', true], // the 31st is a Sunday: Friday the 29th
    ['0 0 * * 5L', '2026-03-27', true], // the last Friday
    ['0 0 * * 5L', '2026-03-20', false],
    ['0 0 * * 5#2', '2026-03-13', true], // the second Friday
    ['0 0 * * 5#2', '2026-03-06', false],
    ['0 0 * * 0#5', '2026-03-29', true], // a fifth Sunday
    ['0 0 L * 1', '2026-08-31', true], // last day and a Monday
    ['0 0 L * 1', '2026-03-31', false], // last day, a Tuesday
  ])('%s on %s: %s (Quartz tokens)', (expression, date, expected) => {
    expect(matches(parseCron(expression), wall(date))).toBe(expected);
  });
});

/** Small deterministic PRNG (mulberry32), so the fuzz corpus is the same on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per field, pieces that are usually valid there; any piece of another field makes a likely-invalid one. */
const PIECES: readonly (readonly string[])[] = [
  ['*', '0', '5', '59', '*/15', '*/7', '10-20', '50-5', '1-30/7', '00'],
  ['*', '0', '9', '23', '*/6', '9-17', '22-2', '8-18/2'],
  ['*', '?', '1', '15', '29', '30', '31', '1-7', '30-2', '*/10', 'L', 'L-3', '15W', 'LW'],
  ['*', '1', '2', '4', '12', 'JAN', 'dec', 'feb-jan', 'JAN-DEC/6', 'March'],
  ['*', '?', '0', '7', '1-5', 'MON-FRI', 'fri', 'SUN', '6-7', '5-1', '*/2', '5L', 'FRI#2', '7#1'],
];
const JUNK = [
  'x',
  '',
  '60',
  '24',
  '32',
  '13',
  '8',
  '1/2',
  '*/0',
  'L',
  'W',
  '#',
  '1-2-3',
  'JAN',
  'MON',
  '0W',
  '8L',
];

function randomField(index: number, random: () => number): string {
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)] ?? '*';
  const count = random() < 0.7 ? 1 : 2;
  return Array.from({ length: count }, () => pick(random() < 0.9 ? (PIECES[index] ?? []) : JUNK)).join(',');
}

/** Distinct values in order (node-cron keeps duplicates such as `*,*`). */
function sorted(values: ReadonlyArray<number | string>): number[] {
  return [...new Set(values.map(Number))].sort((a, b) => a - b);
}

/** node-cron's expansion of plain numeric fields, for comparison (seconds dropped). */
function nodeCronFields(expression: string) {
  const fields = nodeCron.validateDetailed(expression).fields;
  return fields && { minute: fields.minute, hour: fields.hour, month: fields.month };
}

describe('parity with node-cron 4', () => {
  it.each([
    '0 22 * * 1-5',
    '30 23 * * *',
    '0 20 * * 5',
    '*/15 9-17 * * MON-FRI',
    '0 22-2 * JAN-MAR,oct *',
    '5,35 */4 1,15 * *',
    '0 0 L * *',
    '0 0 15W * *',
    '0 0 * * 5L',
    '0 0 * * FRI#2',
    '@daily',
    '0 0 ? * ?',
    '0 0 * * 7',
  ])('%s: accepted by both, with the same values', (expression) => {
    const cron = parseCron(expression);
    expect(nodeCron.validate(expression)).toBe(true);
    const theirs = nodeCronFields(expression);
    expect(sorted(theirs?.minute ?? [])).toEqual(cron.minutes);
    expect(sorted(theirs?.hour ?? [])).toEqual(cron.hours);
    expect(sorted(theirs?.month ?? [])).toEqual(cron.months);
  });

  it('accepts nothing that node-cron rejects, and reads what both accept alike (2000 random expressions)', () => {
    const random = prng(20260308);
    let acceptedByBoth = 0;
    for (let i = 0; i < 2000; i++) {
      const expression = Array.from({ length: 5 }, (_, field) => randomField(field, random)).join(' ');
      let cron: ReturnType<typeof parseCron> | undefined;
      try {
        cron = parseCron(expression);
      } catch (error) {
        expect(error, expression).toBeInstanceOf(CronError);
      }
      if (cron === undefined) continue;
      expect(nodeCron.validate(expression), expression).toBe(true);
      const theirs = nodeCronFields(expression);
      expect(sorted(theirs?.minute ?? []), expression).toEqual(cron.minutes);
      expect(sorted(theirs?.hour ?? []), expression).toEqual(cron.hours);
      expect(sorted(theirs?.month ?? []), expression).toEqual(cron.months);
      acceptedByBoth++;
    }
    // The corpus must exercise acceptance too, not only rejection.
    expect(acceptedByBoth).toBeGreaterThan(500);
  });
});
