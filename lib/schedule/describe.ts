/**
 * Plain-English readings of cron expressions, for people checking what a schedule will do:
 * `0 22 * * 1-5` reads "at 22:00 on Monday through Friday".
 *
 * The reading is built from the expanded values, not the text, so `*\/15`, `0-59/15` and `0,15,30,45` read
 * alike. Common shapes get a natural phrase; anything else is read field by field.
 */
import { type CronExpression, parseCron } from './cron.js';
import type { DayOfMonthRule, WeekdayRule } from './cron-tokens.js';
import type { CalendarRules } from './types.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  '',
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth'];

/**
 * Reads a cron expression in plain English; with the calendar that governs it, the days are its working days.
 *
 * @throws CronError when the expression is invalid.
 * @example
 * describeCron('0 22 * * 1-5'); // 'at 22:00 on Monday through Friday'
 * describeCron('30 23 * * *'); // 'at 23:30 every day'
 * describeCron('*\/15 * * * *'); // 'every 15 minutes'
 * describeCron('30 8 * * *', cnOffice); // 'at 08:30 on working days (cn-office calendar, base cn)'
 */
export function describeCron(expression: string | CronExpression, calendar?: CalendarRules): string {
  const cron = typeof expression === 'string' ? parseCron(expression) : expression;
  const time = describeTime(cron.minutes, cron.hours);
  const months = cron.months.length === 12 ? undefined : listRuns(cron.months, (m) => MONTHS[m] ?? '');
  if (calendar !== undefined) {
    // A governed cron leaves the days to the calendar (its day fields are '*'), so only the time and months remain.
    const which = `on working days${months ? ` in ${months}` : ''}`;
    return `${time} ${which} (${calendar.name} calendar, base ${calendar.base})`;
  }
  const days = describeDays(cron, months);
  if (days.text !== '') return `${time} ${days.text}${months && !days.namesMonths ? ` in ${months}` : ''}`;
  if (months) return `${time} in ${months}`;
  // A recurring time ("every 15 minutes", "every 2 hours") needs no "every day"; a time of day does.
  return time.startsWith('every') || cron.hours.length === 24 ? time : `${time} every day`;
}

function describeTime(minutes: readonly number[], hours: readonly number[]): string {
  const allHours = hours.length === 24;
  const minuteStep = stepOf(minutes, 0, 59);
  if (minutes.length === 60 && allHours) return 'every minute';
  if (minuteStep !== undefined && 60 % minuteStep === 0 && allHours) return `every ${minuteStep} minutes`;
  if (minutes.length * hours.length <= 4) {
    const times = hours.flatMap((hour) => minutes.map((minute) => clock(hour, minute)));
    return `at ${joinList(times, 'and')}`;
  }
  const minute = minutes.length === 1 ? minutes[0] : undefined;
  if (minute !== undefined) {
    const hourStep = stepOf(hours, 0, 23);
    const at = minute === 0 ? 'on the hour' : `at minute ${minute}`;
    if (allHours) return `every hour ${at}`;
    if (hourStep !== undefined && 24 % hourStep === 0) return `every ${hourStep} hours ${at}`;
    const span = contiguous(hours);
    if (span && span[0] !== span[1])
      return `every hour from ${clock(span[0], minute)} through ${clock(span[1], minute)}`;
  }
  const span = contiguous(hours);
  if (span && minutes.length === 60)
    return `every minute from ${clock(span[0], 0)} through ${clock(span[1], 59)}`;
  if (span && minuteStep !== undefined && 60 % minuteStep === 0) {
    const last = minutes[minutes.length - 1] ?? 0;
    return `every ${minuteStep} minutes from ${clock(span[0], 0)} through ${clock(span[1], last)}`;
  }
  const minuteText =
    minutes.length === 60 ? 'every minute' : `at minute${plural(minutes)} ${listRuns(minutes)}`;
  const hourText = allHours ? 'of every hour' : `past hour${plural(hours)} ${listRuns(hours)}`;
  return `${minuteText} ${hourText}`;
}

/**
 * The day phrase ("on Friday", "on day 1 of the month"), or '' for every day. A day-of-month phrase names
 * the months itself when there are some ("on day 1 of January").
 */
