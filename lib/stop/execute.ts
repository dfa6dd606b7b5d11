/**
 * The executor: turns a Plan into one outcome per item. Skips and dry runs need no call; the guard (which
 * counts stops and starts together) can refuse the whole run; otherwise each region's stops and starts run
 * through the region's own pipeline (see region.ts), then the region's optional verification, each region at
 * its own pace. A {@link StopSession} also takes the plan page by page while the listing goes on. Every plan
 * item ends with exactly one outcome and one `instance.outcome` log line, whatever happens: deadline, API
 * failures, even a bug in a region's code.
 */
import { randomUUID } from 'node:crypto';
import type { RetrySettings, VerifySettings } from '../config/index.js';
import { SETTING_DEFAULTS } from '../defaults.js';
import { DeadlineError, ErrorCode, errorCodeOf } from '../errors.js';
import type { Logger } from '../logger.js';
import { Decision, type Plan, type PlanItem } from '../plan/index.js';
import { Action } from '../schedule/index.js';
import { type EcsApi, InstanceStatus } from '../volc/index.js';
import { newWork, type StopWork } from './batches.js';
import {
  LaneName,
  type LaneSource,
  laneSource,
  type RegionContext,
  type RequestLane,
  type RunState,
} from './context.js';
import { BatchFiller } from './feed.js';
import { OutcomeLedger } from './ledger.js';
import { failAtDeadline, failWork, openRegion, type RegionFeed } from './region.js';
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
   * The run's request lanes, shared with its listing (lib/run passes the listing's), so that one limiter per
   * region governs everything that spends its DescribeInstances quota: the listing's pages, the status
   * look-ups and verification. @default lanes of this execution's own, over `stats`
   */
  lanes?: LaneSource;
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
  const dryRun = options.dryRun ?? false;
  const session = new StopSession(deps, options);
  const acts = plan.items.some(isAction);
  const guardRefused = !dryRun && acts && plan.guard.exceeded && options.force !== true;
  if (dryRun || guardRefused) {
    const stops = plan.items.flatMap((item) => {
      const index = session.admit(item);
      return index === undefined ? [] : [newWork(item, index)];
    });
    if (dryRun) {
      for (const work of stops) {
        session.ledger.settle(work.index, { outcome: Outcome.DryRun, reason: work.item.reason });
      }
    } else refuse(plan, session.ledger, stops);
  } else {
    session.add(plan.items);
    session.endAll();
  }
  return session.finish(plan, { guardRefused });
}

function isAction(item: PlanItem): boolean {
  return item.decision === Decision.Stop || item.decision === Decision.Start;
}

/** One region's part of a session. */
interface RegionRun {
  ctx: RegionContext;
  feed: RegionFeed;
  filler: BatchFiller;
  /** Every stop and start of the region so far. */
  works: StopWork[];
  /** Ends once the region's work (and its verification) is done; never rejects. */
  done: Promise<void>;
  ended: boolean;
}

/**
 * One run's stopping and starting, fed plan items as they are planned: all at once ({@link executePlan}), or
 * page by page while the listing goes on (lib/run's runOnce, when listing overlaps stopping). Skips are
 * settled at once; each region's stops and starts go into the region's own pipeline, which starts with its
 * first full batch and proceeds at its own pace: no region waits for another, and each verifies its own
 * instances as soon as its work is done. Every item ends with exactly one outcome, whatever happens.
 */
export class StopSession {
  readonly ledger: OutcomeLedger;
  readonly #deps: ExecuteDeps;
  readonly #options: ExecuteOptions;
  readonly #run: RunState;
  readonly #lanes: LaneSource;
  readonly #regions = new Map<string, RegionRun>();
  /** Regions whose client could not be built, with the error their instances fail with. */
  readonly #broken = new Map<string, unknown>();
  /** Each admitted item's index in the ledger. */
  readonly #indexOf = new Map<PlanItem, number>();
  readonly #startedAtMs: number;
  readonly #notVerified: string[] = [];
  #failure: unknown;

