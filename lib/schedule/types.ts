/**
 * What lib/schedule reads of a schedule. lib/config's ScheduleConfig is one; lib/schedule names only what it
 * needs, so that it imports nothing from lib/config (which validates crons with lib/schedule's grammar).
 */
/** Where a calendar's working days come from, before the team's own `holidays` and `workdays`. */
export const CalendarBase = {
  /** Mainland China: public holidays and make-up working days, from the `chinese-days` package. */
  Cn: 'cn',
  /** Monday to Friday. */
  Weekdays: 'weekdays',
} as const;
export type CalendarBase = (typeof CalendarBase)[keyof typeof CalendarBase];

/** What lib/schedule reads of a working-day calendar (lib/config's CalendarConfig is one). */
export interface CalendarRules {
  name: string;
  base: CalendarBase;
  /** Local dates `YYYY-MM-DD` that are not working days, whatever the base says. */
  holidays: readonly string[];
  /** Local dates `YYYY-MM-DD` that are working days, whatever the base says. */
  workdays: readonly string[];
}

/**
 * The calendar that governs each action's crons of a schedule; an action without one fires on every day its
 * crons name. Keyed by action (`stop`, and `start` once schedules have start crons).
 */
export type ScheduleCalendars = Partial<Record<'stop' | 'start', CalendarRules>>;

export interface ScheduleRules {
  name: string;
  /** 5-field cron expressions. */
  stop: readonly string[];
  /** IANA time zone the crons are read in. */
  timezone: string;
  /** Local dates (YYYY-MM-DD) on which the schedule does not fire. */
  skipDates: readonly string[];
  /** The calendars that govern its crons, per action; absent: the crons alone decide. */
  calendar?: ScheduleCalendars;
}

/** What lib/schedule reads of a configuration: its schedules (lib/config's Config is one). */
export interface ScheduleSet {
  schedules: readonly ScheduleRules[];
}

/** One firing of one schedule: the schedule's name and the instant its cron fired. */
export interface Fire {
  schedule: string;
  /** The instant the schedule fired (after daylight-saving adjustment), in UTC. */
  fireTime: Date;
}
