/**
 * Groups the instances to stop into StopInstances calls: one call per (region, schedule, fireTime,
 * stoppedMode, forceStop) group and per 100 IDs, never one call per instance. Pure: the same work gives the
 * same batches and tokens in the same order, whatever order the plan listed the instances in.
 */
import type { PlanItem } from '../plan/index.js';
import type { StoppedMode } from '../volc/index.js';
import { EcsAction } from './stats.js';
import { clientToken } from './token.js';

/** The API's limit on IDs per StopInstances or DescribeInstances call. */
export const MAX_IDS_PER_CALL = 100;

/** One instance still to be stopped, with what happened to it so far. */
export interface StopWork {
  /** Index of the item in the plan. */
  index: number;
  item: PlanItem;
  /** The mode of the next call: the plan's, or KeepCharging after a fallback. */
  stoppedMode: StoppedMode | undefined;
  /** StopInstances calls that carried this instance (HTTP attempts, retries of one request included). */
  attempts: number;
  /** Distinct StopInstances requests (ClientTokens) that carried this instance: its rounds so far. */
  requests: number;
  requestId: string | null;
  /** The last error about this instance, when it is being sent again. */
  lastError: { code: string; message: string } | null;
  /** The code that made the executor fall back to KeepCharging, if it did. */
  fallbackFrom: string | null;
}

/** One StopInstances call. */
export interface StopBatch {
  region: string;
  schedule: string;
  fireTime: string | null;
  stoppedMode: StoppedMode | undefined;
  forceStop: boolean;
  /** Sorted by instance ID. */
  works: StopWork[];
  clientToken: string;
  /** The re-batch round (0 for the first calls). */
  round: number;
}

/** Starts the work of a `stop` plan item. */
export function newWork(item: PlanItem, index: number): StopWork {
  return {
    index,
    item,
    stoppedMode: item.stoppedMode,
    attempts: 0,
    requests: 0,
    requestId: null,
    lastError: null,
    fallbackFrom: null,
  };
}

/** Splits `values` into arrays of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

function groupKey(work: StopWork): string {
  const { item } = work;
  return JSON.stringify([
    item.region,
    item.schedule,
    item.fireTime,
    work.stoppedMode ?? '',
    item.forceStop === true,
  ]);
}

/**
 * Batches `works` for re-batch round `round`: grouped, IDs sorted, then cut into calls of at most 100 IDs.
 * Sorting before cutting makes the batches (and so the tokens) independent of the plan's order.
 *
 * @param runId the run sending the batches; it goes into re-batch tokens only (see token.ts)
 * @example
 * makeBatches(plan.items.flatMap((item, i) => (item.decision === 'stop' ? [newWork(item, i)] : [])), 0);
 */
export function makeBatches(works: readonly StopWork[], round: number, runId?: string): StopBatch[] {
  const groups = new Map<string, StopWork[]>();
  for (const work of works) {
    const key = groupKey(work);
    const group = groups.get(key);
    if (group) group.push(work);
    else groups.set(key, [work]);
  }
  const batches: StopBatch[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key)!;
    group.sort((a, b) => compareIds(a.item.instanceId, b.item.instanceId));
    const { region, schedule, fireTime, forceStop } = group[0]!.item;
    const stoppedMode = group[0]!.stoppedMode;
    for (const slice of chunk(group, MAX_IDS_PER_CALL)) {
      const instanceIds = slice.map((w) => w.item.instanceId);
      const token = clientToken({
        schedule,
        fireTime,
        action: EcsAction.StopInstances,
        stoppedMode,
        forceStop: forceStop === true,
        instanceIds,
        round,
        runId,
      });
      batches.push({
        region,
        schedule,
        fireTime,
        stoppedMode,
        forceStop: forceStop === true,
        works: slice,
        clientToken: token,
        round,
      });
    }
  }
  return batches;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
