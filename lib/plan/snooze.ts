/**
 * The per-instance snooze tag `<tagKey>:skip-until`: an ISO date (through the end of that local day in the
 * schedule's time zone) or an ISO date-time with `Z` or an offset (until that instant).
 */
import { startOfLocalDayMs, wallToLocalMs } from '../schedule/index.js';

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

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

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
  const untilMs = parseDate(value, timeZone) ?? parseDateTime(value);
  if (untilMs === null) return { valid: false };
  return {
    valid: true,
    kind: DATE.test(value) ? 'date' : 'date-time',
    until: new Date(untilMs),
    snoozed: now.getTime() < untilMs,
  };
}

/** The end of the local day of a `YYYY-MM-DD` value (the start of the next day), or null. */
function parseDate(value: string, timeZone: string): number | null {
  const match = DATE.exec(value);
  if (match === null) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return null;
  // The next calendar day, with month and year roll-over done by the Date arithmetic.
  const next = new Date(wallToLocalMs({ year, month, day, hour: 0, minute: 0 }) + 86_400_000);
  return startOfLocalDayMs(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
}

/** The instant of a date-time value with `Z` or an offset, or null. */
function parseDateTime(value: string): number | null {
  const match = DATE_TIME.exec(value);
  if (match === null) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(match[6] ?? '0');
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (match[8] !== 'Z') {
    const [offsetHour, offsetMinute] = [Number(match[10]), Number(match[11])];
    if (offsetHour > 23 || offsetMinute > 59) return null;
    offsetMin = (match[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  // Round a sub-millisecond fraction up, so `now < until` stays exact for whole-millisecond clocks.
  const fractionMs = Math.ceil(Number((match[7] ?? '').padEnd(9, '0')) / 1e6);
  return wallToLocalMs({ year, month, day, hour, minute }) + second * 1000 + fractionMs - offsetMin * 60_000;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(wallToLocalMs({ year, month, day, hour: 0, minute: 0 }));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
