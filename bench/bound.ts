/**
 * The yardsticks every benchmark figure is compared with: the fewest API calls a fleet needs, and the shortest
 * wall time the emulator's rate quota allows for them. Pure arithmetic, unit-tested.
 */
import { MAX_IDS_PER_CALL } from '../lib/stop/index.js';

/** The injected faults a bound accounts for; shares in 0..1. */
export interface BoundFaults {
  /** Share of instances in a StopInstances answer refused with FlowLimitExceeded. @default 0 */
  flowLimitPerInstance?: number;
  /** Share of requests answered 429 before anything is done. @default 0 */
  flowLimitPerRequest?: number;
}

/** The fewest calls of each action for one region's instances. */
export interface MinimumCalls {
  describe: number;
  stop: number;
}

/**
 * The fewest calls for `instances` tagged running instances of one region, without faults: one DescribeInstances
 * page and one StopInstances call per 100 instances.
 *
 * @example
 * optimumCalls(1_001); // 11
 */
export function optimumCalls(instances: number): number {
  return Math.ceil(instances / MAX_IDS_PER_CALL);
}

/**
 * The calls a perfect client makes on average under `faults`: every request has the same chance of a 429, so
 * it takes 1 / (1 - q) sends to get one through; every refused instance must be sent again, so the instances
 * sent add up to n / (1 - p), `idsPerStopCall` to a call: `ceil(n / 100) / ((1 - p)(1 - q))` stop calls and
 * `ceil(n / 100) / (1 - q)` pages. Without faults and with 100 IDs to a call this is
 * {@link optimumCalls} for both actions.
 *
 * @param idsPerStopCall 100 for lights-out's batches, 1 for the per-instance baseline
 */
export function minimumCalls(
  instances: number,
  faults: BoundFaults = {},
  idsPerStopCall = MAX_IDS_PER_CALL,
): MinimumCalls {
  const perInstance = faults.flowLimitPerInstance ?? 0;
  const perRequest = faults.flowLimitPerRequest ?? 0;
  if (perInstance >= 1 || perRequest >= 1) return { describe: Infinity, stop: Infinity };
  if (perInstance === 0 && perRequest === 0) {
    return { describe: optimumCalls(instances), stop: Math.ceil(instances / idsPerStopCall) };
  }
  return {
    describe: optimumCalls(instances) / (1 - perRequest),
    stop: Math.ceil(instances / idsPerStopCall) / (1 - perInstance) / (1 - perRequest),
  };
}

/** What the wall-time bound depends on. */
export interface BoundInput {
  /** Instances per region (regions have quotas of their own and run side by side). */
  instancesPerRegion: readonly number[];
  /** The quota, requests per second per region and action. */
  qps: number;
  /** Latency added to every request. */
  latencyMs: number;
  faults?: BoundFaults;
  /** IDs a StopInstances call carries. @default 100 */
  idsPerStopCall?: number;
}

/**
 * The lower bound the rate quota sets on one run's wall time. The quota is per region and action, and listing
 * overlaps stopping (stops start from the first page while later pages are read), so in each region the
 * slower action's calls at the quota set the pace, `max(pages, stop calls) / rate`, plus one page's latency
 * (nothing can be stopped before the first page is answered); regions run side by side, so the slowest
 * region counts. The quota's burst (its first `qps` requests pass at once) is not subtracted, as the issue's
 * formula has it, so a fleet of a few hundred instances can finish slightly under it.
 *
 * @example
 * lowerBoundMs({ instancesPerRegion: [1_000], qps: 20, latencyMs: 30 }); // max(10, 10) / 20 s + 30 ms: 530
 */
export function lowerBoundMs(input: BoundInput): number {
  let slowestMs = 0;
  for (const instances of input.instancesPerRegion) {
    if (instances === 0) continue;
    const calls = minimumCalls(instances, input.faults, input.idsPerStopCall);
    const regionMs = (Math.max(calls.describe, calls.stop) / input.qps) * 1000 + input.latencyMs;
    slowestMs = Math.max(slowestMs, regionMs);
  }
  return slowestMs;
}

/** Splits `instances` over `regions` as evenly as whole numbers allow (the first regions take the remainder). */
export function spread(instances: number, regions: number): number[] {
  const base = Math.floor(instances / regions);
  return Array.from({ length: regions }, (_, index) => base + (index < instances % regions ? 1 : 0));
}

/** The middle value (the mean of the two middle ones for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
