/**
 * What happens to one instance after a StopInstances or StartInstances answer: the per-instance half of the
 * executor's contract, one code at a time (the table is {@link instanceAction} in codes.ts).
 */
import { Action } from '../schedule/index.js';
import type { OperationDetail } from '../volc/index.js';
import { StoppedMode } from '../volc/index.js';
import type { StopWork } from './batches.js';
import { InstanceAction, instanceAction } from './codes.js';
import type { RegionContext } from './context.js';
import { Outcome } from './types.js';

/** The reason logged for an instance another service manages. */
export const MANAGED_BY_OTHER_SERVICE = 'managed-by-other-service';

/** The reason logged for an instance stopped with KeepCharging after StopCharging was refused with `code`. */
export function fallbackReason(code: string): string {
  return `fallback:KeepCharging (${code})`;
}

/**
 * Settles `work` from its `detail`, or queues it: `rebatch` for another round, `lookUp` for a status look-up.
 */
export function routeDetail(
  ctx: RegionContext,
  work: StopWork,
  detail: OperationDetail,
  queues: { rebatch: StopWork[]; lookUp: StopWork[] },
): void {
  const settleAs = (outcome: Outcome, reason: string, errorCode: string | null) =>
    ctx.ledger.settle(work.index, {
      outcome,
      reason,
      stoppedMode: work.stoppedMode ?? null,
      errorCode,
      attempts: work.attempts,
      requestId: work.requestId,
    });
  const starting = work.item.action === Action.Start;
  if (!detail.Error) {
    if (starting) settleAs(Outcome.Started, work.item.reason, null);
    else
      settleAs(
        Outcome.Stopped,
        work.fallbackFrom ? fallbackReason(work.fallbackFrom) : work.item.reason,
        null,
      );
    return;
  }
  const { Code: code, Message: message } = detail.Error;
  work.lastError = { code, message };
  switch (instanceAction(code)) {
    case InstanceAction.Rebatch:
      queues.rebatch.push(work);
      return;
    case InstanceAction.Capacity:
      // Stock comes back as other machines stop: a later batch may get it. A stop has no use for capacity.
      if (!starting) {
        settleAs(Outcome.Failed, message, code);
        return;
      }
      ctx.run.capacityRefusals += 1;
      queues.rebatch.push(work);
      return;
    case InstanceAction.LookUp:
      queues.lookUp.push(work);
      return;
    case InstanceAction.Fallback:
      if (
        !starting &&
        work.item.fallbackToKeepCharging === true &&
        work.stoppedMode === StoppedMode.StopCharging
      ) {
        work.stoppedMode = StoppedMode.KeepCharging;
        work.fallbackFrom = code;
        ctx.run.fallbacks += 1;
        ctx.logger.info(
          {
            event: 'stop.fallback',
            instanceId: work.item.instanceId,
            errorCode: code,
            stoppedMode: work.stoppedMode,
          },
          `${work.item.instanceId}: StopCharging refused (${code}); retrying with KeepCharging`,
        );
        queues.rebatch.push(work);
        return;
      }
      settleAs(Outcome.Failed, message, code);
      return;
    case InstanceAction.Gone:
      settleAs(Outcome.Gone, message, code);
      return;
    case InstanceAction.OtherService:
      settleAs(Outcome.Skipped, MANAGED_BY_OTHER_SERVICE, code);
      return;
    default:
      settleAs(Outcome.Failed, message, code);
  }
}
