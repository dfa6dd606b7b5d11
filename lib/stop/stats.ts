/**
 * Counters of one run: API calls per action and retries. One object is shared by the listing code and the
 * executor, so the run summary counts every request the run sent.
 */
import type { EcsApi } from '../volc/index.js';
import type { LimiterStats } from './rate-limit.js';

/** API actions of {@link EcsApi}, as the summary's `apiCalls` names them. */
export const EcsAction = {
  DescribeInstances: 'DescribeInstances',
  StopInstances: 'StopInstances',
  StartInstances: 'StartInstances',
  DescribeRegions: 'DescribeRegions',
} as const;
export type EcsAction = (typeof EcsAction)[keyof typeof EcsAction];

/** Mutable counters of one run. */
export interface RunStats {
  /** HTTP requests per API action, retries included. */
  apiCalls: Record<string, number>;
  /** Requests sent again after a retryable failure, plus per-instance re-batches. */
  retries: number;
  /** Limiter figures per region and lane (`listing`, `stop`), the source of `run.summary`'s `regionStats`. */
  lanes: Record<string, Record<string, LimiterStats>>;
}

/** New counters, with every {@link EcsAction} present at 0 so the summary always has the same keys. */
export function createRunStats(): RunStats {
  return {
    apiCalls: { DescribeInstances: 0, StopInstances: 0, StartInstances: 0, DescribeRegions: 0 },
    retries: 0,
    lanes: {},
  };
}

/** Adds one call of `action`. */
export function countCall(stats: RunStats, action: string): void {
  stats.apiCalls[action] = (stats.apiCalls[action] ?? 0) + 1;
}

/**
 * Wraps a client so that every method call counts as one API call of its action (each method is exactly one
 * HTTP request, so this counts requests, retries included, whether they succeed or fail).
 *
 * @example
 * const api = countingEcsApi(clientFor('cn-beijing'), stats);
 */
export function countingEcsApi(api: EcsApi, stats: RunStats): EcsApi {
  return {
    region: api.region,
    describeInstancesPage(filters, page) {
      countCall(stats, EcsAction.DescribeInstances);
      return api.describeInstancesPage(filters, page);
    },
    stopInstances(params) {
      countCall(stats, EcsAction.StopInstances);
      return api.stopInstances(params);
    },
    startInstances(params) {
      countCall(stats, EcsAction.StartInstances);
      return api.startInstances(params);
    },
    describeRegionsPage(page) {
      countCall(stats, EcsAction.DescribeRegions);
      return api.describeRegionsPage(page);
    },
  };
}
