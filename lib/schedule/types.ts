/**
 * What lib/schedule reads of a schedule. lib/config's ScheduleConfig is one; lib/schedule names only what it
 * needs, so that it imports nothing from lib/config (which validates crons with lib/schedule's grammar).
 */
export interface ScheduleRules {
  name: string;
  /** 5-field cron expressions. */
  stop: readonly string[];
  /** IANA time zone the crons are read in. */
  timezone: string;
  /** Local dates (YYYY-MM-DD) on which the schedule does not fire. */
  skipDates: readonly string[];
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
