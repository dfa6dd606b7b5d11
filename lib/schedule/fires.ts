/**
 * When schedules fire: every (schedule, fireTime) whose cron fires in a window, in the schedule's own time
 * zone, with daylight saving and skip dates applied. Pure: windows and instants are arguments.
 *
 * The rule, per cron: a local wall-clock minute that the cron matches fires at the first instant the clock
 * shows it. So a time the clock shows twice (fall back) fires once, at its first occurrence; a time the clock
 * skips (spring forward) fires at the instant the gap ends, once however many skipped minutes match and once
 * even if the gap's end matches too. Because every matched minute maps to exactly one instant, windows that
 * tile time produce every fire exactly once.
 *
 * Rather than testing each UTC minute, the code enumerates the local minutes that can land in the window
 * (from the cron's hour and minute lists, on the days it matches) and maps each to its instant.
 */
import { UsageError } from '../errors.js';
import { calendarFor, type DayVerdict, dayVerdict } from './calendar.js';
import { type CronExpression, matchesDay, parseCron } from './cron.js';
import { localMsToWall, resolveLocalMs, type WallTime, zoneOffsetMs } from './timezone.js';
import { Action, type CalendarRules, type Fire, type ScheduleRules, type ScheduleSet } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Long windows are cut into chunks this long, so that a chunk holds at most one UTC-offset change. */
const CHUNK_MS = 6 * HOUR_MS;
/** How far `nextFires` looks for a count of fires (a cron such as `0 0 29 2 MON` fires every 28 years). */
const SEARCH_HORIZON_MS = 50 * 366 * DAY_MS;

/** One fire with what a person may want to know about it (see the `next` command). */
export interface FireDetail extends Fire {
  /** The expression that fired (the first listed, when several fire at the same instant). */
  cron: string;
  /** The local time the cron named; it differs from the fire's local time only in a spring-forward gap. */
  nominal: WallTime;
  /** The local date of `nominal`, `YYYY-MM-DD`: what skip dates compare with. */
  localDate: string;
  /** True when the clock skipped `nominal` and the fire moved to the end of the gap. */
  shifted: boolean;
  /** True when a skip date or the governing calendar suppresses the fire. */
  skipped: boolean;
  /** What suppresses a skipped fire: a skip date (checked first) or the calendar. */
  skippedBy?: SkippedBy;
  /** The governing calendar's verdict on `localDate`; absent when no calendar governs the cron. */
  day?: DayVerdict;
}

/** What suppresses a fire. */
export type SkippedBy = 'skip-date' | 'calendar';

const parsed = new Map<string, CronExpression>();

/** Parses each distinct expression once (parsing is pure, so the memo is invisible). */
function cronOf(expression: string): CronExpression {
  let cron = parsed.get(expression);
  if (cron === undefined) {
    cron = parseCron(expression);
    parsed.set(expression, cron);
  }
  return cron;
}

/** A schedule's crons per action, stop first (the order fires of one instant are listed in). */
function cronsByAction(schedule: ScheduleRules): [Action, readonly string[]][] {
  return [
    [Action.Stop, schedule.stop],
    [Action.Start, schedule.start ?? []],
  ];
}

/**
 * Every fire (stop and start) of every schedule in `(windowStart, windowEnd]`, sorted by fireTime, then
 * schedule name, then action.
 * Skip dates and the non-working days of a governing calendar (the local date of the fire's nominal time)
 * suppress fires.
 *
 * @throws CronError for an invalid expression (a validated config has none), RangeError for an unknown zone.
 * @example
 * const { start, end } = tickWindow(now, config.tickMs);
 * for (const fire of dueFires(config, start, end)) run(fire);
 */
export function dueFires(config: ScheduleSet, windowStart: Date, windowEnd: Date): Fire[] {
  const fires: Fire[] = [];
  for (const schedule of config.schedules) fires.push(...scheduleFires(schedule, windowStart, windowEnd));
  return fires.sort(
    (a, b) =>
      a.fireTime.getTime() - b.fireTime.getTime() ||
      compareStrings(a.schedule, b.schedule) ||
      compareStrings(a.action, b.action),
  );
}

/**
 * The fires (stop and start) of one schedule in `(windowStart, windowEnd]`, in time order, skip dates and
 * calendars applied.
 *
 * @example
 * scheduleFires(schedule, new Date('2026-03-08T00:00:00Z'), new Date('2026-03-09T00:00:00Z'));
 */
