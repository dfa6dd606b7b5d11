/**
 * The daemon's one wake-up source: a node-cron task on the tick's UTC cron. The daemon takes a {@link Ticker}
 * rather than node-cron itself, so tests fire the ticks by hand and never wait for time.
 */
import {
  type Logger as CronLogger,
  schedule as cronSchedule,
  type ScheduledTask,
  type TaskContext,
  type TaskOptions,
} from 'node-cron';
import type { Logger } from '../logger.js';

/** Called with the instant the tick was due (not the instant the callback runs). */
export type OnTick = (scheduledAt: Date) => void;

/** A started wake-up; `stop` ends it for good. */
export interface TickJob {
  stop(): void;
}

/** Where the daemon's ticks come from. */
export interface Ticker {
  /** Wakes at every instant the 5-field `cron` is due on the UTC clock. */
  start(cron: string, onTick: OnTick): TickJob;
}

/** The part of a node-cron task the adapter uses. */
export type CronTask = Pick<ScheduledTask, 'destroy' | 'on'>;

/** Creates a started node-cron task (node-cron's `schedule`). */
export type CronScheduleFn = (
  expression: string,
  task: (context: TaskContext) => void,
  options: TaskOptions,
) => CronTask;

/** Dependencies of {@link createCronTicker}. */
export interface CronTickerDeps {
  /** @default node-cron's `schedule` */
  schedule?: CronScheduleFn;
  /** Where node-cron's own messages go; without it node-cron prints coloured text to the console. */
  logger?: Logger;
}

/**
 * How late (event loop blocked, machine suspended) node-cron may still run a due tick; later, it reports the
 * tick as missed instead. Nothing is lost either way: the next tick's run starts where the last one ended.
 */
export const MISSED_EXECUTION_TOLERANCE_MS = 30_000;

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
 * The production ticker over node-cron 4, in UTC, so no daylight-saving case ever reaches the wake-up: lib/schedule
 * alone decides which fires a tick covers. Each tick calls back with node-cron's `context.date`, the slot it
 * was due at. The callback returns at once (the daemon tracks its runs itself).
 *
 * @example
 * const job = createCronTicker({ logger }).start('*\/5 * * * *', (at) => console.log(at.toISOString()));
 * job.stop();
 */
export function createCronTicker(deps: CronTickerDeps = {}): Ticker {
  const schedule: CronScheduleFn = deps.schedule ?? cronSchedule;
  const logger = deps.logger;
  return {
    start(cron, onTick) {
      const task = schedule(cron, (context) => onTick(context.date), {
        timezone: 'UTC',
        name: `lights-out tick ${cron}`,
        missedExecutionTolerance: MISSED_EXECUTION_TOLERANCE_MS,
        ...(logger ? { logger: cronLogger(logger) } : {}),
      });
      if (logger) {
        task.on('execution:missed', (context) => {
          const at = context.date.toISOString();
          logger.warn(
            { event: 'cron.missed', cron, scheduledAt: at },
            `missed the ${at} tick: the process was blocked or suspended; the next tick catches up`,
          );
        });
      }
      // destroy, not stop: it also drops the task from node-cron's global registry.
      return { stop: () => void task.destroy() };
    },
  };
}
