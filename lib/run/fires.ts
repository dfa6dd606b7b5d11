/**
 * Which fires one run covers: the schedules due in the tick window of `at` (or from `since`), one named
 * schedule's fires in that window (or its only action), or one named schedule's action forced at `at`. Pure.
 */
import type { Config, ScheduleConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import {
  Action,
  dueFires,
  type Fire,
  inlineWindowCanFire,
  scheduleFires,
  tickWindow,
} from '../schedule/index.js';

/** What a run is asked to cover. */
export interface FireRequest {
  /** The tick instant (its window is the run's), or the fire time of a forced action. */
  at: Date;
  /**
   * Only this schedule. A schedule with both `start:` and `stop:` runs its fires in the tick window of `at`
   * (its start, its stop, or neither; skip dates applied as for the timer). A schedule with one action runs
   * it as if it fired at `at`, as before starting existed (skip dates do not apply: the user asked for it).
   */
  schedule?: string;
  /**
   * With `schedule`: run this action of the schedule as if it fired at `at`, whatever its crons say (skip
   * dates do not apply: the user asked for it). The schedule must have a cron for the action.
   */
  action?: Action;
  /**
   * Start the window here instead of one tick before the tick of `at`: the daemon catching up the ticks that
   * came while its last run was going. Ignored with `schedule`. @default the tick before the tick of `at`
   */
  since?: Date;
}

/**
 * The fires of a run request.
 *
 * @throws UsageError for an unknown schedule, an action without a schedule, or an action the schedule lacks.
 * @example
 * firesFor(config, { at: new Date('2026-03-09T14:02:11Z') }) // schedules due in (13:55, 14:00]
 * firesFor(config, { at, schedule: 'office-hours', action: 'start' }) // start office-hours now
 */
export function firesFor(config: Config, request: FireRequest): Fire[] {
  const window = tickWindow(request.at, config.tickMs);
  if (request.schedule === undefined) {
    if (request.action !== undefined) {
      throw new UsageError(`an action (${request.action}) needs a schedule to apply to`);
    }
    return dueFires(config, request.since ?? window.start, window.end);
  }
  const schedule = config.schedules.find((s) => s.name === request.schedule);
  if (schedule === undefined) {
    const known = config.schedules.map((s) => s.name).join(', ');
    throw new UsageError(`no schedule named '${request.schedule}' in ${config.file} (known: ${known})`);
  }
  if (request.action === undefined) {
    const actions = Object.values(Action).filter((action) => hasAction(schedule, action));
    if (actions.length > 1) return scheduleFires(schedule, window.start, window.end);
    return actions.map((action) => ({ schedule: schedule.name, fireTime: request.at, action }));
  }
  if (!hasAction(schedule, request.action)) {
    throw new UsageError(
      `schedule '${schedule.name}' has no ${request.action}: cron in ${config.file}; add one to ${request.action} its instances`,
    );
  }
  return [{ schedule: schedule.name, fireTime: request.at, action: request.action }];
}

/** True when the schedule has at least one cron for `action`. */
export function hasAction(schedule: ScheduleConfig, action: Action): boolean {
  return (action === Action.Start ? (schedule.start ?? []) : schedule.stop).length > 0;
}

/**
 * True when the request's fire time is `at` itself (one action asked for, or the only action of a named
 * schedule) rather than a cron's fire found in the tick window of `at`.
 *
 * @example
 * firesAsIf(config, { at, schedule: 'office-hours', action: 'start' }); // true
 */
export function firesAsIf(config: Config, request: FireRequest): boolean {
  if (request.schedule === undefined) return false;
  if (request.action !== undefined) return true;
  const schedule = config.schedules.find((s) => s.name === request.schedule);
  return schedule === undefined || !(hasAction(schedule, Action.Start) && hasAction(schedule, Action.Stop));
}

/**
 * The instant a run covers, which `invocation.start` and notifications carry so that a reader can tell a
 * platform's retry of the same tick: the end of the tick window of `at`, or `at` itself when the request's
 * fire time is `at` ({@link firesAsIf}: one action asked for, or the only action of a named schedule).
 *
 * @example
 * runTick(config, { at: new Date('2026-03-09T14:02:11Z') }); // '2026-03-09T14:00:00.000Z' with a 5m tick
 */
export function runTick(config: Config, request: FireRequest): string {
  return (firesAsIf(config, request) ? request.at : tickWindow(request.at, config.tickMs).end).toISOString();
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
