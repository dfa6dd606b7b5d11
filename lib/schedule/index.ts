/**
 * When schedules fire. Pure functions of (config, instants): no I/O, no clock.
 *
 * - `parseCron(expression)`, `matches(cron, wall)`: 5-field cron, with node-cron 4's grammar and semantics.
 * - `dueFires(config, start, end)`: every (schedule, fireTime) in `(start, end]`, daylight saving and skip
 *   dates applied; `scheduleFires`, `scheduleFireDetails`, `nextFires` for one schedule.
 * - `tickWindow(at, tickMs)`: the window a timer tick covers, on the epoch grid of the tick.
 * - `wallTime(instant, zone)`, `isValidTimeZone(zone)`: wall-clock time through Intl.
 * - `describeCron(expression)`: the expression in plain English.
 * - `parseInlineValue(value, defaults)`, `inlineFires(schedule, skipDates, start, end)`, `explainInlineValue`:
 *   inline schedules written on the instance in Cloud Custodian's offhours grammar.
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
export { explainInlineValue } from './inline-describe.js';
export {
  type Action,
  INLINE_SCHEDULE_PREFIX,
  type InlineFire,
  inlineCrons,
  inlineFires,
  inlineScheduleName,
  inlineSide,
  inlineWindowCanFire,
} from './inline-fires.js';
export {
  type InlineDefaults,
  type InlineSchedule,
  type InlineSpec,
  type InlineValue,
  normaliseInlineValue,
  parseDays,
  parseInlineValue,
} from './inline-grammar.js';
export { INLINE_ZONE_ALIASES, type InlineZone, resolveInlineZone } from './inline-zones.js';
export {
  formatOffset,
  isValidTimeZone,
  type WallTime,
  wallTime,
  zoneOffsetMs,
} from './timezone.js';
export type { Fire } from './types.js';
