/**
 * The tick as a timer can express it: a 5-field cron on the UTC clock that fires at every instant of the
 * epoch grid {@link tickWindow} uses. The daemon's node-cron task and the cloud timers both need it.
 */
import { UsageError } from '../errors.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * The UTC cron of a tick: `*\/N * * * *` for a tick of N minutes that divides an hour, `0 *\/N * * *` for a
 * tick of N hours that divides a day. Such a grid is the epoch grid, since an hour and a day are whole numbers
 * of ticks and the epoch starts at midnight UTC.
 *
 * @throws UsageError for a tick no 5-field cron fires on evenly (7 minutes, 90 minutes).
 * @example
 * tickToCron(300_000); // '*\/5 * * * *'
 * tickToCron(6 * 3_600_000); // '0 *\/6 * * *'
 */
export function tickToCron(tickMs: number): string {
  if (tickMs > 0 && tickMs < HOUR_MS && HOUR_MS % tickMs === 0 && tickMs % MINUTE_MS === 0) {
    const minutes = tickMs / MINUTE_MS;
    return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
  }
  if (tickMs >= HOUR_MS && (24 * HOUR_MS) % tickMs === 0 && tickMs % HOUR_MS === 0) {
    const hours = tickMs / HOUR_MS;
    return hours === 1 ? '0 * * * *' : hours === 24 ? '0 0 * * *' : `0 */${hours} * * *`;
  }
  throw new UsageError(
    `a tick of ${tickMs / MINUTE_MS} minute(s) cannot be a timer: use one that divides an hour ` +
      '(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes) or a day (1, 2, 3, 4, 6, 8, 12, 24 hours)',
  );
}
