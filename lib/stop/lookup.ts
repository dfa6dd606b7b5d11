/**
 * Status look-ups settle what a StopInstances or StartInstances answer left open. InvalidInstanceStatus means
 * "this instance cannot be stopped (started) now", which is also what the API says about an instance already
 * stopped or stopping (running or starting). An answer that leaves an asked-for instance out says nothing at
 * all: the stop (start) may or may not have happened. One DescribeInstances look-up tells these cases apart.
 */
import { DeadlineError, ErrorCode } from '../errors.js';
import { Action } from '../schedule/index.js';
import { type Instance, InstanceStatus } from '../volc/index.js';
import type { StopWork } from './batches.js';
import { ApiCode } from './codes.js';
import { describeByIds, type RegionContext } from './context.js';
import type { Settlement } from './ledger.js';
import { fallbackReason } from './route.js';
import { Outcome } from './types.js';

/**
 * Per action: the statuses that mean "already done" (or, after an answer that left the instance out, "done by
 * this run"), the outcomes they give, and the words for messages.
 */
const ALREADY = {
  [Action.Stop]: {
    statuses: new Set<string>([InstanceStatus.Stopped, InstanceStatus.Stopping]),
    outcome: Outcome.AlreadyStopped,
    done: Outcome.Stopped,
    verb: 'stopping',
    call: 'StopInstances',
  },
  [Action.Start]: {
    statuses: new Set<string>([InstanceStatus.Running, InstanceStatus.Starting]),
    outcome: Outcome.AlreadyRunning,
    done: Outcome.Started,
    verb: 'starting',
    call: 'StartInstances',
  },
} as const;

function omitted(work: StopWork): boolean {
  return work.lastError?.code === ErrorCode.MissingOperationDetail;
}

/**
 * Looks `works` up with DescribeInstances and settles each, or returns it to be sent again.
 * After InvalidInstanceStatus: STOPPED or STOPPING is `already-stopped` (for a start: RUNNING or STARTING is
 * `already-running`), another status `failed`, no longer listed `gone`. After an answer that left the instance
 * out: STOPPED or STOPPING is `stopped` (for a start: RUNNING or STARTING is `started`; every planned stop was
 * RUNNING and every planned start STOPPED when listed, so this run did it), no longer listed `gone`, and any
 * other status goes back to be sent again under a new ClientToken, which `maxAttempts` bounds.
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
      const why = omitted(work)
        ? `the ${ALREADY[work.item.action].call} answer left the instance out`
        : 'InvalidInstanceStatus';
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
    const already = ALREADY[work.item.action];
    if (omitted(work)) {
      if (instance === undefined) {
        settle(work, {
          outcome: Outcome.Gone,
          reason: `the ${already.call} answer left the instance out, and DescribeInstances no longer lists it`,
          errorCode: ErrorCode.MissingOperationDetail,
        });
      } else if (already.statuses.has(instance.Status)) {
        settle(work, {
          outcome: already.done,
          reason: work.fallbackFrom ? fallbackReason(work.fallbackFrom) : work.item.reason,
          stoppedMode:
            work.item.action === Action.Start
              ? (work.stoppedMode ?? null)
              : (instance.StoppedMode ?? work.stoppedMode ?? null),
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
    } else if (already.statuses.has(instance.Status)) {
      settle(work, {
        outcome: already.outcome,
        reason: `status ${instance.Status}`,
        stoppedMode: instance.StoppedMode ?? work.stoppedMode ?? null,
      });
    } else {
      settle(work, {
        outcome: Outcome.Failed,
        reason:
          `status ${instance.Status} does not allow ${already.verb}: ${work.lastError?.message ?? ''}`.trim(),
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    }
  }
  return again;
}