  constructor(deps: ExecuteDeps, options: ExecuteOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#startedAtMs = deps.nowMs();
    this.#run = {
      stats: options.stats ?? createRunStats(),
      fallbacks: 0,
      capacityRefusals: 0,
      warnedUnexpectedDetail: false,
      warnedMissingDetail: false,
      runId: options.runId ?? randomUUID(),
      tagKey: options.tagKey ?? SETTING_DEFAULTS.tagKey,
    };
    this.#lanes = options.lanes ?? laneSource(options, deps, this.#run.stats);
    this.ledger = new OutcomeLedger({ items: [] }, deps.logger);
  }

  /**
   * Books `item` in the ledger: a skip is settled at once (and `undefined` returned), a stop or start gets
   * its index.
   */
  admit(item: PlanItem): number | undefined {
    const index = this.ledger.add(item);
    this.#indexOf.set(item, index);
    if (isAction(item)) return index;
    this.ledger.settle(index, { outcome: Outcome.Skipped, reason: item.reason });
    return undefined;
  }

  /** Admits `items` and hands their stops and starts to their regions: every full batch goes out at once. */
  add(items: readonly PlanItem[]): void {
    const touched = new Set<RegionRun>();
    const stranded = new Map<string, StopWork[]>();
    for (const item of items) {
      const index = this.admit(item);
      if (index === undefined) continue;
      const work = newWork(item, index);
      const region = this.#region(item.region);
      if (region === undefined) {
        const works = stranded.get(item.region);
        if (works) works.push(work);
        else stranded.set(item.region, [work]);
        continue;
      }
      region.works.push(work);
      region.filler.add(work);
      touched.add(region);
    }
    for (const region of touched) region.feed.push(region.filler.full());
    // A region whose client cannot be built fails its own instances (with the error's code); the others run.
    for (const [region, works] of stranded) {
      if (this.#broken.get(region) === undefined) continue;
      failRegion(this.ledger, this.#deps.logger, region, works, this.#broken.get(region));
    }
  }

  /** Nothing more will come for `region`: its last batches go out, and its pipeline ends with its work. */
  endRegion(region: string): void {
    const run = this.#regions.get(region);
    if (run === undefined || run.ended) return;
    run.ended = true;
    run.feed.push(run.filler.rest());
    run.feed.close();
  }

  /** Ends every region (see {@link StopSession.endRegion}). */
  endAll(): void {
    for (const region of this.#regions.keys()) this.endRegion(region);
  }

  /**
   * Waits for every region (each must have been ended), settles whatever is left, and returns one outcome
   * per item of `plan` (the plan of every admitted item), in plan order, with the run's summary.
   */
  async finish(plan: Plan, result: { guardRefused: boolean }): Promise<ExecuteResult> {
    await Promise.all([...this.#regions.values()].map((run) => run.done));
    settleLeftovers(this.ledger, this.#deps.logger, this.#failure);
    const outcomes = plan.items.flatMap((item) => {
      const index = this.#indexOf.get(item);
      const outcome = index === undefined ? undefined : this.ledger.outcomeOf(index);
      return outcome === undefined ? [] : [outcome];
    });
    const summary = buildSummary({
      plan,
      outcomes,
      stats: this.#run.stats,
      dryRun: this.#options.dryRun ?? false,
      fallbacks: this.#run.fallbacks,
      capacityRefusals: this.#run.capacityRefusals,
      guardRefused: result.guardRefused,
      durationMs: this.#deps.nowMs() - this.#startedAtMs,
      notVerified:
        this.#options.verify.enabled && this.#regions.size > 0 ? this.#notVerified.sort() : undefined,
    });
    return { outcomes, summary };
  }

  /** The region's run, opened on its first stop or start; undefined when its client cannot be built. */
  #region(region: string): RegionRun | undefined {
    const known = this.#regions.get(region);
    if (known !== undefined || this.#broken.has(region)) return known;
    let client: EcsApi;
    try {
      client = this.#deps.clientFor(region);
    } catch (error) {
      this.#broken.set(region, error);
      return undefined;
    }
    const options = this.#options;
    let lane: RequestLane;
    let describe: RequestLane;
    try {
      lane = this.#lanes(region, LaneName.Stop);
      describe = this.#lanes(region, LaneName.Listing);
    } catch (error) {
      // A setting the run cannot start with (a bad rate): its instances are left to settleLeftovers.
      this.#failure ??= error;
      this.#broken.set(region, undefined);
      return undefined;
    }
    const ctx: RegionContext = {
      ...lane,
      describe,
      api: countingEcsApi(client, this.#run.stats),
      ledger: this.ledger,
      logger: this.#deps.logger,
      concurrency: options.concurrencyPerRegion ?? 4,
      ...(options.batchFillMs === undefined ? {} : { batchFillMs: options.batchFillMs }),
      run: this.#run,
    };
    const feed = openRegion(ctx);
    const run: RegionRun = {
      ctx,
      feed,
      filler: new BatchFiller(this.#run.runId),
      works: [],
      done: Promise.resolve(),
      ended: false,
    };
    run.done = this.#follow(run);
    this.#regions.set(region, run);
    return run;
  }

  /** Waits for the region's pipeline, then verifies its accepted instances; records what goes wrong. */
  async #follow(run: RegionRun): Promise<void> {
    const { ctx } = run;
    try {
      await run.feed.done;
    } catch (error) {
      // Should the region's code ever throw, its unsettled instances fail with the error's code.
      failRegion(ctx.ledger, ctx.logger, ctx.region, run.works, error, ctx.run.tagKey);
    }
    if (!this.#options.verify.enabled) return;
    try {
      for (const id of await verifyRegion(ctx, run.works, this.#options.verify)) this.#notVerified.push(id);
    } catch (error) {
      this.#failure ??= error;
    }
  }
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

/** Verifies the region's accepted instances: stopped ones until STOPPED, started ones until RUNNING. */
async function verifyRegion(
  ctx: RegionContext,
  works: readonly StopWork[],
  settings: VerifySettings,
): Promise<string[]> {
  const accepted = works.flatMap((work) => {
    const outcome = ctx.ledger.outcomeOf(work.index)?.outcome;
    return outcome === Outcome.Stopped || outcome === Outcome.Started ? [work.item] : [];
  });
  const perAction = await Promise.all(
    [
      { action: Action.Stop, status: InstanceStatus.Stopped },
      { action: Action.Start, status: InstanceStatus.Running },
    ].map(({ action, status }) => {
      const ids = accepted.filter((item) => item.action === action).map((item) => item.instanceId);
      return ids.length === 0 ? Promise.resolve([]) : verifyStatus(ctx, ids, settings, status);
    }),
  );
  return perAction.flat();
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
