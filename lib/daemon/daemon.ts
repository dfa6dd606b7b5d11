/**
 * The self-hosted daemon wakes like the cloud timer: one node-cron task on the tick grid, in UTC, and each
 * tick runs what the handler runs for it ({@link runAndNotify} over the tick window: the run, then its
 * notifications), so the daemon and the cloud agree on every fire, daylight-saving days included, because
 * lib/schedule alone decides them.
 *
 * Runs never overlap. A tick that comes while a run is going is not lost: when the run ends, the next run's
 * window starts where the last completed one ended, so the fires of the ticks in between run once, late.
 */
import type { Config } from '../config/index.js';
import { errorCodeOf, UsageError } from '../errors.js';
import { inlineWindowFor, type NotifyDeps, type RunDeps, runAndNotify } from '../run/index.js';
import { dueFires, nextFires, tickCrontab, tickProblem, tickWindow } from '../schedule/index.js';
import type { Ticker, TickJob } from './ticker.js';

/** The window one daemon run covers: `(since, at]`, where `at` is a tick. */
export interface TickRun {
  since: Date;
  at: Date;
}

/** Runs one window; a rejection is logged and the daemon goes on. */
export type RunTick = (run: TickRun) => Promise<unknown>;

/** What the daemon needs. */
export interface DaemonDeps extends RunDeps, NotifyDeps {
  ticker: Ticker;
  /** Time for each run's notifications, after the run. @default 10000 (lib/run's DEFAULT_NOTIFY_BUDGET_MS) */
  notifyBudgetMs?: number;
  /**
   * Runs a window. @default runAndNotify(config, { at, since }, deps), what the handler runs for the tick
   * `at`: the run, then its notifications (one message per target and run)
   */
  runTick?: RunTick;
  /** Called once on stop, after the last run ended (the CLI closes its client pool here). */
  close?: () => Promise<void>;
}

/** A started daemon. */
export interface Daemon {
  /**
   * Stops the ticks (no new runs), waits for the run in flight, calls `close`, logs `daemon.stopped`.
   * Calling it again returns the same promise.
   */
  stop(): Promise<void>;
}

/** The daemon's state, shared by the functions below. */
interface State {
  config: Config;
  deps: DaemonDeps;
  runTick: RunTick;
  job: TickJob | undefined;
  /** Fires up to here were run (or had none): the next run's window starts here. */
  doneUntilMs: number;
  /** The latest tick seen: fires up to here are due. */
  dueUntilMs: number;
  running: { window: TickRun; done: Promise<void> } | undefined;
  stopping: Promise<void> | undefined;
}

const iso = (date: Date) => date.toISOString();

/**
 * Starts the daemon: one node-cron task on the tick's UTC cron, and `daemon.started` with the tick and each
 * schedule's next fire and the tick that runs it. Fires in the tick the daemon starts in run at that tick's
 * end, as the cloud timer would run them; earlier fires are not run.
 *
 * @throws UsageError when the tick is not one a timer can express (before anything is started).
 * @example
 * const daemon = startDaemon(config, { ...pool, ...systemClock, logger, ticker: createCronTicker({ logger }) });
 * signal.addEventListener('abort', () => void daemon.stop());
 */
export function startDaemon(config: Config, deps: DaemonDeps): Daemon {
  // The config refuses such ticks already; a Config built by hand must not reach node-cron either.
  const problem = tickProblem(config.tickMs);
  if (problem !== undefined) throw new UsageError(problem);
  const cron = tickCrontab(config.tickMs);
  const startMs = deps.nowMs();
  const gridMs = tickWindow(new Date(startMs), config.tickMs).end.getTime();
  const state: State = {
    config,
    deps,
    runTick: deps.runTick ?? defaultRunTick(config, deps),
    job: undefined,
    doneUntilMs: gridMs,
    dueUntilMs: gridMs,
    running: undefined,
    stopping: undefined,
  };
  state.job = deps.ticker.start(cron, (at) => onTick(state, at));
  deps.logger.info(
    {
      event: 'daemon.started',
      config: config.file,
      regions: config.regions,
      tick: { ms: config.tickMs, cron, timezone: 'UTC' },
      schedules: config.schedules.map((schedule) => {
        const next = nextFires(schedule, new Date(startMs), 1)[0]?.fireTime;
        return {
          name: schedule.name,
          stop: schedule.stop,
          ...(schedule.start !== undefined && { start: schedule.start }),
          timezone: schedule.timezone,
          skipDates: schedule.skipDates,
          nextFire: next === undefined ? null : iso(next),
          nextRun: next === undefined ? null : iso(tickAtOrAfter(next, config.tickMs)),
        };
      }),
    },
    `daemon started: ${config.schedules.length} schedule(s) from ${config.file}, a tick every ${cron} (UTC)`,
  );
  return {
    stop() {
      state.stopping ??= stopDaemon(state);
      return state.stopping;
    },
  };
}

