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
import { buildPlan, Planner } from '../plan/index.js';
import type { ExecuteOptions, InstanceOutcome, RunSummary } from '../stop/index.js';
import {
  buildSummary,
  createRunStats,
  executePlan,
  laneSource,
  logSummary,
  type RunStats,
  StopSession,
} from '../stop/index.js';
import type { Instance } from '../volc/index.js';
import { type FireRequest, firesFor, inlineWindowFor } from './fires.js';
import {
  firstFailure,
  type ListDeps,
  listTaggedInstances,
  type OpenedListing,
  openListings,
} from './list.js';
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
 *
 * Listing overlaps stopping when the guard allows it: once every region's first pages are read (its region
 * check passed), a run whose first pages announce (`TotalCount`, summed over regions and listings) no more
 * instances than `guard.maxInstancesPerRun`, or a forced run, plans each page as it comes and feeds its stops
 * and starts to the region's pipeline while later pages are read; the first page's count then binds each
 * listing (more instances fail it with `InvalidResponse`), which keeps the guard exact. Otherwise (and in a
 * dry run) every region is listed first, the guard is checked on the whole plan, and then every region
 * starts at once. Either way each region then proceeds at its own pace.
 *
 * When listing fails before stopping started no instance can be named: the run logs a summary with the
 * error and throws. When a region's listing fails while stops are under way, every region still carries out
 * what it had planned (the failed region included: the instances it had listed), the other regions finish
 * their listing and work, and the run then logs the summary (at level error, with the error's code) and
 * throws the first failure in configuration order.
 *
 * @example
 * const { summary } = await runOnce(config, { at: new Date(event.time) }, deps);
 */
export async function runOnce(config: Config, options: RunOptions, deps: RunDeps): Promise<RunResult> {
  const startedAtMs = deps.nowMs();
  const deadlineAtMs = options.deadlineAtMs ?? startedAtMs + DEFAULT_RUN_DEADLINE_MS;
  const stats = createRunStats();
  const dryRun = options.dryRun ?? false;
  const force = options.force ?? false;
  const fires = firesFor(config, options);
  const window = inlineWindowFor(config, options);
  const listing = { named: fires.length > 0, inline: window !== undefined };
  const planner = new Planner({
    config,
    fires,
    now: options.at,
    ...(window !== undefined && { window }),
  });
  const executeDeps = {
    clientFor: deps.clientFor,
    nowMs: deps.nowMs,
    sleep: deps.sleep,
    random: deps.random,
    logger: deps.logger,
  };
  // One set of lanes for the listing and the executor: the executor's status look-ups and verification spend
  // the DescribeInstances quota the listing spends (while it still reads, when they overlap), through its limiter.
  const lanes = laneSource(
    { retry: config.retry, rateLimit: config.rateLimit, deadlineAtMs },
    { nowMs: deps.nowMs, sleep: deps.sleep, random: deps.random },
    stats,
  );
  const executeOptions: ExecuteOptions = {
    dryRun,
    force,
    tagKey: config.tagKey,
    deadlineAtMs,
    retry: config.retry,
    rateLimit: config.rateLimit,
    verify: config.verify,
    stats,
    lanes,
    ...(options.batchFillMs === undefined ? {} : { batchFillMs: options.batchFillMs }),
  };
  let overlapped = false;
  let failure: { error: unknown } | undefined;
  let opened: OpenedListing[] = [];
  try {
    if (listing.named || listing.inline) {
      const context = { stats, deadlineAtMs, lanes };
      const binds = { value: false };
      opened = firstFailure(
        await openListings(config, deps, context, listing, { firstCountBinds: () => binds.value }),
      );
      overlapped = !dryRun && (force || withinGuard(opened, config.guard.maxInstancesPerRun));
      // A forced run has no guard to keep exact: its listings follow the reader's ordinary rules.
      binds.value = overlapped && !force;
    }
    if (!overlapped) {
      firstFailure(
        await Promise.allSettled(
          opened.map((o) => o.read((instances) => planner.add(pageOf(o.region, instances)))),
        ),
      );
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw listingFailed(config, options, deps, { stats, dryRun, startedAtMs, error });
  }
  let session: StopSession | undefined;
  if (overlapped) {
    const feeding = new StopSession(executeDeps, executeOptions);
    session = feeding;
    const read = await Promise.allSettled(
      opened.map(async (o) => {
        try {
          await o.read((instances) => feeding.add(planner.add(pageOf(o.region, instances))));
        } catch (error) {
          deps.logger.error(
            { event: 'listing.region-failed', region: o.region, errorCode: errorCodeOf(error), err: error },
            `listing region ${o.region} failed after stopping started; what it listed is still carried out`,
          );
          throw error;
        } finally {
          feeding.endRegion(o.region);
        }
      }),
    );
    const failed = read.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) failure = { error: failed.reason };
  }
  const plan = planner.plan();
  const result =
    session === undefined
      ? await executePlan(plan, executeDeps, executeOptions)
      : await session.finish(plan, { guardRefused: false });
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
    overlapped,
    durationMs: deps.nowMs() - startedAtMs,
  };
  if (failure !== undefined) {
    const { error } = failure;
    deps.logger.error(
      { ...summary, errorCode: errorCodeOf(error), err: error },
      'run failed: a listing failed after stopping started',
    );
    if (typeof error === 'object' && error !== null) {
      partialRuns.set(error, { plan, outcomes: result.outcomes, summary });
    }
    throw error;
  }
  logSummary(deps.logger, summary);
  return { plan, outcomes: result.outcomes, summary };
}

/** What runs that failed after stopping started had done, by the error they threw (see {@link partialRunOf}). */
const partialRuns = new WeakMap<object, RunResult>();

/**
 * The plan, outcomes and summary of a run that threw `error` after stopping started (a listing that failed
 * while stops were under way); undefined for any other error, when nothing was sent.
 */
export function partialRunOf(error: unknown): RunResult | undefined {
  return typeof error === 'object' && error !== null ? partialRuns.get(error) : undefined;
}

/** A page of `region` as the planner takes it. */
function pageOf(region: string, instances: readonly Instance[]): { region: string; instance: Instance }[] {
  return instances.map((instance) => ({ region, instance }));
}

/**
 * True when every region's first pages announced a `TotalCount` and their sum is within the guard: then no
 * run can stop and start more than the guard allows, however the pages are read (each is bound to its count).
 */
function withinGuard(opened: readonly OpenedListing[], maxInstancesPerRun: number): boolean {
  let sum = 0;
  for (const { announced } of opened) {
    if (announced === undefined) return false;
    sum += announced;
  }
  return sum <= maxInstancesPerRun;
}

/** Logs the summary of a run whose listing failed before anything was sent, and returns the error to throw. */
function listingFailed(
  config: Config,
  options: RunOptions,
  deps: RunDeps,
  run: { stats: RunStats; dryRun: boolean; startedAtMs: number; error: unknown },
): unknown {
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
      stats: run.stats,
      dryRun: run.dryRun,
      fallbacks: 0,
      capacityRefusals: 0,
      guardRefused: false,
      durationMs: 0,
      regions: config.regions,
    }),
    savings: computeSavings({ items: [], outcomes: [], prices: config.prices, nextStartAfter: () => null }),
    overlapped: false,
    durationMs: deps.nowMs() - run.startedAtMs,
  };
  const code = errorCodeOf(run.error);
  deps.logger.error({ ...summary, errorCode: code, err: run.error }, 'run failed: could not list instances');
  return run.error;
}
