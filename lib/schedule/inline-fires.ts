/**
 * The fires of an inline schedule. Each `(days,hour)` is the cron `0 <hour> * * <days>` in the value's zone, so
 * inline fires follow exactly the rules of named schedules (once per fire, a time the clock skips fires when the
 * gap ends, a time it repeats fires once, skip dates by local date): they go through the same code.
 */
import { scheduleFires } from './fires.js';
import type { InlineSchedule, InlineSpec } from './inline-grammar.js';
import type { CalendarRules, Fire, ScheduleRules } from './types.js';

/** The prefix of an inline schedule's name in plans, fires and ClientTokens: `inline:<normalised value>`. */
export const INLINE_SCHEDULE_PREFIX = 'inline:';

/** One fire of an inline schedule: a fire whose schedule is `inline:<normalised value>`. */
export type InlineFire = Fire;

/**
 * The name an inline schedule goes by: `inline:` and the normalised value (`inline:(default)` for an empty one,
 * which takes every default).
 */
export function inlineScheduleName(schedule: Pick<InlineSchedule, 'normalised'>): string {
  return `${INLINE_SCHEDULE_PREFIX}${schedule.normalised === '' ? '(default)' : schedule.normalised}`;
}

/**
 * The cron expressions of a list of specs: one per spec, `0 <hour> * * <days>`. With a calendar, a spec whose
 * days are the configured `days` default leaves the days to the calendar (`0 <hour> * * *`: it fires on the
 * calendar's working days, make-up Saturdays included); a spec that names its own days keeps them, and the
 * calendar narrows them to its working days (see {@link inlineSide}).
 *
 * @example
 * inlineCrons([{ days: [1, 2, 3, 4, 5], hour: 19, daysText: 'm-f' }]); // ['0 19 * * 1,2,3,4,5']
 */
export function inlineCrons(specs: readonly InlineSpec[], calendar?: CalendarRules): string[] {
  return specs.map((spec) =>
    calendar !== undefined && spec.defaultDays === true
      ? `0 ${spec.hour} * * *`
      : `0 ${spec.hour} * * ${[...spec.days].sort((a, b) => a - b).join(',')}`,
  );
}

/**
 * An inline schedule as a named schedule's rules, so the scheduler's own fire computation applies: `off=` is
 * its stop crons, `on=` its start crons, and the calendar (if any) governs both.
 *
 * @example
 * inlineRules(parsed, [], cnOffice); // { name: 'inline:off=(m-f,19)', stop: [...], start: [...], calendar: {...} }
 */
export function inlineRules(
  schedule: InlineSchedule,
  skipDates: readonly string[],
  calendar?: CalendarRules,
): ScheduleRules {
  return {
    name: inlineScheduleName(schedule),
    stop: inlineCrons(schedule.off, calendar),
    start: inlineCrons(schedule.on, calendar),
    timezone: schedule.timezone,
    skipDates: [...skipDates],
    ...(calendar !== undefined && { calendar: { stop: calendar, start: calendar } }),
  };
}

/**
 * Every fire of an inline schedule in `(windowStart, windowEnd]`, stops and starts, in time order (a stop
 * before a start at the same instant, which the grammar refuses anyway). Skip dates, and the days that are not
 * working days of `calendar`, suppress fires.
 *
 * @example
 * inlineFires(schedule, [], new Date('2026-03-09T23:55:00Z'), new Date('2026-03-10T00:00:00Z'));
 * // [{ schedule: 'inline:off=(m-f,19);tz=et', fireTime: 2026-03-10T00:00:00Z, action: 'stop' }]
 */
export function inlineFires(
  schedule: InlineSchedule,
  skipDates: readonly string[],
  windowStart: Date,
  windowEnd: Date,
  calendar?: CalendarRules,
): InlineFire[] {
  return scheduleFires(inlineRules(schedule, skipDates, calendar), windowStart, windowEnd);
}

const QUARTER_HOUR_MS = 15 * 60_000;

/**
 * Whether an inline fire can fall in `(windowStart, windowEnd]` at all. Inline fires are on a local whole
 * hour (or at the end of a daylight-saving gap, also a whole hour or half hour of local time), and every UTC
 * offset in use is a multiple of 15 minutes, so they fall on a UTC quarter hour. A run whose window holds
 * none need not list the inline-tagged instances.
 *
 * @example
 * inlineWindowCanFire(new Date('2026-03-09T14:00:00Z'), new Date('2026-03-09T14:05:00Z')); // false
 */
export function inlineWindowCanFire(windowStart: Date, windowEnd: Date): boolean {
  const lastQuarter = Math.floor(windowEnd.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  return lastQuarter > windowStart.getTime();
}
