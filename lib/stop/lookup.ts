/**
 * Status look-ups settle what a StopInstances answer left open. InvalidInstanceStatus means "this instance
 * cannot be stopped now", which is also what the API says about an instance already stopped or stopping. An
 * answer that leaves an asked-for instance out says nothing at all: the stop may or may not have happened.
 * One DescribeInstances look-up tells these cases apart at once.
 */
import { DeadlineError, ErrorCode } from '../errors.js';
import { type Instance, InstanceStatus } from '../volc/index.js';
import type { StopWork } from './batches.js';
import { ApiCode } from './codes.js';
import { describeByIds, type RegionContext } from './context.js';
import type { Settlement } from './ledger.js';
import { fallbackReason } from './route.js';
import { Outcome } from './types.js';

const STOPPED_OR_STOPPING: ReadonlySet<string> = new Set([InstanceStatus.Stopped, InstanceStatus.Stopping]);

function omitted(work: StopWork): boolean {
  return work.lastError?.code === ErrorCode.MissingOperationDetail;
}

/**
 * Looks `works` up with DescribeInstances and settles each, or returns it to be sent again.
 * After InvalidInstanceStatus: STOPPED or STOPPING is `already-stopped`, another status `failed`, no longer
 * listed `gone`. After an answer that left the instance out: STOPPED or STOPPING is `stopped` (every planned
 * stop was RUNNING when listed, so this run stopped it), no longer listed `gone`, and any other status (still
 * RUNNING) goes back to be sent again under a new ClientToken, which `maxAttempts` bounds.
 *
 * @returns the works to send again
 */
export async function resolveStatusLookups(
  ctx: RegionContext,
  works: readonly StopWork[],
): Promise<StopWork[]> {
  if (works.length === 0) return [];
  const settle = (work: StopWork, fields: Settlement) =>
    ctx.ledger.settle(work.index, {
      stoppedMode: work.stoppedMode ?? null,
      attempts: work.attempts,
      requestId: work.requestId,
      errorCode: null,
      ...fields,
    });
  let found: Map<string, Instance>;
  try {
    found = await describeByIds(
      ctx,
      works.map((w) => w.item.instanceId),
    );
  } catch (error) {
    const deadline = error instanceof DeadlineError;
    const message = error instanceof Error ? error.message : String(error);
    for (const work of works) {
      const why = omitted(work) ? 'the StopInstances answer left the instance out' : 'InvalidInstanceStatus';
      settle(work, {
        outcome: Outcome.Failed,
        reason: `${why}, and the status look-up failed: ${message}`,
        errorCode: deadline ? ErrorCode.DeadlineExceeded : (work.lastError?.code ?? null),
      });
    }
    return [];
  }
  const again: StopWork[] = [];
  for (const work of works) {
    const instance = found.get(work.item.instanceId);
    if (omitted(work)) {
      if (instance === undefined) {
        settle(work, {
          outcome: Outcome.Gone,
          reason: 'the StopInstances answer left the instance out, and DescribeInstances no longer lists it',
          errorCode: ErrorCode.MissingOperationDetail,
        });
      } else if (STOPPED_OR_STOPPING.has(instance.Status)) {
        settle(work, {
          outcome: Outcome.Stopped,
          reason: work.fallbackFrom ? fallbackReason(work.fallbackFrom) : work.item.reason,
          stoppedMode: instance.StoppedMode ?? work.stoppedMode ?? null,
        });
      } else again.push(work);
      continue;
    }
    if (instance === undefined) {
      settle(work, {
        outcome: Outcome.Gone,
        reason: 'InvalidInstanceStatus, and DescribeInstances no longer lists the instance',
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    } else if (STOPPED_OR_STOPPING.has(instance.Status)) {
      settle(work, {
        outcome: Outcome.AlreadyStopped,
        reason: `status ${instance.Status}`,
        stoppedMode: instance.StoppedMode ?? work.stoppedMode ?? null,
      });
    } else {
      settle(work, {
        outcome: Outcome.Failed,
        reason: `status ${instance.Status} does not allow stopping: ${work.lastError?.message ?? ''}`.trim(),
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    }
  }
  return again;
}
