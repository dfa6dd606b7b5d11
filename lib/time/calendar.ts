/** Calendar arithmetic on the proleptic Gregorian calendar, with no clock and no time zone. */

/** A day of the calendar, as written `YYYY-MM-DD`. */
export interface CalendarDate {
  year: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  day: number;
}

/**
 * The number of days in a month of a year (February has 29 in leap years).
 *
 * @example
 * daysInMonth(2028, 2); // 29
 */
export function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month] ?? 0;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Days in each month (1-12) of a leap year; index 0 is no month. Cron matching reads it every minute. */
const DAYS_IN_MONTH: readonly number[] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The most days a month (1-12) can have: 29 for February. 0 for no month. */
export function maxDaysInMonth(month: number): number {
  return DAYS_IN_MONTH[month] ?? 0;
}

/**
 * Why `year-month-day` is not a day of the calendar (`there is no month 13`, `2026-02 has 28 days`), or
 * undefined when it is one.
 */
export function calendarDateProblem({ year, month, day }: CalendarDate): string | undefined {
  const days = daysInMonth(year, month);
  if (days === 0) return `there is no month ${month}`;
  if (day < 1 || day > days)
    return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')} has ${days} days`;
  return undefined;
}

/** True when `year-month-day` is a day of the calendar (`2026-02-30` is not). */
export function isCalendarDate(date: CalendarDate): boolean {
  return calendarDateProblem(date) === undefined;
}

/**
 * The day after a date, rolling over months and years.
 *
 * @example
 * nextCalendarDate({ year: 2026, month: 12, day: 31 }); // { year: 2027, month: 1, day: 1 }
 */
export function nextCalendarDate({ year, month, day }: CalendarDate): CalendarDate {
  if (day < daysInMonth(year, month)) return { year, month, day: day + 1 };
  return month < 12 ? { year, month: month + 1, day: 1 } : { year: year + 1, month: 1, day: 1 };
}