export function scheduleFires(schedule: ScheduleRules, windowStart: Date, windowEnd: Date): Fire[] {
  return scheduleFireDetails(schedule, windowStart, windowEnd)
    .filter((fire) => !fire.skipped)
    .map((fire) => ({ schedule: fire.schedule, fireTime: fire.fireTime, action: fire.action }));
}

/**
 * Like {@link scheduleFires}, but also lists the fires a skip date or a calendar suppresses (`skipped: true`,
 * with `skippedBy`) and says which expression fired, whether daylight saving moved it, and what the
 * governing calendar says about its day. A start and a stop are separate fires, even at one instant; each
 * action's crons are read with that action's calendar.
 */
export function scheduleFireDetails(
  schedule: ScheduleRules,
  windowStart: Date,
  windowEnd: Date,
): FireDetail[] {
  const startMs = validTime(windowStart, 'windowStart');
  const endMs = validTime(windowEnd, 'windowEnd');
  const fires: FireDetail[] = [];
  for (const [action, crons] of cronsByAction(schedule)) {
    if (crons.length === 0) continue;
    const byInstant = new Map<number, FireDetail>();
    cronListFires(schedule, action, crons, calendarFor(schedule.calendar, action), startMs, endMs, byInstant);
    fires.push(...byInstant.values());
  }
  // Stable: at one instant (which validation refuses), the stop stays first. One action's fires are sorted
  // already when they come from one cron; sorting is cheap then.
  return fires.length < 2 ? fires : fires.sort((a, b) => a.fireTime.getTime() - b.fireTime.getTime());
}

/**
 * The fires of one action's cron list into `byInstant`, the governing calendar (if any) applied as the list's
 * fire filter: a fire on a day that is not a working day is kept, marked skipped, so `next` can explain it.
 */
function cronListFires(
  schedule: ScheduleRules,
  action: Action,
  crons: readonly string[],
  calendar: CalendarRules | undefined,
  startMs: number,
  endMs: number,
  byInstant: Map<number, FireDetail>,
): void {
  for (const expression of crons) {
    for (const fire of cronFires(cronOf(expression), schedule.timezone, startMs, endMs)) {
      const localDate = new Date(fire.localMs).toISOString().slice(0, 10);
      const day = calendar && dayVerdict(calendar, localDate);
      const skippedBy: SkippedBy | undefined = schedule.skipDates.includes(localDate)
        ? 'skip-date'
        : day?.working === false
          ? 'calendar'
          : undefined;
      const detail: FireDetail = {
        schedule: schedule.name,
        fireTime: new Date(fire.instantMs),
        action,
        cron: expression,
        nominal: localMsToWall(fire.localMs),
        localDate,
        shifted: fire.inGap,
        skipped: skippedBy !== undefined,
        ...(skippedBy && { skippedBy }),
        ...(day && { day }),
      };
      const known = byInstant.get(fire.instantMs);
      if (known === undefined || rank(detail) < rank(known)) byInstant.set(fire.instantMs, detail);
    }
  }
}

/**
 * Which of several nominal times landing on one instant to keep: one that is not skipped (the instant fires
 * if any of them does), then one the clock really showed (a gap's end that the cron matches itself).
 */
function rank(fire: FireDetail): number {
  return (fire.skipped ? 2 : 0) + (fire.shifted ? 1 : 0);
}

/**
 * The next fires of a schedule strictly after `from`: the first `limit` of them when `limit` is a count (looking
 * up to 50 years ahead), or all up to and including `limit` when it is a Date.
 *
 * @example
 * nextFires(schedule, now, 5); // the next five
 * nextFires(schedule, now, new Date(now.getTime() + 7 * 86_400_000)); // the coming week
 */
export function nextFires(schedule: ScheduleRules, from: Date, limit: number | Date): Fire[] {
  const fromMs = validTime(from, 'from');
  if (limit instanceof Date) return scheduleFires(schedule, from, limit);
  if (!Number.isInteger(limit) || limit < 0)
    throw new UsageError(`count must be a whole number, got ${limit}`);
  const crons = [...schedule.stop, ...(schedule.start ?? [])].map(cronOf);
  const fires: Fire[] = [];
  for (let start = fromMs; fires.length < limit && start < fromMs + SEARCH_HORIZON_MS; start += DAY_MS) {
    // A day none of whose neighbouring local dates the crons match cannot fire: skip it without the zone.
    if (!crons.some((cron) => anyDayMatches(cron, start - DAY_MS, start + 2 * DAY_MS))) continue;
    fires.push(...scheduleFires(schedule, new Date(start), new Date(start + DAY_MS)));
  }
  return fires.slice(0, limit);
}

