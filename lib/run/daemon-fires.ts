/**
 * The daemon's decisions about time, pure: which fire a wake-up stands for, which fires need an alarm of
 * their own, and how long a run may last. lib/schedule decides every fire, exactly as for the handler; node-cron
 * only wakes the daemon up.
 *
 * Why node-cron alone is not enough: on daylight-saving days it disagrees with lib/schedule. A time the clock
 * skips (02:30 on a spring-forward night) never fires in node-cron, while lib/schedule fires it when the gap
 * ends; a time the clock shows twice fires in node-cron at whichever occurrence its offset guess lands on (the
 * second one east of Greenwich), while lib/schedule fires the first. So a fire near an offset change gets an
 * alarm at lib/schedule's instant, and a node-cron wake-up that matches no fire of lib/schedule is ignored.
 */
import type { ScheduleConfig } from '../config/types.js';
import { type FireDetail, nextFires, scheduleFireDetails, zoneOffsetMs } from '../schedule/index.js';
import { DEFAULT_RUN_DEADLINE_MS } from './run.js';

const MINUTE_MS = 60_000;
/**
 * How far from an offset change a fire counts as near it. The nominal time of a moved or doubled fire lies
 * within the size of the change (at most two hours anywhere, Antarctica/Troll) of the change.
 */
const OFFSET_CHANGE_MARGIN_MS = 3 * 3_600_000;

/**
 * The fire a wake-up at `at` stands for: the schedule's latest fire in `(at - 1 minute, at]` that is later than
 * `handledUntilMs`, skip-date fires included (marked `skipped`). Undefined when there is none: node-cron woke
 * at an instant lib/schedule does not fire at, or another cron of the schedule already woke for this fire.
 *
 * @example
 * fireAt(schedule, new Date('2026-03-09T14:00:00Z'), lastMs); // the 14:00 fire, or undefined
 */
export function fireAt(schedule: ScheduleConfig, at: Date, handledUntilMs: number): FireDetail | undefined {
  const fires = scheduleFireDetails(schedule, new Date(at.getTime() - MINUTE_MS), at);
  return fires.filter((fire) => fire.fireTime.getTime() > handledUntilMs).at(-1);
}

/**
 * True when the zone's UTC offset changes within three hours of `instant`: node-cron may then wake at another
 * instant than lib/schedule's fire, or not at all, so the daemon sets an alarm of its own.
 */
export function nearOffsetChange(instant: Date, timeZone: string): boolean {
  const ms = instant.getTime();
  return (
    zoneOffsetMs(ms - OFFSET_CHANGE_MARGIN_MS, timeZone) !==
    zoneOffsetMs(ms + OFFSET_CHANGE_MARGIN_MS, timeZone)
  );
}

/** The schedule's next fire (skip dates applied) strictly after `from`, if any within lib/schedule's horizon. */
export function nextFireAfter(schedule: ScheduleConfig, from: Date): Date | undefined {
  return nextFires(schedule, from, 1)[0]?.fireTime;
}

/**
 * The deadline of a run that starts at `nowMs` for the fire at `fireTime`: {@link DEFAULT_RUN_DEADLINE_MS}
 * from now, or the schedule's next fire when that comes sooner, so that one run never eats into the next.
 */
export function runDeadlineAtMs(schedule: ScheduleConfig, fireTime: Date, nowMs: number): number {
  const next = nextFireAfter(schedule, fireTime);
  const untilNextMs = next === undefined ? Number.POSITIVE_INFINITY : next.getTime() - nowMs;
  return nowMs + Math.max(0, Math.min(DEFAULT_RUN_DEADLINE_MS, untilNextMs));
}