function describeDays(
  cron: CronExpression,
  months: string | undefined,
): { text: string; namesMonths: boolean } {
  const anyDayOfMonth = cron.daysOfMonth.length === 31 && cron.dayOfMonthRules.length === 0;
  const anyWeekday = cron.weekdays.length === 7 && cron.weekdayRules.length === 0;
  if (anyDayOfMonth) {
    return {
      text: anyWeekday ? '' : `on ${describeWeekdays(cron.weekdays, cron.weekdayRules)}`,
      namesMonths: false,
    };
  }
  const days = `${describeDaysOfMonth(cron.daysOfMonth, cron.dayOfMonthRules)} of ${months ?? 'the month'}`;
  if (anyWeekday) return { text: `on ${days}`, namesMonths: true };
  // node-cron requires both day fields to match; say so rather than let a reader assume classic cron's OR.
  const single = cron.weekdays.length === 1 && cron.weekdayRules.length === 0;
  const weekdays = describeWeekdays(cron.weekdays, cron.weekdayRules);
  return { text: `on ${days} if it ${single ? 'is a' : 'falls on'} ${weekdays}`, namesMonths: true };
}

function describeWeekdays(weekdays: readonly number[], rules: readonly WeekdayRule[]): string {
  const parts = weekdayRuns(weekdays).map(([first, last]) =>
    first === last ? day(first) : `${day(first)} through ${day(last)}`,
  );
  for (const rule of rules) {
    const which = rule.kind === 'last' ? 'last' : ORDINALS[rule.nth];
    parts.push(`the ${which} ${day(rule.weekday)} of the month`);
  }
  return joinList(parts, 'and');
}

/** Runs of weekdays in week order, starting after a missing day so that `FRI-MON` reads as one run. */
function weekdayRuns(weekdays: readonly number[]): Array<[number, number]> {
  const missing = [0, 1, 2, 3, 4, 5, 6].find((d) => !weekdays.includes(d));
  if (missing === undefined) return [[1, 0]];
  const order = Array.from({ length: 7 }, (_, i) => (missing + 1 + i) % 7).filter((d) =>
    weekdays.includes(d),
  );
  const runs: Array<[number, number]> = [];
  for (const d of order) {
    const run = runs[runs.length - 1];
    if (run && (run[1] + 1) % 7 === d) run[1] = d;
    else runs.push([d, d]);
  }
  // A run of two reads better as "Saturday and Sunday" than "Saturday through Sunday".
  return runs.flatMap(([a, b]) =>
    (a + 1) % 7 === b ? [[a, a] as [number, number], [b, b] as [number, number]] : [[a, b]],
  );
}

function describeDaysOfMonth(days: readonly number[], rules: readonly DayOfMonthRule[]): string {
  const parts: string[] = [];
  if (days.length > 0) parts.push(`day${plural(days)} ${listRuns(days)}`);
  for (const rule of rules) {
    if (rule.kind === 'last')
      parts.push(rule.offset === 0 ? 'the last day' : `the ${ordinal(rule.offset + 1)}-last day`);
    else parts.push(rule.day === 'last' ? 'the last weekday' : `the weekday nearest day ${rule.day}`);
  }
  return joinList(parts, 'and');
}

/** 2 → "2nd", 11 → "11th", 23 → "23rd". */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The step `s` when values are exactly min, min+s, min+2s, ... up to max, with s > 1. */
function stepOf(values: readonly number[], min: number, max: number): number | undefined {
  const step = (values[1] ?? 0) - (values[0] ?? 0);
  if (values[0] !== min || values.length < 2 || step < 2) return undefined;
  const regular = values.every((value, i) => value === min + i * step);
  return regular && (values[values.length - 1] ?? 0) + step > max ? step : undefined;
}

/** `[first, last]` when the values are one unbroken run. */
function contiguous(values: readonly number[]): [number, number] | undefined {
  const first = values[0];
  const last = values[values.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return last - first === values.length - 1 ? [first, last] : undefined;
}

/** Lists values, runs of three or more as "a through b": "1, 15 and 20 through 25". */
function listRuns(values: readonly number[], name: (value: number) => string = String): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && (values[j + 1] ?? 0) === (values[j] ?? 0) + 1) j++;
    const first = values[i] ?? 0;
    const last = values[j] ?? 0;
    if (j - i >= 2) parts.push(`${name(first)} through ${name(last)}`);
    else for (let k = i; k <= j; k++) parts.push(name(values[k] ?? 0));
    i = j + 1;
  }
  return joinList(parts, 'and');
}

function joinList(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

function clock(hour: number, minute: number): string {
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

function day(weekday: number): string {
  return WEEKDAYS[weekday] ?? String(weekday);
}

function plural(values: readonly number[]): string {
  return values.length === 1 ? '' : 's';
}
