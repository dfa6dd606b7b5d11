/**
 * Ticks a timer can express. A timer (the veFaaS timer, an EventBridge rule, the daemon's node-cron task) is a
 * 5-field crontab, and a crontab can only repeat evenly when its step divides the next field: minutes that
 * divide an hour, hours that divide a day. Any other tick (`7m`, `90m`) would drift against the hour and leave
 * windows uncovered or covered twice, so the configuration refuses it. Pure: no clock, no I/O.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Ticks in minutes that divide an hour. */
export const TICK_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

/** Ticks in hours that divide a day. */
export const TICK_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Every valid tick in milliseconds, shortest first. */
export const VALID_TICKS_MS: readonly number[] = [
  ...TICK_MINUTES.map((m) => m * MINUTE_MS),
  ...TICK_HOURS.map((h) => h * HOUR_MS),
];

/**
 * A tick as people write it in the configuration: `5m`, `2h`.
 *
 * @example
 * formatTick(300_000); // '5m'
 * formatTick(7_200_000); // '2h'
 */
export function formatTick(tickMs: number): string {
  if (tickMs % HOUR_MS === 0) return `${tickMs / HOUR_MS}h`;
  if (tickMs % MINUTE_MS === 0) return `${tickMs / MINUTE_MS}m`;
  return `${tickMs / 1000}s`;
}

/** True when a timer can fire on the grid of `tickMs` (see {@link VALID_TICKS_MS}). */
export function isValidTick(tickMs: number): boolean {
  return VALID_TICKS_MS.includes(tickMs);
}

/**
 * The valid ticks nearest to `tickMs`: the largest below and the smallest above (one of them at the ends).
 *
 * @example
 * nearestTicks(7 * 60_000).map(formatTick); // ['6m', '10m']
 */
export function nearestTicks(tickMs: number): number[] {
  const below = VALID_TICKS_MS.filter((t) => t < tickMs).at(-1);
  const above = VALID_TICKS_MS.find((t) => t > tickMs);
  return [below, above].filter((t): t is number => t !== undefined);
}

/**
 * Why `tickMs` is not a valid tick, naming the nearest valid ones; undefined when it is valid.
 *
 * @example
 * tickProblem(90 * 60_000); // "tick 90m does not divide a day evenly ...: use 1h or 2h"
 */
export function tickProblem(tickMs: number): string | undefined {
  if (isValidTick(tickMs)) return undefined;
  const what = tickMs < HOUR_MS ? 'an hour' : 'a day';
  const nearest = nearestTicks(tickMs).map(formatTick).join(' or ');
  return (
    `tick ${formatTick(tickMs)} does not divide ${what} evenly, so no timer can fire on its grid: ` +
    `use ${nearest} (valid ticks: ${TICK_MINUTES.join(', ')} minutes; ${TICK_HOURS.join(', ')} hours)`
  );
}

/**
 * The 5-field crontab of a timer that fires on the grid of a valid tick, for every timer lights-out defines
 * (the veFaaS timer, the daemon's wake-up). Minute ticks step the minute field, hour ticks fire at minute 0 and
 * step the hour field.
 *
 * @throws RangeError when `tickMs` is not a valid tick (the configuration refuses those before this is called).
 * @example
 * tickCrontab(300_000); // '*\/5 * * * *'
 * tickCrontab(60_000); // '* * * * *'
 * tickCrontab(7_200_000); // '0 *\/2 * * *'
 */
export function tickCrontab(tickMs: number): string {
  const problem = tickProblem(tickMs);
  if (problem) throw new RangeError(problem);
  if (tickMs < HOUR_MS) {
    const minutes = tickMs / MINUTE_MS;
    return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  }
  const hours = tickMs / HOUR_MS;
  if (hours === 24) return '0 0 * * *';
  return hours === 1 ? '0 * * * *' : `0 */${hours} * * *`;
}

/**
 * How far a timer event's time is from the nearest instant of the tick grid, in milliseconds. The grid of an
 * hour tick is taken as whole hours: a timer's crontab may be read in a time zone other than UTC (veFaaS does
 * not document its zone), which moves its fires by whole hours but keeps each in its own tick window.
 *
 * @example
 * offTickGridMs(new Date('2026-03-09T14:03:27Z'), 300_000); // 93000 (nearer 14:05 than 14:00)
 * offTickGridMs(new Date('2026-03-09T14:00:07Z'), 300_000); // 7000
 */
export function offTickGridMs(at: Date, tickMs: number): number {
  const gridMs = Math.min(tickMs, HOUR_MS);
  const rest = ((at.getTime() % gridMs) + gridMs) % gridMs;
  return Math.min(rest, gridMs - rest);
}

/** A timer event further than this from the tick grid is reported: the timer is not the tick's. */
export const OFF_GRID_TOLERANCE_MS = MINUTE_MS;
