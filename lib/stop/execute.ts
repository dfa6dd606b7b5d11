/**
 * The executor: turns a Plan into one outcome per item. Skips and dry runs need no call; the guard (which
 * counts stops and starts together) can refuse the whole run; otherwise each region's stops and starts run
 * concurrently through the same rounds (see region.ts), then the optional verification. Every plan item ends with exactly one outcome and one `instance.outcome` log line, whatever
 * happens: deadline, API failures, even a bug in a region's code.
 */
import { randomUUID } from 'node:crypto';
import type { RetrySettings, VerifySettings } from '../config/index.js';
import { DeadlineError, ErrorCode, errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { Decision, type Plan } from '../plan/index.js';
import { Action } from '../schedule/index.js';
import { type EcsApi, InstanceStatus } from '../volc/index.js';
import { newWork, type StopWork } from './batches.js';
import { createLane, type RegionContext, type RunState } from './context.js';
import { OutcomeLedger } from './ledger.js';
import { failAtDeadline, failWork, stopRegion } from './region.js';
import { countingEcsApi, createRunStats, type RunStats } from './stats.js';
import { buildSummary } from './summary.js';
import { type InstanceOutcome, Outcome, type RunSummary } from './types.js';
import { verifyStatus } from './verify.js';

/** What the executor talks to and how it tells time. */
export interface ExecuteDeps {
  /** The ECS client of a region (one request per method call). */
  clientFor(region: string): EcsApi;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), for backoff jitter. */
  random(): number;
  /** The run's child logger; the caller binds `{schedule, fireTime, region}` as it sees fit. */
  logger: Logger;
}

/** How to execute a plan. */
export interface ExecuteOptions {
  /**
   * Decide and log, but send no request: every stop and start item ends `dry-run`. The guard does not apply
   * (nothing is sent); the plan's `guard` tells whether a real run would be refused. @default false
   */
  dryRun?: boolean;
  /** Stop and start even when the plan exceeds the guard. @default false */
  force?: boolean;
  /** The configuration's tag key, named in advice (the stopped-mode tag). @default 'lights-out' */
  tagKey?: string;
  /** Absolute time on the `nowMs` clock after which nothing new is sent (in Lambda: remaining time minus a margin). */
  deadlineAtMs: number;
  retry: RetrySettings;
  /** Client-side request rate per region. */
  rateLimit: { qps: number; burst?: number };
  verify: VerifySettings;
  /** StopInstances batches (or DescribeInstances calls) in flight at once per region. @default 4 */
  concurrencyPerRegion?: number;
  /**
   * The most a re-batch with fewer than 100 ready IDs waits for more to join it, in ms (never more than one
   * request interval). Not a configuration key: the bench measures with and without. @default 50
   */
  batchFillMs?: number;
  /** Counters to add to, e.g. the ones the listing already used. @default new counters */
  stats?: RunStats;
  /**
   * Names this run in re-batch ClientTokens, so that another invocation of the same tick does not replay this
   * run's re-batches (see token.ts). @default a random UUID
   */
  runId?: string;
}

/** One outcome per plan item (in plan order) and the run's summary (not yet logged). */
export interface ExecuteResult {
  outcomes: InstanceOutcome[];
  summary: RunSummary;
}

/**
 * Executes `plan`. Never throws for API trouble: failures become `failed` outcomes.
 *
 * @example
 * const { summary } = await executePlan(plan, { clientFor, nowMs: Date.now, sleep, random: Math.random, logger },
 *   { deadlineAtMs: Date.now() + 60_000, retry: config.retry, rateLimit: config.rateLimit, verify: config.verify });
 * logSummary(logger, summary);
 */
export async function executePlan(
  plan: Plan,
  deps: ExecuteDeps,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const startedAtMs = deps.nowMs();
  const dryRun = options.dryRun ?? false;
  const run: RunState = {
    stats: options.stats ?? createRunStats(),
    fallbacks: 0,
    capacityRefusals: 0,
    warnedUnexpectedDetail: false,
    warnedMissingDetail: false,
    runId: options.runId ?? randomUUID(),
    tagKey: options.tagKey ?? 'lights-out',
  };
  const ledger = new OutcomeLedger(plan, deps.logger);
  const stops: StopWork[] = [];
  plan.items.forEach((item, index) => {
    if (item.decision === Decision.Stop || item.decision === Decision.Start) stops.push(newWork(item, index));
    else ledger.settle(index, { outcome: Outcome.Skipped, reason: item.reason });
  });
  const guardRefused = !dryRun && stops.length > 0 && plan.guard.exceeded && options.force !== true;
  let notVerified: string[] | undefined;
  let failure: unknown;
  if (dryRun) {
    for (const work of stops) {
      ledger.settle(work.index, { outcome: Outcome.DryRun, reason: work.item.reason });
    }
  } else if (guardRefused) {
    refuse(plan, ledger, stops);
  } else if (stops.length > 0) {
    try {
      const contexts = regionContexts(stops, deps, options, ledger, run);
      await Promise.all([...contexts].map(([ctx, works]) => stopRegionSafely(ctx, works)));
      if (options.verify.enabled) notVerified = await verifyAll(ledger, [...contexts.keys()], options.verify);
    } catch (error) {
      failure = error;
    }
  }
  settleLeftovers(ledger, deps.logger, failure);
  const outcomes = ledger.outcomes();
  const summary = buildSummary({
    plan,
    outcomes,
    stats: run.stats,
    dryRun,
    fallbacks: run.fallbacks,
    capacityRefusals: run.capacityRefusals,
    guardRefused,
    durationMs: deps.nowMs() - startedAtMs,
    notVerified,
  });
  return { outcomes, summary };
}

