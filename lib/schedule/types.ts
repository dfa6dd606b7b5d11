/**
 * What a schedule asks for when it fires: `stop` (StopInstances) or `start` (StartInstances). Every fire,
 * plan line, outcome line and summary fire names its action.
 */
export const Action = { Stop: 'stop', Start: 'start' } as const;
export type Action = (typeof Action)[keyof typeof Action];

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
 * crons name. Keyed by action.
 */
export type ScheduleCalendars = Partial<Record<Action, CalendarRules>>;

/**
 * What lib/schedule reads of a schedule. lib/config's ScheduleConfig is one; lib/schedule names only what it
 * needs, so that it imports nothing from lib/config (which validates crons with lib/schedule's grammar).
 */
export interface ScheduleRules {
  name: string;
  /** 5-field cron expressions of its stop; empty when the schedule only starts. */
  stop: readonly string[];
  /** 5-field cron expressions of its start; absent or empty when the schedule only stops. */
  start?: readonly string[];
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

/** One firing of one schedule: the schedule's name, the instant its cron fired, and what it asks for. */
export interface Fire {
  schedule: string;
  /** The instant the schedule fired (after daylight-saving adjustment), in UTC. */
  fireTime: Date;
  /** Which of the schedule's crons fired: its `stop:` or its `start:`. */
  action: Action;
}
