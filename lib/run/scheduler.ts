/**
 * The daemon's wake-ups: a node-cron job per cron expression in a time zone, and one-shot alarms. The daemon
 * takes a {@link Scheduler} rather than node-cron itself, so tests drive it with a fake and never wait for time.
 */
import {
  type Logger as CronLogger,
  schedule as cronSchedule,
  type ScheduledTask,
  type TaskContext,
  type TaskOptions,
} from 'node-cron';
import type { Logger } from '../logger.js';

/** Calls back with the instant the job was due (not the instant the callback runs). */
export type OnTick = (scheduledAt: Date) => void;

/** A registered wake-up; `stop` ends it for good. */
export interface ScheduledJob {
  stop(): void;
}

/** Where the daemon's wake-ups come from. */
export interface Scheduler {
  /** Wakes at every instant node-cron's reading of `expression` in `timeZone` is due. */
  register(expression: string, timeZone: string, onTick: OnTick): ScheduledJob;
  /** Wakes once, at `instant` (at once when it has passed). */
  at(instant: Date, onTick: OnTick): ScheduledJob;
}

/** The part of a node-cron task the adapter uses. */
export type CronTask = Pick<ScheduledTask, 'destroy' | 'on'>;

/** Creates a started node-cron task (node-cron's `schedule`). */
export type CronScheduleFn = (
  expression: string,
  task: (context: TaskContext) => void,
  options: TaskOptions,
) => CronTask;

/** A cancellable timer. */
export type SetTimer = (callback: () => void, delayMs: number) => { clear(): void };

/** Dependencies of {@link createCronScheduler}. */
export interface CronSchedulerDeps {
  /** @default node-cron's `schedule` */
  schedule?: CronScheduleFn;
  /** Where node-cron's own messages go; without it node-cron prints coloured text to the console. */
  logger?: Logger;
  /** The clock of alarms. @default Date.now */
  nowMs?: () => number;
  /** The timer of alarms. @default setTimeout / clearTimeout */
  setTimer?: SetTimer;
}

/**
 * How late (event loop blocked, machine suspended) node-cron may still run a due job; later, it reports the
 * slot as missed instead. node-cron's default of one second would drop a fire on a single long garbage
 * collection; half a minute stays below the one-minute spacing of cron slots.
 */
export const MISSED_EXECUTION_TOLERANCE_MS = 30_000;

/** setTimeout's largest delay; longer alarms wait in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const realTimer: SetTimer = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  return { clear: () => clearTimeout(timer) };
};

/** node-cron's logger interface over pino: its messages become JSON lines like every other. */
function cronLogger(logger: Logger): CronLogger {
  const split = (message: string | Error, err?: Error) =>
    message instanceof Error ? { err: message, msg: message.message } : { err, msg: message };
  return {
    info: (message) => logger.debug({ event: 'cron.info' }, message),
    warn: (message) => logger.warn({ event: 'cron.warn' }, message),
    error: (message, err) => {
      const line = split(message, err);
      logger.error({ event: 'cron.error', err: line.err }, line.msg);
    },
    debug: (message, err) => {
      const line = split(message, err);
      logger.debug({ event: 'cron.debug', err: line.err }, line.msg);
    },
  };
}

/**
 * The production scheduler over node-cron 4. Each job calls back with node-cron's `context.date`, the slot it
 * was due at, so a callback that runs a little late still names the scheduled minute. The callback returns at
 * once (the daemon tracks its runs itself), so node-cron's per-task `noOverlap` has nothing to guard: the
 * daemon's own rule covers every cron of a schedule together.
 *
 * @example
 * const scheduler = createCronScheduler({ logger });
 * const job = scheduler.register('0 22 * * 1-5', 'Asia/Shanghai', (at) => console.log(at.toISOString()));
 * job.stop();
 */
export function createCronScheduler(deps: CronSchedulerDeps = {}): Scheduler {
  const schedule: CronScheduleFn = deps.schedule ?? cronSchedule;
  const nowMs = deps.nowMs ?? Date.now;
  const setTimer = deps.setTimer ?? realTimer;
  const logger = deps.logger;
  return {
    register(expression, timeZone, onTick) {
      const task = schedule(expression, (context) => onTick(context.date), {
        timezone: timeZone,
        name: `lights-out ${expression} ${timeZone}`,
        missedExecutionTolerance: MISSED_EXECUTION_TOLERANCE_MS,
        ...(logger ? { logger: cronLogger(logger) } : {}),
      });
      if (logger) {
        task.on('execution:missed', (context) => {
          logger.warn(
            {
              event: 'cron.missed',
              cron: expression,
              timezone: timeZone,
              scheduledAt: context.date.toISOString(),
            },
            `missed the ${context.date.toISOString()} slot of '${expression}': the process was blocked or suspended`,
          );
        });
      }
      // destroy, not stop: it also drops the task from node-cron's global registry.
      return { stop: () => void task.destroy() };
    },
    at(instant, onTick) {
      const targetMs = instant.getTime();
      let timer: { clear(): void } | undefined;
      const check = () => {
        const leftMs = targetMs - nowMs();
        if (leftMs > 0) timer = setTimer(check, Math.min(leftMs, MAX_TIMER_MS));
        else onTick(instant);
      };
      // Always through the timer, even when due: the caller holds the job before its callback runs.
      timer = setTimer(check, Math.min(Math.max(targetMs - nowMs(), 0), MAX_TIMER_MS));
      return { stop: () => timer?.clear() };
    },
  };
}
