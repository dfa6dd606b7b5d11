/**
 * Whether a schedule's start and stop can fire in one tick window. One run carries one action per schedule
 * (its latest fire), so a window holding both would drop one of them: `validate` refuses such a schedule.
 * Pure: the answer depends on the crons, the zone and the tick only, not on any date.
 */
import { parseCron } from './cron.js';
import { rawOffsetMs } from './timezone.js';
import type { ScheduleRules } from './types.js';

const DAY_MINUTES = 1440;
const DAY_MS = 86_400_000;
/** The offsets a zone used from 2000 to 2060, sampled twice a month: every offset a schedule can meet. */
const OFFSET_SAMPLES = { fromMs: Date.UTC(2000, 0, 1), count: 61 * 24, stepMs: 15 * DAY_MS };

/** A start and a stop that can share a tick window. */
export interface StartStopOverlap {
  start: string;
  stop: string;
  /** The local times (`HH:MM`) of the two fires. */
  startTime: string;
  stopTime: string;
}

/**
 * The first (start cron, stop cron) pair of `schedule` whose fires can land in one tick window of `tickMs`,
 * or undefined when none can. Day fields are not considered (any day may hold both, which is the safe
 * reading); the UTC grid of the tick and every UTC offset the zone uses are.
 *
 * When the tick divides a day, the grid is the same every day and two times share a window exactly when
 * they fall in the same grid step; otherwise the grid drifts from day to day and two times less than a tick
 * apart will share a window on some day.
 *
 * @example
 * startStopOverlap({ ...schedule, start: ['30 8 * * *'], stop: ['0 20 * * *'] }, 86_400_000); // a pair: same day
 */
export function startStopOverlap(schedule: ScheduleRules, tickMs: number): StartStopOverlap | undefined {
  const starts = schedule.start ?? [];
  if (starts.length === 0 || schedule.stop.length === 0) return undefined;
  const tick = tickMs / 60_000;
  const aligned = DAY_MINUTES % tick === 0;
  const offsets = zoneOffsets(schedule.timezone);
  const startTimes = starts.flatMap((cron) => minutesOfDay(cron).map((m) => [cron, m] as const));
  const stopTimes = schedule.stop.flatMap((cron) => minutesOfDay(cron).map((m) => [cron, m] as const));
  for (const [start, a] of startTimes) {
    for (const [stop, b] of stopTimes) {
      if (canShare(a, b, offsets, tick, aligned)) {
        return { start, stop, startTime: hhmm(a), stopTime: hhmm(b) };
      }
    }
  }
  return undefined;
}

/** True when local minute `a` (start) and `b` (stop, same or neighbouring day) can land in one window. */
function canShare(a: number, b: number, offsets: readonly number[], tick: number, aligned: boolean): boolean {
  for (const startOffset of offsets) {
    for (const stopOffset of offsets) {
      for (const days of [-1, 0, 1]) {
        const s = a - startOffset;
        const p = days * DAY_MINUTES + b - stopOffset;
        // A window is (end - tick, end]: minute t belongs to the window ending at ceil(t / tick) * tick.
        if (aligned ? Math.ceil(s / tick) === Math.ceil(p / tick) : Math.abs(s - p) < tick) return true;
      }
    }
  }
  return false;
}

/** Every local minute of the day at which the cron can fire. */
function minutesOfDay(expression: string): number[] {
  const cron = parseCron(expression);
  return cron.hours.flatMap((hour) => cron.minutes.map((minute) => hour * 60 + minute));
}

const offsetsByZone = new Map<string, number[]>();

/** The distinct UTC offsets of a zone, in minutes. */
function zoneOffsets(timeZone: string): number[] {
  let offsets = offsetsByZone.get(timeZone);
  if (offsets === undefined) {
    const seen = new Set<number>();
    for (let i = 0; i < OFFSET_SAMPLES.count; i++) {
      // One formatter call per sample: validating a configuration pays for these at every cold start.
      seen.add(rawOffsetMs(OFFSET_SAMPLES.fromMs + i * OFFSET_SAMPLES.stepMs, timeZone) / 60_000);
    }
    offsets = [...seen];
    offsetsByZone.set(timeZone, offsets);
  }
  return offsets;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
