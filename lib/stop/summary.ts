/**
 * The `run.summary` line: counts per outcome, API calls per action, retries, fallbacks, capacity refusals,
 * duration. The
 * executor returns it; the caller may rebuild it (after adding its listing calls to the same stats) and logs
 * it with {@link logSummary}, so there is exactly one per run.
 */
import type { Logger } from '../logger.js';
import { Decision, type Plan, SkipReason } from '../plan/index.js';
import type { RunStats } from './stats.js';
import { type InstanceOutcome, Outcome, type RegionStats, type RunSummary } from './types.js';

/** What a summary is built from. */
export interface SummaryInput {
  plan: Plan;
  outcomes: readonly InstanceOutcome[];
  stats: RunStats;
  dryRun: boolean;
  fallbacks: number;
  /** StartInstances capacity refusals. @default 0 */
  capacityRefusals?: number;
  guardRefused: boolean;
  durationMs: number;
  /** Only when verification ran. */
  notVerified?: string[] | undefined;
  /** The run's regions. @default the regions of the plan's items, sorted */
  regions?: string[] | undefined;
}

/** Counts of every outcome, all keys present. */
export function countOutcomes(outcomes: readonly InstanceOutcome[]): Record<Outcome, number> {
  const counts = Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
}

/**
 * Builds the `run.summary` line. `executePlan` uses it; a caller that never reaches the executor (say, the
 * listing failed) uses it to still log a summary.
 *
 * @example
 * logSummary(logger, buildSummary({ plan, outcomes: [], stats, dryRun: false, fallbacks: 0,
 *   guardRefused: false, durationMs: nowMs() - startedAtMs }));
 */
export function buildSummary(input: SummaryInput): RunSummary {
  const summary: RunSummary = {
    event: 'run.summary',
    fires: input.plan.fires.map((f) => ({ ...f })),
    regions: input.regions ?? [...new Set(input.plan.items.map((i) => i.region))].sort(),
    dryRun: input.dryRun,
    outcomes: countOutcomes(input.outcomes),
    unknownSchedule: input.plan.items.filter(
      (i) => i.decision === Decision.Skip && i.reason === SkipReason.UnknownSchedule,
    ).length,
    apiCalls: { ...input.stats.apiCalls },
    retries: input.stats.retries,
    fallbacks: input.fallbacks,
    capacityRefusals: input.capacityRefusals ?? 0,
    guardRefused: input.guardRefused,
    regionStats: regionStats(input.stats),
    durationMs: input.durationMs,
  };
  if (input.notVerified !== undefined) summary.notVerified = [...input.notVerified];
  return summary;
}

/** `regionStats` from the run's lane counters, regions and lanes in name order, times rounded to ms. */
export function regionStats(stats: RunStats): Record<string, RegionStats> {
  const out: Record<string, RegionStats> = {};
  for (const region of Object.keys(stats.lanes).sort()) {
    const entry: RegionStats = { limiterWaitMs: 0, throttled: 0, requests: 0, lanes: {} };
    const lanes = stats.lanes[region]!;
    for (const name of Object.keys(lanes).sort()) {
      const lane = lanes[name]!;
      const figures = {
        limiterWaitMs: Math.round(lane.limiterWaitMs),
        throttled: lane.throttled,
        requests: lane.requests,
      };
      entry.lanes[name] = figures;
      entry.limiterWaitMs += figures.limiterWaitMs;
      entry.throttled += figures.throttled;
      entry.requests += figures.requests;
    }
    out[region] = entry;
  }
  return out;
}

/** Logs the summary: `info`, or `warn` when an instance failed, one was not verified, or the guard refused. */
export function logSummary(logger: Logger, summary: RunSummary): void {
  const troubled =
    summary.outcomes.failed > 0 || summary.guardRefused || (summary.notVerified?.length ?? 0) > 0;
  const counts = Object.entries(summary.outcomes)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${o}`)
    .join(', ');
  (troubled ? logger.warn : logger.info).call(logger, summary, `run summary: ${counts || 'nothing to do'}`);
}
