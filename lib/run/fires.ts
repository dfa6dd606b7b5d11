/**
 * Which fires one run covers: the schedules due in the tick window of `at` (or from `since`), or one named
 * schedule as if it fired at `at`. Pure.
 */
import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Fire } from '../schedule/index.js';
import { dueFires, tickWindow } from '../schedule/index.js';

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
 * The instant a run covers, which notifications carry so that a reader can tell a platform's retry of the
 * same tick: the end of the tick window of `at`, or `at` itself for a named schedule.
 *
 * @example
 * runTick(config, { at: new Date('2026-03-09T14:02:11Z') }); // '2026-03-09T14:00:00.000Z' with a 5m tick
 */
export function runTick(config: Pick<Config, 'tickMs'>, request: FireRequest): string {
  const tick = request.schedule === undefined ? tickWindow(request.at, config.tickMs).end : request.at;
  return tick.toISOString();
}