/** What the handler runs for a tick: the run over the window, then its notifications within the budget. */
function defaultRunTick(config: Config, deps: DaemonDeps): RunTick {
  const notify = deps.notifyBudgetMs === undefined ? {} : { notify: { budgetMs: deps.notifyBudgetMs } };
  return ({ at, since }) => runAndNotify(config, { at, since, ...notify }, deps);
}

/** The first tick at or after `instant`: the tick whose window holds it. */
function tickAtOrAfter(instant: Date, tickMs: number): Date {
  return new Date(Math.ceil(instant.getTime() / tickMs) * tickMs);
}

/** A tick at `at` (node-cron's slot, put on the grid): due now, run now or when the run in flight ends. */
function onTick(state: State, at: Date): void {
  if (state.stopping) return;
  const tickMs = tickWindow(at, state.config.tickMs).end.getTime();
  if (tickMs <= state.dueUntilMs) return; // a tick already seen
  state.dueUntilMs = tickMs;
  if (state.running) {
    const running = iso(state.running.window.at);
    state.deps.logger.warn(
      { event: 'tick.deferred', tick: iso(new Date(tickMs)), runningTick: running },
      `the run of the ${running} tick is still going: the fires up to ${iso(new Date(tickMs))} run when it ends`,
    );
    return;
  }
  next(state);
}

/** Starts the run of every fire due and not yet run, unless one is going or the daemon is stopping. */
function next(state: State): void {
  if (state.running || state.stopping || state.dueUntilMs <= state.doneUntilMs) return;
  const { logger } = state.deps;
  const window: TickRun = { since: new Date(state.doneUntilMs), at: new Date(state.dueUntilMs) };
  const tick = iso(window.at);
  const fires = dueFires(state.config, window.since, window.at);
  // Inline (tag) schedules have no fires to name before their instances are listed: a window that can hold
  // one is run like a window with a named fire, and runOnce plans them.
  const inline = inlineWindowFor(state.config, { at: window.at, since: window.since }) !== undefined;
  if (fires.length === 0 && !inline) {
    logger.debug({ event: 'tick.idle', tick, since: iso(window.since) }, `no fire up to ${tick}`);
    state.doneUntilMs = window.at.getTime();
    return;
  }
  for (const fire of fires) {
    const fireTime = iso(fire.fireTime);
    logger.info(
      { event: 'schedule.fired', schedule: fire.schedule, fireTime, action: fire.action, tick },
      `${fire.schedule} fired at ${fireTime} (${fire.action}), run at the ${tick} tick`,
    );
  }
  const running = { window, done: Promise.resolve() };
  state.running = running;
  running.done = (async () => {
    try {
      await state.runTick(window);
    } catch (error) {
      const errorCode = errorCodeOf(error);
      logger.error(
        { event: 'tick.run-failed', tick, since: iso(window.since), errorCode, err: error },
        `the run of the ${tick} tick failed (${errorCode}); its fires are not run again, the daemon keeps going`,
      );
    } finally {
      state.doneUntilMs = window.at.getTime();
      state.running = undefined;
    }
    next(state);
  })();
}

async function stopDaemon(state: State): Promise<void> {
  const { logger } = state.deps;
  state.job?.stop();
  state.job = undefined;
  const running = state.running;
  const inFlight = running ? [{ tick: iso(running.window.at), since: iso(running.window.since) }] : [];
  logger.info(
    { event: 'daemon.stopping', inFlight },
    `daemon stopping: waiting for ${inFlight.length} run(s) in flight`,
  );
  await running?.done;
  await state.deps.close?.();
  logger.info({ event: 'daemon.stopped' }, 'daemon stopped');
}
