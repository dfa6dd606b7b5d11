/**
 * InvalidInstanceStatus means "this instance cannot be stopped now", which is also what the API says about
 * an instance that is already stopped or stopping. A look-up tells the two apart.
 */
import { DeadlineError, ErrorCode } from '../errors.js';
import { InstanceStatus } from '../volc/index.js';
import type { StopWork } from './batches.js';
import { ApiCode } from './codes.js';
import { describeByIds, type RegionContext } from './context.js';
import { Outcome } from './types.js';

const STOPPED_OR_STOPPING: ReadonlySet<string> = new Set([InstanceStatus.Stopped, InstanceStatus.Stopping]);

/**
 * Looks `works` up with DescribeInstances and settles each: STOPPED or STOPPING is `already-stopped`,
 * another status `failed` (InvalidInstanceStatus), no longer listed `gone`.
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
    const deadline = error instanceof DeadlineError;
    const message = error instanceof Error ? error.message : String(error);
    for (const work of works) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Failed,
        reason: `InvalidInstanceStatus, and the status look-up failed: ${message}`,
        errorCode: deadline ? ErrorCode.DeadlineExceeded : ApiCode.InvalidInstanceStatus,
      });
    }
    return;
  }
  for (const work of works) {
    const instance = found.get(work.item.instanceId);
    if (instance === undefined) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Gone,
        reason: 'InvalidInstanceStatus, and DescribeInstances no longer lists the instance',
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    } else if (STOPPED_OR_STOPPING.has(instance.Status)) {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.AlreadyStopped,
        reason: `status ${instance.Status}`,
        stoppedMode: instance.StoppedMode ?? work.stoppedMode ?? null,
        errorCode: null,
      });
    } else {
      ctx.ledger.settle(work.index, {
        ...base(work),
        outcome: Outcome.Failed,
        reason: `status ${instance.Status} does not allow stopping: ${work.lastError?.message ?? ''}`.trim(),
        errorCode: ApiCode.InvalidInstanceStatus,
      });
    }
  }
}
