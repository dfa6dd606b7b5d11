/**
 * Working days: whether a local date is a working day on a calendar, and why. Pure: the bases' data is
 * imported as data (calendar-data.ts, built on first use), dates are `YYYY-MM-DD` strings already local to the schedule.
 *
 * The order of precedence: the team's own `workdays` and `holidays` first, then the base's dated exceptions
 * (public holidays, make-up working days) in a year its data covers, then Monday to Friday.
 */
import { baseDays } from './calendar-data.js';
import { wallTime } from './timezone.js';
import type { Action, CalendarRules, ScheduleCalendars, ScheduleRules } from './types.js';

/** Why a day is or is not a working day. */
export const DayKind = {
  /** Monday to Friday, with no exception. */
  Weekday: 'weekday',
  /** Saturday or Sunday, with no exception. */
  Weekend: 'weekend',
  /** A public holiday of the base (it may fall on a weekday). */
  Holiday: 'holiday',
  /** A make-up working day of the base (调休: usually a Saturday or Sunday). */
  MakeUpWorkday: 'make-up-workday',
  /** In the calendar's own `holidays`. */
  TeamHoliday: 'team-holiday',
  /** In the calendar's own `workdays`. */
  TeamWorkday: 'team-workday',
} as const;
export type DayKind = (typeof DayKind)[keyof typeof DayKind];

/** A calendar's verdict on one local date. */
export interface DayVerdict {
  /** The calendar's name. */
  calendar: string;
  working: boolean;
  kind: DayKind;
  /** The base's name for the holiday (or the holiday a make-up day is for): `National Day`. */
  holiday?: string;
  /** Set when the base has no data for the date's year, so the verdict fell back to Monday–Friday. */
  uncoveredYear?: number;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The day of the week of a `YYYY-MM-DD` date, 0 = Sunday (proleptic Gregorian, no zone involved). */
export function weekdayOf(localDate: string): number {
  const [year, month, day] = localDate.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCDay();
}

/**
 * The calendar's verdict on a local date.
 *
 * @example
 * dayVerdict(cnOffice, '2026-10-10'); // { calendar: 'cn-office', working: true, kind: 'make-up-workday', holiday: 'National Day' }
 * dayVerdict(cnOffice, '2026-10-01'); // { calendar: 'cn-office', working: false, kind: 'holiday', holiday: 'National Day' }
 */
export function dayVerdict(calendar: CalendarRules, localDate: string): DayVerdict {
  const name = calendar.name;
  const base = baseDays(calendar.base);
  const year = Number(localDate.slice(0, 4));
  const covered = base.years === undefined || base.years.has(year);
  // Even a day the team's lists decide lies in a year without data: the warning applies to it too.
  const gap = covered ? {} : { uncoveredYear: year };
  if (calendar.workdays.includes(localDate)) {
    return { calendar: name, working: true, kind: DayKind.TeamWorkday, ...gap };
  }
  if (calendar.holidays.includes(localDate)) {
    return { calendar: name, working: false, kind: DayKind.TeamHoliday, ...gap };
  }
  const madeUp = covered ? base.workdays.get(localDate) : undefined;
  if (madeUp !== undefined) {
    return { calendar: name, working: true, kind: DayKind.MakeUpWorkday, holiday: madeUp };
  }
  const holiday = covered ? base.holidays.get(localDate) : undefined;
  if (holiday !== undefined) return { calendar: name, working: false, kind: DayKind.Holiday, holiday };
  const weekday = weekdayOf(localDate);
  const working = weekday >= 1 && weekday <= 5;
  return { calendar: name, working, kind: working ? DayKind.Weekday : DayKind.Weekend, ...gap };
}

/**
 * True when the local date is a working day on the calendar.
 *
 * @example
 * isWorkingDay(cnOffice, '2026-10-10'); // true: a Saturday that makes up for National Day
 */
export function isWorkingDay(calendar: CalendarRules, localDate: string): boolean {
  return dayVerdict(calendar, localDate).working;
}

/**
 * The calendar that governs one action's crons of a schedule, if any. The fire filter of each cron list:
 * a fire of a governed list happens only when `dayVerdict(calendar, localDate).working`.
 */
export function calendarFor(
  calendars: ScheduleCalendars | undefined,
  action: Action,
): CalendarRules | undefined {
  return calendars?.[action];
}

/**
 * The verdict in words, as `next` and `plan` print it.
 *
 * @example
 * describeDay('2026-10-01', verdict); // 'holiday on calendar cn-office (National Day)'
 */
export function describeDay(localDate: string, verdict: DayVerdict): string {
  const on = `on calendar ${verdict.calendar}`;
  const named = verdict.holiday === undefined ? '' : ` (${verdict.holiday})`;
  switch (verdict.kind) {
    case DayKind.Holiday:
      return `holiday ${on}${named}`;
    case DayKind.MakeUpWorkday:
      return `make-up working day ${on}${named}`;
    case DayKind.TeamHoliday:
      return `the team's holiday ${on}`;
    case DayKind.TeamWorkday:
      return `the team's working day ${on}`;
    default:
      return `${WEEKDAY_NAMES[weekdayOf(localDate)]}, ${verdict.working ? 'a working day' : 'not a working day'} ${on}`;
  }
}

/** A year a calendar's base has no data for, met by a governed schedule. */
export interface CalendarGap {
  calendar: string;
  base: CalendarRules['base'];
  year: number;
}

/**
 * The warning for a gap: which year, what happens instead, and what to do.
 *
 * @example
 * calendarGapText({ calendar: 'cn-office', base: 'cn', year: 2027 });
 */
export function calendarGapText(gap: CalendarGap): string {
  return (
    `calendar ${gap.calendar}: base ${gap.base} has no data for ${gap.year} in ${baseDays(gap.base).source}; ` +
    `its fires in ${gap.year} fall back to Monday to Friday plus the calendar's own holidays and workdays ` +
    `(update chinese-days once the State Council publishes ${gap.year}'s holidays)`
  );
}

/** True when the calendar's base has data for the year (always, for a base that needs none). */
export function baseCovers(calendar: CalendarRules, year: number): boolean {
  const { years } = baseDays(calendar.base);
  return years === undefined || years.has(year);
}

/**
 * The years in `[from, until]` (local dates in each schedule's zone) that a governing calendar's base has no
 * data for, once per calendar and year: what `validate`, `next` and `plan` warn about.
 *
 * @example
 * calendarGaps(config.schedules, now, new Date(now.getTime() + 366 * 86_400_000));
 */
export function calendarGaps(schedules: readonly ScheduleRules[], from: Date, until: Date): CalendarGap[] {
  const gaps = new Map<string, CalendarGap>();
  for (const schedule of schedules) {
    const firstYear = wallTime(from, schedule.timezone).year;
    const lastYear = wallTime(until, schedule.timezone).year;
    for (const calendar of Object.values(schedule.calendar ?? {})) {
      for (let year = firstYear; year <= lastYear; year++) {
        if (baseCovers(calendar, year)) continue;
        gaps.set(`${calendar.name} ${year}`, { calendar: calendar.name, base: calendar.base, year });
      }
    }
  }
  return [...gaps.values()].sort((a, b) => a.year - b.year || (a.calendar < b.calendar ? -1 : 1));
}
