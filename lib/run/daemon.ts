/**
 * The self-hosted daemon: registers every cron of every schedule with the scheduler (node-cron in production)
 * in the schedule's time zone, runs a schedule with its scheduled fire time when it fires, never runs one
 * schedule twice at once, and on stop waits for the runs in flight. Which instant is a fire, and whether a
 * skip date suppresses it, is lib/schedule's decision (see daemon-fires.ts), so the daemon and the handler
 * agree on every day, daylight-saving days included.
 */
import type { Config, ScheduleConfig } from '../config/types.js';
import { LightsOutError } from '../errors.js';
import type { Fire } from '../schedule/types.js';
import { fireAt, nearOffsetChange, nextFireAfter, runDeadlineAtMs } from './daemon-fires.js';
import { type NotifyDeps, runAndNotify } from './notify.js';
import type { RunDeps } from './run.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';

/** Runs one fire of one schedule; a rejection is logged and the daemon goes on. */
export type RunSchedule = (fire: Fire, options: { deadlineAtMs: number }) => Promise<unknown>;

/** What the daemon needs. */
export interface DaemonDeps extends RunDeps, NotifyDeps {
  scheduler: Scheduler;
  /** Time for a run's notifications after it ends. @default 10000 */
  notifyBudgetMs?: number;
  /**
   * Runs a fire. @default runAndNotify(config, { schedule, at: fireTime, deadlineAtMs }, deps): skip dates are
   * not checked again, the daemon already did; the run's notifications follow it.
   */
  runSchedule?: RunSchedule;
  /** Called once on stop, after the last run ended (the CLI closes its client pool here). */
  close?: () => Promise<void>;
}

