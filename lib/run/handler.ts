/**
 * The stop function's logic, apart from the cloud wiring: one invocation turns an event into one run. The
 * entry point (functions/stop.ts) builds the logger, the configuration promise and the client pool once per
 * container and hands them here, so tests drive the same code against the emulator with a captured logger.
 */
import type { Context } from 'aws-lambda';
import type { Config } from '../config/index.js';
import { ErrorCode, errorCodeOf, LightsOutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { formatTick, OFF_GRID_TOLERANCE_MS, offTickGridMs } from '../schedule/index.js';
import type { RunSummary } from '../stop/index.js';
import type { ClientPool } from './clients.js';
import { EventSource, parseStopEvent, type RunRequest, type StopEvent } from './event.js';
import { runTick } from './fires.js';
import { DEFAULT_NOTIFY_BUDGET_MS, millisecondsFromEnv, type NotifyDeps, runAndNotify } from './notify.js';

/** The environment variable that overrides {@link DEFAULT_DEADLINE_MARGIN_MS}. */
export const DEADLINE_MARGIN_ENV = 'LIGHTS_OUT_DEADLINE_MARGIN_MS';

/**
 * Time kept back from the invocation's remaining time: enough to log every outcome and the summary and to
 * return before the platform kills the invocation, which would lose those lines. No request starts after the
 * deadline, but one started just before it may run for the client's whole timeout (10 s), so the margin is
 * that plus room to log.
 */
export const DEFAULT_DEADLINE_MARGIN_MS = 15_000;

/** The largest margin accepted: the longest a Lambda invocation can last (15 minutes). */
export const MAX_DEADLINE_MARGIN_MS = 15 * 60_000;

/**
 * The invocation failed because at least one instance did. Thrown after every outcome and the summary were
 * logged, so that the platform's error metrics and retries see it; a retry is safe because it sends the same
 * ClientTokens.
 */
export class RunFailedError extends LightsOutError {
  /** The run's summary, as logged. */
  readonly summary: RunSummary;

  constructor(summary: RunSummary) {
    const total = Object.values(summary.outcomes).reduce((sum, n) => sum + n, 0);
    const guard = summary.guardRefused ? ' (the guard refused the run)' : '';
    super(
      ErrorCode.RunFailed,
      `${summary.outcomes.failed} of ${total} instance(s) failed${guard}; see the instance.outcome log lines`,
    );
    this.name = 'RunFailedError';
    this.summary = summary;
  }
}

/**
 * Reads the deadline margin from `LIGHTS_OUT_DEADLINE_MARGIN_MS`.
 *
 * @throws UsageError naming the variable when it is not a whole number of milliseconds in 0..900000.
 * @example
 * deadlineMarginFromEnv({ LIGHTS_OUT_DEADLINE_MARGIN_MS: '5000' }); // 5000
 */
export function deadlineMarginFromEnv(env: NodeJS.ProcessEnv): number {
  return millisecondsFromEnv(env, DEADLINE_MARGIN_ENV, DEFAULT_DEADLINE_MARGIN_MS, MAX_DEADLINE_MARGIN_MS);
}

/**
 * Loads something once and keeps the promise, so every invocation of a container gets the same value or the
 * same error. Loading starts at once, during the container's init, before the first invocation waits for it.
 *
 * @example
 * const config = loadOnce(() => loadConfig('schedules/lights-out.yaml'));
 * await config(); // the same Config (or the same ConfigError) on every call
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  const promise = load();
  // Nobody awaits it until the first invocation; without this, a failure would crash the process first.
  promise.catch(() => {});
  return () => promise;
}

/** What the stop handler is built from; each is made once per container. */
export interface StopHandlerDeps {
  /** The configuration; a rejection (a ConfigError) fails the invocation before anything is listed. */
  config(): Promise<Config>;
  /** Builds the clients; called on the first invocation that gets this far, and kept once built. */
  clients(config: Config): ClientPool;
  logger: Logger;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  /** Kept back from the remaining time. @default 15000 ({@link DEFAULT_DEADLINE_MARGIN_MS}) */
  deadlineMarginMs?: number;
  /**
   * Kept back from the run's deadline for notifications, when the configuration has `notify:` targets.
   * @default 10000 ({@link DEFAULT_NOTIFY_BUDGET_MS})
   */
  notifyBudgetMs?: number;
  /** Where notification targets read their URL and secret variables. @default {} */
  env?: NotifyDeps['env'];
  /** The notifications' HTTP dispatcher. @default one made and destroyed per invocation */
  notifyDispatcher?: NotifyDeps['dispatcher'];
}

/** The part of the invocation context read: veFaaS and manual callers may pass less, or nothing. */
export type StopContext = Partial<Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>>;

/** The handler: resolves with the summary, rejects with RunFailedError (or the error that stopped the run). */
export type StopHandler = (event: StopEvent, context?: StopContext) => Promise<RunSummary>;

/** The run's deadline on the `nowMs` clock; none (the run's default) when the context has no remaining time. */
function deadlineAt(context: StopContext | undefined, startMs: number, marginMs: number): number | undefined {
  const remainingMs = context?.getRemainingTimeInMillis?.();
  if (typeof remainingMs !== 'number' || !Number.isFinite(remainingMs)) return undefined;
  return startMs + remainingMs - marginMs;
}

/**
 * Warns when a timer's event is off the tick grid: the timer is not the configuration's tick (a `rate(...)`
 * rule, a hand-typed crontab), so fires run late or are missed. The handler remembers nothing between
 * invocations; one event's time is enough to show a mis-set timer on its first run.
 */
function warnOffGrid(log: Logger, config: Config, request: RunRequest): void {
  const timer = request.source === EventSource.FaasTimer || request.source === EventSource.EventBridge;
  if (!timer || request.schedule !== undefined) return;
  const offMs = offTickGridMs(request.at, config.tickMs);
  if (offMs <= OFF_GRID_TOLERANCE_MS) return;
  const tick = formatTick(config.tickMs);
  log.warn(
    { event: 'timer.off-grid', tick, eventTime: request.at.toISOString(), offGridMs: offMs },
    `the timer event at ${request.at.toISOString()} is ${Math.round(offMs / 1000)} s off the grid of tick ${tick}: ` +
      `the timer does not fire on the tick (use the crontab lights-out deploy derives from tick ${tick})`,
  );
}

/**
 * Creates the stop handler. An unreadable event or an invalid configuration rejects before anything is listed;
 * otherwise the run plans, stops and logs one outcome per instance, and the handler rejects when any failed.
 *
 * @example
 * export const handler: Handler<StopEvent, RunSummary> = createStopHandler({
 *   config: loadOnce(() => loadConfig(file)), clients: (c) => createClientPool(c, { env }), logger, ...systemClock,
 * });
 */
export function createStopHandler(deps: StopHandlerDeps): StopHandler {
  const marginMs = deps.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
  const budgetMs = deps.notifyBudgetMs ?? DEFAULT_NOTIFY_BUDGET_MS;
  let pool: ClientPool | undefined;
  return async (event, context) => {
    const startMs = deps.nowMs();
    const invocation = context?.awsRequestId === undefined ? {} : { requestId: context.awsRequestId };
    const log = deps.logger.child(invocation);
    try {
      const request = parseStopEvent(event, new Date(startMs));
      const config = await deps.config();
      log.info(
        {
          event: 'invocation.start',
          source: request.source,
          tick: runTick(config, request),
          ...(request.schedule === undefined ? {} : { schedule: request.schedule }),
          ...(request.action === undefined ? {} : { action: request.action }),
          dryRun: request.dryRun,
          force: request.force,
        },
        `invocation from ${request.source}`,
      );
      warnOffGrid(log, config, request);
      pool ??= deps.clients(config);
      // With targets, the run ends `budgetMs` before the invocation's own deadline, which the notifications get.
      const endAtMs = deadlineAt(context, startMs, marginMs);
      const keptMs = (config.notify ?? []).length > 0 ? budgetMs : 0;
      const { summary } = await runAndNotify(
        config,
        {
          at: request.at,
          ...(request.schedule === undefined ? {} : { schedule: request.schedule }),
          ...(request.action === undefined ? {} : { action: request.action }),
          dryRun: request.dryRun,
          force: request.force,
          ...(endAtMs !== undefined && { deadlineAtMs: endAtMs - keptMs }),
          notify: { budgetMs, ...(endAtMs !== undefined && { deadlineAtMs: endAtMs }) },
        },
        {
          ...pool,
          nowMs: deps.nowMs,
          sleep: deps.sleep,
          random: deps.random,
          logger: log,
          ...(deps.env !== undefined && { env: deps.env }),
          ...(deps.notifyDispatcher !== undefined && { dispatcher: deps.notifyDispatcher }),
        },
      );
      if (summary.outcomes.failed > 0) throw new RunFailedError(summary);
      return summary;
    } catch (error) {
      // A failed run's summary is already logged; repeating it inside `err` would only double the line.
      const detail =
        error instanceof RunFailedError ? { failed: error.summary.outcomes.failed } : { err: error };
      log.error(
        { event: 'invocation.failed', errorCode: errorCodeOf(error), ...detail },
        'invocation failed',
      );
      throw error;
    }
  };
}
