/**
 * One run, end to end: fires → listing → plan → stops and starts → one `run.summary` line. One tick may hold
 * stop fires and start fires (of different schedules): one plan and one executor run carry both. The handler, the CLI, the
 * daemon and the demo all call {@link runOnce}; `plan` calls {@link planRun}. Clock, sleep, randomness, clients
 * and the logger are injected.
 */
import type { Config } from '../config/index.js';
import { errorCodeOf, UsageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Plan } from '../plan/index.js';
import { buildPlan } from '../plan/index.js';
import type { InstanceOutcome, RunSummary } from '../stop/index.js';
import { buildSummary, createRunStats, executePlan, logSummary, type RunStats } from '../stop/index.js';
import { type FireRequest, firesFor, inlineWindowFor } from './fires.js';
import { type ListDeps, listTaggedInstances } from './list.js';
import { computeSavings, type NextStartFn, nextStartFor } from './savings.js';

/** A run's deadline when the caller gives none (CLI, daemon): generous, but never unbounded. */
export const DEFAULT_RUN_DEADLINE_MS = 15 * 60_000;

/** Everything a run touches. */
export interface RunDeps extends ListDeps {
  logger: Logger;
  /** The next start of a schedule, for savings. @default nextStartFor(config) */
  nextStartAfter?: NextStartFn;
}

/** What to run. */
export interface RunOptions extends FireRequest {
  /** @default false */
  dryRun?: boolean;
  /** Stop and start even when the guard would refuse. @default false */
  force?: boolean;
  /** Absolute time on the `nowMs` clock after which nothing new is sent. @default now + 15 minutes */
  deadlineAtMs?: number;
  /** The stop pipeline's batch fill time, ms (the bench measures with and without). @default the executor's */
  batchFillMs?: number;
}

/** The result of a run. */
export interface RunResult {
  plan: Plan;
  outcomes: InstanceOutcome[];
  summary: RunSummary;
}

/**
 * The plan of a run request, without stopping anything. Lists instances only when some schedule fires.
 * The plan is evaluated at the request's `at` (snoozes, for example), so `plan --at` shows that moment.
 *
 * @example
 * const plan = await planRun(config, { at: new Date() }, deps);
 */
export async function planRun(
  config: Config,
  request: FireRequest,
  deps: ListDeps,
  context: { stats?: RunStats; deadlineAtMs?: number } = {},
): Promise<Plan> {
  const fires = firesFor(config, request);
  // Inline schedules fire in the tick window, like named ones; a run of one named schedule leaves them out.
  const window = inlineWindowFor(config, request);
  const listing = { named: fires.length > 0, inline: window !== undefined };
  const instances =
    !listing.named && !listing.inline
      ? []
      : await listTaggedInstances(
          config,
          deps,
          {
            stats: context.stats ?? createRunStats(),
            deadlineAtMs: context.deadlineAtMs ?? deps.nowMs() + DEFAULT_RUN_DEADLINE_MS,
          },
          listing,
        );
  return buildPlan({
    config,
    fires,
    instances,
    now: request.at,
    ...(window !== undefined && { window }),
  });
}

/**
 * Runs once: plans, stops, logs exactly one `instance.outcome` line per plan item and one `run.summary`.
 * When listing fails no instance can be named, so the run logs a summary with the error and throws.
 *
 * @example
 * const { summary } = await runOnce(config, { at: new Date(event.time) }, deps);
 */
export async function runOnce(config: Config, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const startedAtMs = deps.nowMs();
  const deadlineAtMs = options.deadlineAtMs ?? startedAtMs + DEFAULT_RUN_DEADLINE_MS;
  const stats = createRunStats();
  const dryRun = options.dryRun ?? false;
  let plan: Plan;
  try {
    plan = await planRun(config, options, deps, { stats, deadlineAtMs });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const emptyPlan: Plan = {
      fires: firesFor(config, options).map((f) => ({
        schedule: f.schedule,
        fireTime: f.fireTime.toISOString(),
        action: f.action,
      })),
      items: [],
      guard: { maxInstancesPerRun: config.guard.maxInstancesPerRun, stops: 0, starts: 0, exceeded: false },
    };
    const summary: RunSummary = {
      ...buildSummary({
        plan: emptyPlan,
        outcomes: [],
        stats,
        dryRun,
        fallbacks: 0,
        capacityRefusals: 0,
        guardRefused: false,
        durationMs: 0,
        regions: config.regions,
      }),
      savings: computeSavings({ items: [], outcomes: [], prices: config.prices, nextStartAfter: () => null }),
      durationMs: deps.nowMs() - startedAtMs,
    };
    const code = errorCodeOf(error);
    deps.logger.error({ ...summary, errorCode: code, err: error }, 'run failed: could not list instances');
    throw error;
  }
  const result = await executePlan(
    plan,
    {
      clientFor: deps.clientFor,
      nowMs: deps.nowMs,
      sleep: deps.sleep,
      random: deps.random,
      logger: deps.logger,
    },
    {
      dryRun,
      force: options.force ?? false,
      tagKey: config.tagKey,
      deadlineAtMs,
      retry: config.retry,
      rateLimit: config.rateLimit,
      verify: config.verify,
      stats,
      ...(options.batchFillMs === undefined ? {} : { batchFillMs: options.batchFillMs }),
    },
  );
  const savings = computeSavings({
    items: plan.items,
    outcomes: result.outcomes,
    prices: config.prices,
    nextStartAfter: deps.nextStartAfter ?? nextStartFor(config),
  });
  const summary: RunSummary = {
    ...result.summary,
    regions: config.regions,
    savings,
    durationMs: deps.nowMs() - startedAtMs,
  };
  logSummary(deps.logger, summary);
  return { plan, outcomes: result.outcomes, summary };
}
