/**
 * Which fires one run covers: the schedules due in the tick window of `at` (or from `since`), or one named
 * schedule as if it fired at `at`. Pure.
 */
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Fire } from '../schedule/index.js';
import { dueFires, inlineWindowCanFire, tickWindow } from '../schedule/index.js';

/** What a run is asked to cover. */
export interface FireRequest {
  at: Date;
  /** Run this schedule as if it fired at `at` (skip dates do not apply: the user asked for it). */
  schedule?: string;
  /**
   * Start the window here instead of one tick before the tick of `at`: the daemon catching up the ticks that
   * came while its last run was going. Ignored with `schedule`. @default the tick before the tick of `at`
   */
  since?: Date;
}

/**
 * The fires of a run request.
 *
 * @example
 * firesFor(config, { at: new Date('2026-03-09T14:02:11Z') }) // schedules due in (13:55, 14:00]
 */
export function firesFor(config: Config, request: FireRequest): Fire[] {
  if (request.schedule !== undefined) {
    if (!config.schedules.some((s) => s.name === request.schedule)) {
      const known = config.schedules.map((s) => s.name).join(', ');
      throw new UsageError(`no schedule named '${request.schedule}' in ${config.file} (known: ${known})`);
    }
    return [{ schedule: request.schedule, fireTime: request.at }];
  }
  const window = tickWindow(request.at, config.tickMs);
  return dueFires(config, request.since ?? window.start, window.end);
}

/**
 * The window in which a run request plans inline (tag) schedules: the tick window of `at` (from `since` when
 * given), when the configuration has `inline:`, the request is not a run of one named schedule, and an inline
 * fire can fall in the window at all. Undefined otherwise: the run then needs no inline listing.
 *
 * @example
 * inlineWindowFor(config, { at: new Date('2026-03-09T14:00:30Z') }); // (13:55, 14:00]
 * inlineWindowFor(config, { at: new Date('2026-03-09T14:05:30Z') }); // undefined
 */
export function inlineWindowFor(
  config: Config,
  request: FireRequest,
): { start: Date; end: Date } | undefined {
  if (config.inline === undefined || request.schedule !== undefined) return undefined;
  const tick = tickWindow(request.at, config.tickMs);
  // The daemon catching up ticks (`since`) covers their inline fires too, as it does their named ones.
  const window = { start: request.since ?? tick.start, end: tick.end };
  return inlineWindowCanFire(window.start, window.end) ? window : undefined;
}
