/**
 * The one reader of ISO 8601 dates and instants. Strict on purpose: a date is `YYYY-MM-DD` and a real day of
 * the calendar; an instant is a date, `T`, `hh:mm[:ss[.fraction]]` and a zone (`Z` or `±hh:mm`). A time
 * without a zone is never an instant: it would name a different moment on every machine.
 */
import { type CalendarDate, isCalendarDate } from './calendar.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Reads `YYYY-MM-DD` as a calendar date, or undefined when the text is not one (`2026-02-30`, `2026-3-9`).
 *
 * @example
 * parseIsoDate('2026-03-09'); // { year: 2026, month: 3, day: 9 }
 */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = DATE.exec(text);
  if (match === null) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isCalendarDate(date) ? date : undefined;
}

/**
 * Reads an ISO 8601 instant with `Z` or an offset, or undefined when the text is not one. A fraction finer
 * than a millisecond is rounded up, so `now < instant` stays exact for a whole-millisecond clock.
 *
 * @example
 * parseIsoInstant('2026-03-09T22:00:00+08:00')?.toISOString(); // '2026-03-09T14:00:00.000Z'
 * parseIsoInstant('2026-03-09T22:00:00'); // undefined: no zone
 */
export function parseIsoInstant(text: string): Date | undefined {
  const match = INSTANT.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = Number(match[6] ?? '0');
  if (!isCalendarDate({ year, month, day }) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (match[8] !== 'Z') {
    const [offsetHour, offsetMinute] = [Number(match[10]), Number(match[11])];
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  const fractionMs = Math.ceil(Number((match[7] ?? '').padEnd(9, '0')) / 1e6);
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
  utc.setUTCFullYear(year);
  return new Date(utc.getTime() + fractionMs - offsetMinutes * 60_000);
}

/** A date alone or an instant, as `--at` and `next --from` accept them. */
export type DateOrInstant = { kind: 'date'; date: CalendarDate } | { kind: 'instant'; instant: Date };

/**
 * Reads either a date alone (`2026-03-09`) or an instant with a zone, or undefined for anything else. What a
 * date alone means (which midnight) is the caller's rule: this reader does not know any time zone.
 */
export function parseIsoDateOrInstant(text: string): DateOrInstant | undefined {
  const date = parseIsoDate(text);
  if (date !== undefined) return { kind: 'date', date };
  const instant = parseIsoInstant(text);
  return instant === undefined ? undefined : { kind: 'instant', instant };
}
