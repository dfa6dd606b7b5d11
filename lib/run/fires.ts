/**
 * Which fires one run covers: the schedules due in the tick window of `at`, or one named schedule as if it fired
 * at `at`. Pure.
 */
import type { Config } from '../config/types.js';
import { UsageError } from '../errors.js';
import { dueFires, inlineWindowCanFire, tickWindow } from '../schedule/index.js';
import type { Fire } from '../schedule/types.js';

/** What a run is asked to cover. */
export interface FireRequest {
  at: Date;
  /** Run this schedule as if it fired at `at` (skip dates do not apply: the user asked for it). */
  schedule?: string;
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
  return dueFires(config, window.start, window.end);
}

/**
 * The window in which a run request plans inline (tag) schedules: the tick window of `at`, when the
 * configuration has `inline:`, the request is not a run of one named schedule, and an inline fire can fall in
 * the window at all. Undefined otherwise: the run then needs no inline listing.
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
  const window = tickWindow(request.at, config.tickMs);
  return inlineWindowCanFire(window.start, window.end) ? window : undefined;
}