/** A started daemon. */
export interface Daemon {
  /**
   * Stops every job at once (no new runs), waits for the runs in flight, calls `close`, logs `daemon.stopped`.
   * Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/** One schedule's jobs and where it stands. */
interface Slot {
  schedule: ScheduleConfig;
  jobs: ScheduledJob[];
  alarm: ScheduledJob | undefined;
  /** The latest fire handled (run, skipped or refused for overlap): fires up to it are never handled again. */
  handledUntilMs: number;
  running: { fireTime: Date; done: Promise<void> } | undefined;
}

/** The daemon's state, shared by the functions below. */
interface State {
  deps: DaemonDeps;
  runSchedule: RunSchedule;
  slots: Slot[];
  stopping: Promise<void> | undefined;
}

const iso = (date: Date) => date.toISOString();

/**
 * Starts the daemon: registers every cron, sets alarms for fires near a daylight-saving change, and logs
 * `daemon.started` with each schedule's crons, time zone and next fire. Fires at or before the start are not
 * run. Throws, with nothing left registered, when the scheduler refuses an expression.
 *
 * @example
 * const daemon = startDaemon(config, { ...pool, ...systemClock, logger, scheduler: createCronScheduler({ logger }) });
 * signal.addEventListener('abort', () => void daemon.stop());
 */
export function startDaemon(config: Config, deps: DaemonDeps): Daemon {
  const startMs = deps.nowMs();
  const state: State = {
    deps,
    runSchedule:
      deps.runSchedule ??
      ((fire, { deadlineAtMs }) =>
        runAndNotify(
          config,
          {
            schedule: fire.schedule,
            at: fire.fireTime,
            deadlineAtMs,
            ...(deps.notifyBudgetMs !== undefined && { notify: { budgetMs: deps.notifyBudgetMs } }),
          },
          deps,
        )),
    slots: config.schedules.map((schedule) => ({
      schedule,
      jobs: [],
      alarm: undefined,
      handledUntilMs: startMs,
      running: undefined,
    })),
    stopping: undefined,
  };
  try {
    for (const slot of state.slots) {
      for (const expression of slot.schedule.stop) {
        slot.jobs.push(
          deps.scheduler.register(expression, slot.schedule.timezone, (at) => wake(state, slot, at)),
        );
      }
      armAlarm(state, slot, startMs);
    }
  } catch (error) {
    stopJobs(state);
    throw error;
  }
  deps.logger.info(
    {
      event: 'daemon.started',
      config: config.file,
      regions: config.regions,
      schedules: state.slots.map(({ schedule }) => ({
        name: schedule.name,
        stop: schedule.stop,
        timezone: schedule.timezone,
        skipDates: schedule.skipDates,
        nextFire: nextFireAfter(schedule, new Date(startMs))?.toISOString() ?? null,
      })),
    },
    `daemon started: ${state.slots.length} schedule(s) from ${config.file}`,
  );
  return {
    stop() {
      state.stopping ??= stopDaemon(state);
      return state.stopping;
    },
  };
}

/** What a wake-up of one schedule at `at` leads to: nothing, a skip, an overlap refusal, or a run. */
function wake(state: State, slot: Slot, at: Date): void {
  if (state.stopping) return;
  const { logger } = state.deps;
  const name = slot.schedule.name;
  const fire = fireAt(slot.schedule, at, slot.handledUntilMs);
  if (fire === undefined) {
    logger.debug(
      { event: 'schedule.tick-ignored', schedule: name, tickAt: iso(at) },
      `${name}: no fire at ${iso(at)}`,
    );
    return;
  }
  slot.handledUntilMs = fire.fireTime.getTime();
  armAlarm(state, slot, slot.handledUntilMs);
  const fireTime = iso(fire.fireTime);
  if (fire.skipped) {
    logger.info(
      { event: 'schedule.skipped', schedule: name, fireTime, reason: 'skip-date', localDate: fire.localDate },
      `${name}: not run at ${fireTime}, ${fire.localDate} is a skip date`,
    );
  } else if (slot.running) {
    const runningFireTime = iso(slot.running.fireTime);
    logger.warn(
      { event: 'schedule.overlap-skipped', schedule: name, fireTime, runningFireTime },
      `${name}: not run at ${fireTime}, the run of ${runningFireTime} is still going`,
    );
  } else {
    startRun(state, slot, { schedule: name, fireTime: fire.fireTime });
  }
}

/**
 * node-cron wakes the daemon at its own reading of each cron; only fires that daylight saving moves or doubles
 * need more: an alarm at lib/schedule's instant. One alarm per schedule, for its next fire, set again after
 * every fire handled.
 */
function armAlarm(state: State, slot: Slot, fromMs: number): void {
  slot.alarm?.stop();
  slot.alarm = undefined;
  const next = nextFireAfter(slot.schedule, new Date(fromMs));
  if (next !== undefined && nearOffsetChange(next, slot.schedule.timezone)) {
    slot.alarm = state.deps.scheduler.at(next, (at) => wake(state, slot, at));
  }
}

/** Starts a run in the background; its failure is logged, and the slot is free again when it ends. */
function startRun(state: State, slot: Slot, fire: Fire): void {
  const { logger, nowMs } = state.deps;
  const fireTime = iso(fire.fireTime);
  const deadlineAtMs = runDeadlineAtMs(slot.schedule, fire.fireTime, nowMs());
  logger.info(
    { event: 'schedule.fired', schedule: fire.schedule, fireTime, deadlineAt: iso(new Date(deadlineAtMs)) },
    `${fire.schedule} fired at ${fireTime}`,
  );
  const running = { fireTime: fire.fireTime, done: Promise.resolve() };
  slot.running = running;
  running.done = (async () => {
    try {
      await state.runSchedule(fire, { deadlineAtMs });
    } catch (error) {
      const errorCode = error instanceof LightsOutError ? error.code : 'UnexpectedError';
      logger.error(
        { event: 'schedule.run-failed', schedule: fire.schedule, fireTime, errorCode, err: error },
        `${fire.schedule}: the run of ${fireTime} failed (${errorCode}); the daemon keeps going`,
      );
    } finally {
      // A run that throws before its first await ends before `slot.running` could be compared: hence the check.
      if (slot.running === running) slot.running = undefined;
    }
  })();
}

function stopJobs(state: State): void {
  for (const slot of state.slots) {
    for (const job of slot.jobs.splice(0)) job.stop();
    slot.alarm?.stop();
    slot.alarm = undefined;
  }
}

async function stopDaemon(state: State): Promise<void> {
  const { logger } = state.deps;
  stopJobs(state);
  const runs = state.slots.flatMap((slot) =>
    slot.running ? [{ schedule: slot.schedule.name, ...slot.running }] : [],
  );
  logger.info(
    {
      event: 'daemon.stopping',
      inFlight: runs.map((run) => ({ schedule: run.schedule, fireTime: iso(run.fireTime) })),
    },
    `daemon stopping: waiting for ${runs.length} run(s) in flight`,
  );
  await Promise.all(runs.map((run) => run.done));
  await state.deps.close?.();
  logger.info({ event: 'daemon.stopped' }, 'daemon stopped');
}
