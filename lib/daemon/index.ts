/**
 * lib/daemon: the self-hosted process. One node-cron task on the tick's UTC cron wakes it, and each tick runs
 * what the cloud handler runs for it (lib/run's runOnce), one run at a time, catching up ticks that came
 * during a run.
 */
export { type Daemon, type DaemonDeps, type RunTick, startDaemon, type TickRun } from './daemon.js';
export {
  type CronScheduleFn,
  type CronTask,
  type CronTickerDeps,
  createCronTicker,
  MISSED_EXECUTION_TOLERANCE_MS,
  type OnTick,
  type Ticker,
  type TickJob,
} from './ticker.js';
