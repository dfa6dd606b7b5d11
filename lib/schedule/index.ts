/**
 * When schedules fire. Pure functions of (config, instants): no I/O, no clock.
 *
 * - `parseCron(expression)`, `matches(cron, wall)`: 5-field cron, with node-cron 4's grammar and semantics.
 * - `dueFires(config, start, end)`: every (schedule, fireTime) in `(start, end]`, daylight saving and skip
 *   dates applied; `scheduleFires`, `scheduleFireDetails`, `nextFires` for one schedule.
 * - `tickWindow(at, tickMs)`: the window a timer tick covers, on the epoch grid of the tick.
 * - `wallTime(instant, zone)`, `isValidTimeZone(zone)`: wall-clock time through Intl.
 * - `describeCron(expression)`: the expression in plain English.
 * - `startStopOverlap(schedule, tickMs)`: a start and a stop of one schedule that can share a tick window.
 */
export {
  CronError,
  type CronExpression,
  CronField,
  type DayOfMonthRule,
  daysInMonth,
  matches,
  matchesDay,
  parseCron,
  type WeekdayRule,
} from './cron.js';
export { describeCron } from './describe.js';
export {
  dueFires,
  type FireDetail,
  nextFires,
  scheduleFireDetails,
  scheduleFires,
  tickWindow,
} from './fires.js';
export { type StartStopOverlap, startStopOverlap } from './overlap.js';
export {
  formatOffset,
  isValidTimeZone,
  type WallTime,
  wallTime,
  zoneOffsetMs,
} from './timezone.js';
export { Action, type Fire } from './types.js';
