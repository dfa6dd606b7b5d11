/**
 * When schedules fire. Pure functions of (config, instants): no I/O, no clock.
 *
 * - `parseCron(expression)`, `matches(cron, wall)`: 5-field cron, with node-cron 4's grammar and semantics.
 * - `dueFires(config, start, end)`: every (schedule, fireTime) in `(start, end]`, daylight saving and skip
 *   dates applied; `scheduleFires`, `scheduleFireDetails`, `nextFires` for one schedule.
 * - `tickWindow(at, tickMs)`: the window a timer tick covers, on the epoch grid of the tick.
 * - `wallTime(instant, zone)`: wall-clock time through Intl.
 * - `describeCron(expression, calendar?)`: the expression in plain English.
 * - `startStopOverlap(schedule, tickMs)`: a start and a stop of one schedule that can share a tick window.
 * - `dayVerdict(calendar, localDate)`, `isWorkingDay`: working days of a calendar (`base: cn | weekdays` and the
 *   team's own lists); `calendarGaps(schedules, from, until)`: years a base has no data for.
 * - `tickCrontab(tickMs)`, `tickProblem(tickMs)`: the ticks a timer can express, and their 5-field crontab.
 * - `parseInlineValue(value, defaults)`, `inlineFires(schedule, rules, start, end)`, `explainInlineValue`:
 *   inline schedules written on the instance in Cloud Custodian's offhours grammar.
 */
export {
  baseCovers,
  type CalendarGap,
  calendarFor,
  calendarGaps,
  calendarGapText,
  DayKind,
  type DayVerdict,
  dayVerdict,
  describeDay,
  isWorkingDay,
  weekdayOf,
} from './calendar.js';
export {
  CronError,
  type CronExpression,
  CronField,
  type DayOfMonthRule,
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
  type SkippedBy,
  scheduleFireDetails,
  scheduleFires,
  tickWindow,
} from './fires.js';
export { explainInlineValue } from './inline-describe.js';
export {
  INLINE_SCHEDULE_PREFIX,
  type InlineFire,
  inlineCrons,
  inlineFires,
  inlineRules,
  inlineScheduleName,
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
export { type StartStopOverlap, startStopOverlap } from './overlap.js';
export {
  formatTick,
  isValidTick,
  nearestTicks,
  OFF_GRID_TOLERANCE_MS,
  offTickGridMs,
  TICK_HOURS,
  TICK_MINUTES,
  tickCrontab,
  tickProblem,
  VALID_TICKS_MS,
} from './tick.js';
export {
  formatOffset,
  startOfLocalDayMs,
  type WallTime,
  wallTime,
  wallToLocalMs,
  zoneOffsetMs,
} from './timezone.js';
export {
  Action,
  CalendarBase,
  type CalendarRules,
  type Fire,
  type ScheduleCalendars,
  type ScheduleRules,
  type ScheduleSet,
} from './types.js';