/**
 * The window a timer tick at `at` covers: `at` floored to the grid of `tickMs` (multiples since the Unix
 * epoch) is the end, and the window is `(end - tickMs, end]`. Consecutive ticks therefore tile time without
 * gap or overlap whatever the timer's offset or jitter (as long as each tick lands in its own grid step).
 *
 * @throws UsageError when `tickMs` is not a positive whole number of milliseconds.
 * @example
 * tickWindow(new Date('2026-03-09T14:00:07.250Z'), 300_000); // (13:55:00Z, 14:00:00Z]
 */
export function tickWindow(at: Date, tickMs: number): { start: Date; end: Date } {
  const atMs = validTime(at, 'at');
  if (!Number.isInteger(tickMs) || tickMs <= 0) {
    throw new UsageError(`tickMs must be a positive whole number of milliseconds, got ${tickMs}`);
  }
  const endMs = Math.floor(atMs / tickMs) * tickMs;
  return { start: new Date(endMs - tickMs), end: new Date(endMs) };
}

interface CronFire {
  instantMs: number;
  /** The nominal local time, as local epoch milliseconds. */
  localMs: number;
  inGap: boolean;
}

/** The fires of one expression in `(startMs, endMs]`, chunk by chunk. */
function cronFires(cron: CronExpression, timeZone: string, startMs: number, endMs: number): CronFire[] {
  const fires: CronFire[] = [];
  for (let chunkStart = startMs; chunkStart < endMs; chunkStart += CHUNK_MS) {
    chunkFires(cron, timeZone, chunkStart, Math.min(chunkStart + CHUNK_MS, endMs), fires);
  }
  return fires;
}

/**
 * Within a chunk the offset is one of its values at the two ends (at most one change), so a local minute
 * that fires inside lies between the start plus the smaller offset and the end plus the larger: those are
 * the only candidates to resolve.
 */
function chunkFires(cron: CronExpression, timeZone: string, startMs: number, endMs: number, out: CronFire[]) {
  const startOffset = zoneOffsetMs(startMs, timeZone);
  const endOffset = zoneOffsetMs(endMs, timeZone);
  const loMs = startMs + Math.min(startOffset, endOffset);
  const hiMs = endMs + Math.max(startOffset, endOffset);
  for (const localMs of localMinutes(cron, loMs, hiMs)) {
    const { instantMs, inGap } = resolveLocalMs(localMs, timeZone);
    if (instantMs > startMs && instantMs <= endMs) out.push({ instantMs, localMs, inGap });
  }
}

/** The local minutes in `[loMs, hiMs]` (local epoch milliseconds) that the cron matches, ascending. */
function localMinutes(cron: CronExpression, loMs: number, hiMs: number): number[] {
  const minutes: number[] = [];
  for (let dayMs = Math.floor(loMs / DAY_MS) * DAY_MS; dayMs <= hiMs; dayMs += DAY_MS) {
    if (!dayMatches(cron, dayMs)) continue;
    for (const hour of cron.hours) {
      const hourMs = dayMs + hour * HOUR_MS;
      if (hourMs > hiMs) break;
      if (hourMs + HOUR_MS <= loMs) continue;
      for (const minute of cron.minutes) {
        const localMs = hourMs + minute * MINUTE_MS;
        if (localMs > hiMs) break;
        if (localMs >= loMs) minutes.push(localMs);
      }
    }
  }
  return minutes;
}

const matchedDays = new WeakMap<CronExpression, Map<number, boolean>>();

/** {@link matchesDay} for the local day starting at `dayMs`, remembered: consecutive ticks ask about the same days. */
function dayMatches(cron: CronExpression, dayMs: number): boolean {
  let days = matchedDays.get(cron);
  if (days === undefined) {
    days = new Map();
    matchedDays.set(cron, days);
  }
  let result = days.get(dayMs);
  if (result === undefined) {
    result = matchesDay(cron, localMsToWall(dayMs));
    if (days.size >= 10_000) days.clear();
    days.set(dayMs, result);
  }
  return result;
}

/** True when the cron matches some day whose local midnight lies in `[loMs, hiMs]`. */
function anyDayMatches(cron: CronExpression, loMs: number, hiMs: number): boolean {
  for (let dayMs = Math.floor(loMs / DAY_MS) * DAY_MS; dayMs <= hiMs; dayMs += DAY_MS) {
    if (dayMatches(cron, dayMs)) return true;
  }
  return false;
}

function validTime(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${name} must be a valid Date`);
  return ms;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
