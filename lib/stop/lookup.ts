/**
 * InvalidInstanceStatus means "this instance cannot be stopped (started) now", which is also what the API says
 * about an instance that is already stopped or stopping (running or starting). A look-up tells the two apart.
 */
import { LightsOutError } from '../errors.js';
import { Action } from '../schedule/types.js';
import { InstanceStatus } from '../volc/types.js';
import type { StopWork } from './batches.js';
import { ApiCode, StopErrorCode } from './codes.js';
import { describeByIds, type RegionContext } from './context.js';
import { Outcome } from './types.js';

/** Per action: the statuses that mean "already done", the outcome they give, and the verb for messages. */
const ALREADY = {
  [Action.Stop]: {
    statuses: new Set<string>([InstanceStatus.Stopped, InstanceStatus.Stopping]),
    outcome: Outcome.AlreadyStopped,
    verb: 'stopping',
  },
  [Action.Start]: {
    statuses: new Set<string>([InstanceStatus.Running, InstanceStatus.Starting]),
    outcome: Outcome.AlreadyRunning,
    verb: 'starting',
  },
} as const;

/**
 * Looks `works` up with DescribeInstances and settles each: STOPPED or STOPPING is `already-stopped` (for a
 * start: RUNNING or STARTING is `already-running`), another status `failed` (InvalidInstanceStatus), no longer
 * listed `gone`.
 */
export async function resolveStatusLookups(ctx: RegionContext, works: readonly StopWork[]): Promise<void> {
  if (works.length === 0) return;
  const base = (work: StopWork) => ({
    stoppedMode: work.stoppedMode ?? null,
    attempts: work.attempts,
    requestId: work.requestId,
  });
  let found: Awaited<ReturnType<typeof describeByIds>>;
  try {
    found = await describeByIds(
      ctx,
      works.map((w) => w.item.instanceId),
    );
  } catch (error) {
    const deadline = error instanceof LightsOutError && error.code === StopErrorCode.DeadlineExceeded;
    const message = error instanceof Error ? error.message : String(error);
    for (const work of works) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Failed,
        reason: `InvalidInstanceStatus, and the status look-up failed: ${message}`,
        errorCode: deadline ? StopErrorCode.DeadlineExceeded : ApiCode.InvalidInstanceStatus,
      });
    }
    return;
  }
  for (const work of works) {
    const instance = found.get(work.item.instanceId);
    const already = ALREADY[work.item.action];
    if (instance === undefined) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Gone,
        reason: 'InvalidInstanceStatus, and DescribeInstances no longer lists the instance',
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    } else if (already.statuses.has(instance.Status)) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: already.outcome,
        reason: `status ${instance.Status}`,
        stoppedMode: instance.StoppedMode ?? work.stoppedMode ?? null,
        errorCode: null,
      });
    } else {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Failed,
        reason:
          `status ${instance.Status} does not allow ${already.verb}: ${work.lastError?.message ?? ''}`.trim(),
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    }
  }
}
