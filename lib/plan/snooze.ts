/**
 * The per-instance snooze tag `<tagKey>:skip-until`: an ISO date (through the end of that local day in the
 * schedule's time zone) or an ISO date-time with `Z` or an offset (until that instant).
 */
import { startOfLocalDayMs } from '../schedule/index.js';
import { type CalendarDate, nextCalendarDate, parseIsoDate, parseIsoInstant } from '../time/index.js';

/** What a `skip-until` value means at `now`. */
export type SkipUntil =
  | { valid: false }
  | {
      valid: true;
      kind: 'date' | 'date-time';
      /** The first instant that is no longer snoozed. */
      until: Date;
      /** `now` is before `until`. */
      snoozed: boolean;
    };

/**
 * Reads a `skip-until` tag value. Strict on purpose: anything but `YYYY-MM-DD` (a real calendar date) or
 * `YYYY-MM-DDThh:mm[:ss[.fff]]` followed by `Z` or `±hh:mm` is invalid, and the planner then refuses to stop
 * the instance rather than guess what `tomorrow` or `2026-13-01` meant.
 *
 * @param value the tag's raw value
 * @param timeZone IANA zone in which a bare date is read (the schedule's)
 * @param now the planner's clock
 * @example
 * parseSkipUntil('2026-03-09', 'Asia/Shanghai', new Date('2026-03-09T15:59:59Z'));
 * // { valid: true, kind: 'date', until: 2026-03-09T16:00:00.000Z, snoozed: true }
 */
export function parseSkipUntil(value: string, timeZone: string, now: Date): SkipUntil {
  const date = parseIsoDate(value);
  const untilMs =
    date !== undefined ? endOfLocalDayMs(date, timeZone) : (parseIsoInstant(value)?.getTime() ?? null);
  if (untilMs === null) return { valid: false };
  return {
    valid: true,
    kind: date !== undefined ? 'date' : 'date-time',
    until: new Date(untilMs),
    snoozed: now.getTime() < untilMs,
  };
}

/** The end of a local day: the start of the next. */
function endOfLocalDayMs(date: CalendarDate, timeZone: string): number {
  const next = nextCalendarDate(date);
  return startOfLocalDayMs(next.year, next.month, next.day, timeZone);
}