function refuse(plan: Plan, ledger: OutcomeLedger, stops: readonly StopWork[]): void {
  const { stops: count, maxInstancesPerRun } = plan.guard;
  const { starts } = plan.guard;
  const reason =
    starts === 0
      ? `guard: ${count} stops exceed guard.maxInstancesPerRun (${maxInstancesPerRun}); ` +
        'nothing was stopped (use --force to stop anyway)'
      : `guard: ${count} stops and ${starts} starts exceed guard.maxInstancesPerRun (${maxInstancesPerRun}); ` +
        'nothing was stopped or started (use --force to go ahead anyway)';
  for (const work of stops) {
    ledger.settle(work.index, { outcome: Outcome.Failed, reason, errorCode: ErrorCode.GuardRefused });
  }
}

/**
 * One context per region, in name order. A region whose client cannot be built fails its own instances
 * (with the error's code) and gets no context; the other regions still run.
 */
function regionContexts(
  stops: readonly StopWork[],
  deps: ExecuteDeps,
  options: ExecuteOptions,
  ledger: OutcomeLedger,
  run: RunState,
): Map<RegionContext, StopWork[]> {
  const byRegion = new Map<string, StopWork[]>();
  for (const work of stops) {
    const works = byRegion.get(work.item.region);
    if (works) works.push(work);
    else byRegion.set(work.item.region, [work]);
  }
  const contexts = new Map<RegionContext, StopWork[]>();
  for (const [region, works] of [...byRegion].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let client: EcsApi;
    try {
      client = deps.clientFor(region);
    } catch (error) {
      failRegion(ledger, deps.logger, region, works, error);
      continue;
    }
    const ctx: RegionContext = {
      ...createLane(region, options, deps, run.stats, 'stop'),
      api: countingEcsApi(client, run.stats),
      ledger,
      logger: deps.logger,
      concurrency: options.concurrencyPerRegion ?? 4,
      ...(options.batchFillMs === undefined ? {} : { batchFillMs: options.batchFillMs }),
      run,
    };
    contexts.set(ctx, works);
  }
  return contexts;
}

/** Runs one region; should its code ever throw, its unsettled instances fail with the error's code. */
async function stopRegionSafely(ctx: RegionContext, works: readonly StopWork[]): Promise<void> {
  try {
    await stopRegion(ctx, works);
  } catch (error) {
    failRegion(ctx.ledger, ctx.logger, ctx.region, works, error, ctx.run.tagKey);
  }
}

/** Fails every still unsettled instance of a region with `error`'s code (DeadlineExceeded keeps its wording). */
function failRegion(
  ledger: OutcomeLedger,
  logger: Logger,
  region: string,
  works: readonly StopWork[],
  error: unknown,
  tagKey?: string,
): void {
  const errorCode = errorCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  logger.error({ event: 'stop.region-failed', region, errorCode }, `region ${region} failed: ${reason}`);
  for (const work of works) {
    if (ledger.isSettled(work.index)) continue;
    if (error instanceof DeadlineError) {
      failAtDeadline(ledger, work, tagKey);
      continue;
    }
    failWork(ledger, work, reason, errorCode);
  }
}

/** Verifies every accepted instance of every region: stopped ones until STOPPED, started ones until RUNNING. */
async function verifyAll(
  ledger: OutcomeLedger,
  contexts: readonly RegionContext[],
  settings: VerifySettings,
): Promise<string[]> {
  const accepted = ledger
    .outcomes()
    .filter((o) => o.outcome === Outcome.Stopped || o.outcome === Outcome.Started);
  const perRegion = await Promise.all(
    contexts.flatMap((ctx) =>
      [
        { action: Action.Stop, status: InstanceStatus.Stopped },
        { action: Action.Start, status: InstanceStatus.Running },
      ].map(({ action, status }) => {
        const ids = accepted
          .filter((o) => o.region === ctx.region && o.action === action)
          .map((o) => o.instanceId);
        return ids.length === 0 ? Promise.resolve([]) : verifyStatus(ctx, ids, settings, status);
      }),
    ),
  );
  return perRegion.flat().sort();
}

/**
 * The last line of "nothing is ever left without an outcome": every path above settles its items, so this
 * only fires on a failure outside them (a client that cannot be built, a bug), and then each item still gets
 * its line, with the failure's code.
 */
function settleLeftovers(ledger: OutcomeLedger, logger: Logger, failure: unknown): void {
  const open = ledger.unsettled();
  if (open.length === 0 && failure === undefined) return;
  const errorCode = errorCodeOf(failure);
  const reason =
    failure === undefined
      ? 'the executor reached no outcome for this instance'
      : `run failed: ${failure instanceof Error ? failure.message : String(failure)}`;
  logger.error({ event: 'stop.unsettled', count: open.length, errorCode }, reason);
  for (const index of open) ledger.settle(index, { outcome: Outcome.Failed, reason, errorCode });
}
