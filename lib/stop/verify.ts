/**
 * Optional verification: StopInstances accepting an instance means "stopping", not "stopped" (and
 * StartInstances, "starting", not "running"). Following the accepted instances with DescribeInstances until
 * they reach their status shows which ones never got there, so an operator can look at them.
 */
import type { VerifySettings } from '../config/index.js';
import { InstanceStatus } from '../volc/index.js';
import { describeByIds, type RegionContext } from './context.js';

/**
 * Polls DescribeInstances every `intervalMs` until every one of `instanceIds` is `status` (STOPPED after a
 * stop, RUNNING after a start), `timeoutMs` has passed, or the run's deadline comes. Returns the IDs still not
 * there (sorted); an ID DescribeInstances no longer lists counts as not verified.
 */
export async function verifyStatus(
  ctx: RegionContext,
  instanceIds: readonly string[],
  settings: VerifySettings,
  status: string = InstanceStatus.Stopped,
): Promise<string[]> {
  const giveUpAtMs = Math.min(ctx.retry.nowMs() + settings.timeoutMs, ctx.retry.deadlineAtMs);
  // The look-ups must not outlive verification either: their retries stop at the same moment. They keep the
  // lane's limiter, which the listing and the status look-ups share.
  const describe = { ...ctx.describe, retry: { ...ctx.describe.retry, deadlineAtMs: giveUpAtMs } };
  const verifyCtx: RegionContext = { ...ctx, describe };
  let remaining = [...new Set(instanceIds)].sort();
  while (remaining.length > 0) {
    let found: Awaited<ReturnType<typeof describeByIds>>;
    try {
      found = await describeByIds(verifyCtx, remaining);
    } catch (error) {
      ctx.logger.warn(
        {
          event: 'verify.failed',
          errorCode: (error as { code?: unknown }).code ?? null,
          pending: remaining.length,
        },
        `verification stopped: ${error instanceof Error ? error.message : String(error)}`,
      );
      break;
    }
    remaining = remaining.filter((id) => found.get(id)?.Status !== status);
    if (remaining.length === 0 || ctx.retry.nowMs() + settings.intervalMs >= giveUpAtMs) break;
    await ctx.retry.sleep(settings.intervalMs);
  }
  ctx.logger.info(
    { event: 'verify.done', status, checked: instanceIds.length, notVerified: remaining },
    `verification: ${instanceIds.length - remaining.length} of ${instanceIds.length} ${status}`,
  );
  return remaining;
}
