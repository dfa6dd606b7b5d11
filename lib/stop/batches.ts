/**
 * Groups the instances to stop into StopInstances calls, one call per (region, schedule, fireTime,
 * stoppedMode, forceStop) group and per 100 IDs, and the instances to start into StartInstances calls, one per
 * (region, schedule, fireTime) group and per 100 IDs; never one call per instance. Pure: the same work gives
 * the same batches and tokens in the same order, whatever order the plan listed the instances in.
 */
import type { PlanItem } from '../plan/index.js';
import { Action } from '../schedule/index.js';
import type { StoppedMode } from '../volc/index.js';
import { EcsAction } from './stats.js';
import { clientToken } from './token.js';

/** The API's limit on IDs per StopInstances or DescribeInstances call. */
export const MAX_IDS_PER_CALL = 100;

/** One instance still to be stopped (or started: `item.action`), with what happened to it so far. */
export interface StopWork {
  /** Index of the item in the plan. */
  index: number;
  item: PlanItem;
  /**
   * Stop: the mode of the next call (the plan's, or KeepCharging after a fallback). Start: the mode the
   * instance was stopped in, for its outcome line (StartInstances takes no mode).
   */
  stoppedMode: StoppedMode | undefined;
  /** StopInstances (StartInstances) calls that carried this instance (HTTP attempts, retries of one request included). */
  attempts: number;
  /** Distinct requests (ClientTokens) that carried this instance: its rounds so far. */
  requests: number;
  requestId: string | null;
  /** The last error about this instance, when it is being sent again. */
  lastError: { code: string; message: string } | null;
  /** The code that made the executor fall back to KeepCharging, if it did. */
  fallbackFrom: string | null;
}

/** One StopInstances (or StartInstances) call. */
export interface StopBatch {
  /** Which call: `stop` is StopInstances, `start` StartInstances. */
  action: Action;
  region: string;
  schedule: string;
  fireTime: string | null;
  /** Stop only (undefined for a start). */
  stoppedMode: StoppedMode | undefined;
  /** Stop only (false for a start). */
  forceStop: boolean;
  /** Sorted by instance ID. */
  works: StopWork[];
  clientToken: string;
  /** 0 for the plan's batches; for a re-batch, its number in the region's sequence of re-batches (from 1). */
  round: number;
}

/** Starts the work of a `stop` or `start` plan item. */
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

/** What one call asks besides its IDs: StartInstances takes no mode and no force. */
function callShape(work: StopWork): { stoppedMode: StoppedMode | undefined; forceStop: boolean } {
  return work.item.action === Action.Start
    ? { stoppedMode: undefined, forceStop: false }
    : { stoppedMode: work.stoppedMode, forceStop: work.item.forceStop === true };
}

/** The batch group of `work`: the instances that may share one call. */
export function groupKey(work: StopWork): string {
  const { item } = work;
  const { stoppedMode, forceStop } = callShape(work);
  return JSON.stringify([
    item.action,
    item.region,
    item.schedule,
    item.fireTime,
    stoppedMode ?? '',
    forceStop,
  ]);
}

/** The API action of a call, as ClientTokens and the summary's `apiCalls` name it. */
export function apiAction(action: Action): EcsAction {
  return action === Action.Start ? EcsAction.StartInstances : EcsAction.StopInstances;
}

/**
 * Batches `works` for re-batch round `round`: grouped, IDs sorted, then cut into calls of at most 100 IDs.
 * Sorting before cutting makes the batches (and so the tokens) independent of the plan's order.
 *
 * @param runId the run sending the batches; it goes into re-batch tokens only (see token.ts)
 * @example
 * makeBatches(plan.items.flatMap((item, i) => (item.decision !== 'skip' ? [newWork(item, i)] : [])), 0);
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
    const { action, region, schedule, fireTime } = group[0]!.item;
    const { stoppedMode, forceStop } = callShape(group[0]!);
    for (const slice of chunk(group, MAX_IDS_PER_CALL)) {
      const instanceIds = slice.map((w) => w.item.instanceId);
      // The API action is part of the token: a stop and a start of the same IDs never share one.
      const token = clientToken({
        schedule,
        fireTime,
        action: apiAction(action),
        stoppedMode,
        forceStop,
        instanceIds,
        round,
        runId,
      });
      batches.push({
        action,
        region,
        schedule,
        fireTime,
        stoppedMode,
        forceStop,
        works: slice,
        clientToken: token,
        round,
      });
    }
  }
  return batches;
}

/**
 * One re-batch of `works` (all of one group, at most 100): IDs sorted, token naming the region's re-batch
 * sequence number `sequence` (from 1) and the run, so that no two requests of a run share a token even when
 * they carry the same IDs (see token.ts).
 */
export function rebatch(works: readonly StopWork[], sequence: number, runId: string | undefined): StopBatch {
  const [batch, ...more] = makeBatches(works, sequence, runId);
  if (batch === undefined || more.length > 0) {
    throw new Error(`a re-batch must hold 1 to ${MAX_IDS_PER_CALL} instances of one group`);
  }
  return batch;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
