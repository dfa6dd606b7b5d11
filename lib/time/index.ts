/**
 * Time without a clock: the one reader of ISO dates and instants, calendar checks and the rule for time zone
 * names. Nothing here does I/O or reads the clock; wall-clock arithmetic in a zone is lib/schedule's.
 *
 * - `parseIsoDate`, `parseIsoInstant`, `parseIsoDateOrInstant`: strict ISO 8601 readers.
 * - `daysInMonth`, `isCalendarDate`, `calendarDateProblem`, `nextCalendarDate`: the Gregorian calendar.
 * - `checkTimeZone`, `isValidTimeZone`, `timeZoneMessage`: which zone names a configuration accepts.
 */
export {
  type CalendarDate,
  calendarDateProblem,
  daysInMonth,
  isCalendarDate,
  maxDaysInMonth,
  nextCalendarDate,
} from './calendar.js';
export { type DateOrInstant, parseIsoDate, parseIsoDateOrInstant, parseIsoInstant } from './iso.js';
export { checkTimeZone, isValidTimeZone, type TimeZoneCheck, timeZoneMessage } from './zones.js';
