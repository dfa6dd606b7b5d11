/**
 * Stops (and starts) one region's instances: batches them, sends each batch (same request and token on
 * request-level retries), routes every per-instance answer, and re-batches the transient failures in rounds
 * with a backoff until they succeed, run out of attempts, or the deadline comes. Stops and starts go through
 * the same rounds; each batch carries one action (`batch.action`), which picks the API call.
 */
import { ErrorCode, errorCodeOf } from '../errors.js';
import { STOPPED_MODE_TAG_SUFFIX } from '../plan/index.js';
import { Action } from '../schedule/index.js';
import type { OperationDetail, OperationResult, StopInstancesParams } from '../volc/index.js';
import { apiAction, makeBatches, type StopBatch, type StopWork } from './batches.js';
import { ApiCode, CAPACITY_CODES } from './codes.js';
import { limited, type RegionContext } from './context.js';
import type { OutcomeLedger } from './ledger.js';
import { resolveStatusLookups } from './lookup.js';
import { runPool } from './pool.js';
import { backoffDelayMs, retrying } from './retry.js';
import { routeDetail } from './route.js';
import { Outcome } from './types.js';

/** Stops or starts `works` (all in `ctx.region`); every one of them is settled when this resolves. */
export async function stopRegion(ctx: RegionContext, works: readonly StopWork[]): Promise<void> {
  let pending = [...works];
  for (let round = 0; pending.length > 0; round++) {
    if (round > 0) {
      const delayMs = backoffDelayMs(ctx.retry.policy, round - 1, ctx.retry.random);
      if (ctx.retry.nowMs() + delayMs >= ctx.retry.deadlineAtMs) {
        for (const work of pending) failAtDeadline(ctx.ledger, work, ctx.run.tagKey);
        break;
      }
      await ctx.retry.sleep(delayMs);
    }
    const batches = makeBatches(pending, round, ctx.run.runId);
    // A re-batch is a retry too, with a new token because it is a new request (see token.ts).
    if (round > 0) ctx.run.stats.retries += batches.length;
    const next: StopWork[] = [];
    const lookUps: StopWork[] = [];
    await runPool(batches, ctx.concurrency, async (batch) => {
      const answer = await sendBatch(ctx, batch);
      if ('error' in answer) failBatch(ctx, batch, answer.error);
      else routeAnswer(ctx, batch, answer.result, { rebatch: next, lookUp: lookUps });
    });
    // Look the round's InvalidInstanceStatus answers and left-out instances up now, not after the last
    // round: an instance already stopped must not wait behind throttled ones and then meet the deadline,
    // and one left out but still RUNNING joins the next round.
    next.push(...(await resolveStatusLookups(ctx, lookUps)));
    pending = dropExhausted(ctx, next);
  }
}

/**
 * True when most instances of an answer were refused with FlowLimitExceeded. A few such refusals limit those
 * resources, not the call rate: their re-batch backs off on its own, and slowing every request for them would
 * pin the region's rate at its floor (30% refusals put one in nearly every 100-ID answer). Only when most of
 * an answer is refused is the request rate itself too high.
 */
function mostlyFlowLimited(result: OperationResult): boolean {
  const limitedCount = result.operationDetails.filter(
    (d) => d.Error?.Code === ApiCode.FlowLimitExceeded,
  ).length;
  return limitedCount * 2 > result.operationDetails.length;
}

/** The one API call of a batch: StartInstances for a start, StopInstances (with mode and force) for a stop. */
function callFor(ctx: RegionContext, batch: StopBatch): () => Promise<OperationResult> {
  const instanceIds = batch.works.map((w) => w.item.instanceId);
  if (batch.action === Action.Start) {
    return () => ctx.api.startInstances({ instanceIds, clientToken: batch.clientToken });
  }
  const params: StopInstancesParams = {
    instanceIds,
    forceStop: batch.forceStop,
    clientToken: batch.clientToken,
  };
  if (batch.stoppedMode !== undefined) params.stoppedMode = batch.stoppedMode;
  return () => ctx.api.stopInstances(params);
}

async function sendBatch(
  ctx: RegionContext,
  batch: StopBatch,
): Promise<{ result: OperationResult } | { error: unknown }> {
  const call = callFor(ctx, batch);
  const send = async () => {
    for (const work of batch.works) work.attempts += 1;
    try {
      const result = await call();
      for (const work of batch.works) work.requestId = result.requestId;
      return result;
    } catch (error) {
      const requestId = (error as { requestId?: unknown }).requestId;
      if (typeof requestId === 'string') for (const work of batch.works) work.requestId = requestId;
      throw error;
    }
  };
  // `maxAttempts` bounds the attempts of this one request (same token), and separately the requests that
  // carry one instance (see dropExhausted): a re-batch starts with a full budget, so one 429 on a re-batch
  // cannot fail instances that were only ever refused one by one.
  for (const work of batch.works) work.requests += 1;
  try {
    // Every attempt sends the same `params`, ClientToken included: that is what makes the retry safe.
    const result = await retrying(() => limited(ctx, send, mostlyFlowLimited), {
      ...ctx.retry,
      onRetry: ({ error, attempts, delayMs }) =>
        ctx.logger.debug(
          {
            event: 'stop.retry',
            action: batch.action,
            clientToken: batch.clientToken,
            attempts,
            delayMs,
            errorCode: errorCodeOf(error),
          },
          `${apiAction(batch.action)} retry`,
        ),
    });
    return { result };
  } catch (error) {
    return { error };
  }
}

/** The whole call failed (not retryable, retries exhausted, token mismatch, deadline): so did each instance. */
function failBatch(ctx: RegionContext, batch: StopBatch, error: unknown): void {
  const errorCode = errorCodeOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  const level = errorCode === ApiCode.IdempotentParameterMismatch ? 'error' : 'warn';
  ctx.logger[level](
    {
      event: 'stop.batch-failed',
      action: batch.action,
      errorCode,
      clientToken: batch.clientToken,
      instances: batch.works.length,
    },
    `${apiAction(batch.action)} batch failed: ${reason}`,
  );
  for (const work of batch.works) failWork(ctx.ledger, work, reason, errorCode);
}

/** Matches the answer's details to the batch's instances, ignoring details about IDs we did not send. */
function routeAnswer(
  ctx: RegionContext,
  batch: StopBatch,
  result: OperationResult,
  queues: { rebatch: StopWork[]; lookUp: StopWork[] },
): void {
  const asked = new Set(batch.works.map((w) => w.item.instanceId));
  const details = new Map<string, OperationDetail>();
  for (const detail of result.operationDetails) {
    if (!asked.has(detail.InstanceId)) {
      warnDetailOnce(ctx, 'unexpected', batch, detail.InstanceId, result.requestId);
      continue;
    }
    if (!details.has(detail.InstanceId)) details.set(detail.InstanceId, detail);
  }
  for (const work of batch.works) {
    let detail = details.get(work.item.instanceId);
    if (detail === undefined) {
      // Said nothing: the stop (start) may or may not have happened. routeDetail sends it to a status look-up.
      warnDetailOnce(ctx, 'missing', batch, work.item.instanceId, result.requestId);
      detail = {
        InstanceId: work.item.instanceId,
        Error: {
          Code: ErrorCode.MissingOperationDetail,
          Message: `the ${apiAction(batch.action)} answer did not mention the instance`,
        },
      };
    }
    routeDetail(ctx, work, detail, queues);
  }
}

/** The answer-shape warnings, each logged once per run (a broken server would repeat them in every answer). */
const DETAIL_WARNINGS = {
  missing: {
    flag: 'warnedMissingDetail',
    event: 'stop.missing-detail',
    message: 'left an instance it was asked about out of its answer; its status is looked up',
  },
  unexpected: {
    flag: 'warnedUnexpectedDetail',
    event: 'stop.unexpected-detail',
    message: 'answered about an instance it was not asked about; ignored',
  },
} as const;

function warnDetailOnce(
  ctx: RegionContext,
  kind: keyof typeof DETAIL_WARNINGS,
  batch: StopBatch,
  instanceId: string,
  requestId: string,
): void {
  const { flag, event, message } = DETAIL_WARNINGS[kind];
  if (ctx.run[flag]) return;
  ctx.run[flag] = true;
  ctx.logger.warn(
    { event, instanceId, clientToken: batch.clientToken, requestId },
    `${apiAction(batch.action)} ${message}`,
  );
}

/**
 * Instances refused in `maxAttempts` requests fail with their last error; the rest go to the next round.
 * Rounds are counted per instance in requests (ClientTokens), not HTTP attempts: the attempts of one request
 * have their own budget in `retrying`. An instance whose last refusal was FlowLimitExceeded is kept whatever
 * its count: throttling says "later", not "no", and giving up on it would leave a machine running that the
 * next round would likely stop. The backoff (capped at `capMs`) and the run's deadline bound those rounds.
 */
function dropExhausted(ctx: RegionContext, works: StopWork[]): StopWork[] {
  const keep: StopWork[] = [];
  for (const work of works) {
    // Lack of capacity says "later" too: stock comes back as other machines stop.
    const throttled = work.lastError?.code === ApiCode.FlowLimitExceeded || isCapacityRefusal(work);
    if (throttled || work.requests < ctx.retry.policy.maxAttempts) {
      keep.push(work);
      continue;
    }
    ctx.ledger.settle(work.index, {
      outcome: Outcome.Failed,
      reason: `gave up after ${work.requests} requests (${work.attempts} attempts): ${work.lastError?.message ?? 'no answer'}`,
      stoppedMode: work.stoppedMode ?? null,
      errorCode: work.lastError?.code ?? ErrorCode.Unexpected,
      attempts: work.attempts,
      requestId: work.requestId,
    });
  }
  return keep;
}

/** True for a start last refused for lack of capacity. */
function isCapacityRefusal(work: StopWork): boolean {
  return work.item.action === Action.Start && CAPACITY_CODES.has(work.lastError?.code ?? '');
}

/**
 * Settles `work` as failed with `DeadlineExceeded`, naming its last error when it had one. A start still
 * refused for lack of capacity fails with that code instead, and says what to do about it.
 */
export function failAtDeadline(ledger: OutcomeLedger, work: StopWork, tagKey = 'lights-out'): void {
  if (isCapacityRefusal(work)) {
    const { code, message } = work.lastError!;
    failWork(
      ledger,
      work,
      `no capacity to start the instance before the deadline (${code} in ${work.requests} requests: ${message}); ` +
        `start it again later (lights-out run --schedule ${work.item.schedule} --action start), or have it ` +
        `stopped with KeepCharging, which keeps its compute reserved: tag it ${tagKey}${STOPPED_MODE_TAG_SUFFIX}=KeepCharging`,
      code,
    );
    return;
  }
  const last = work.lastError ? `; last error ${work.lastError.code}: ${work.lastError.message}` : '';
  failWork(
    ledger,
    work,
    `deadline reached before the instance was stopped${last}`,
    ErrorCode.DeadlineExceeded,
  );
}

/** Settles one instance as `failed`, with the mode, attempts and request ID its work carried so far. */
export function failWork(ledger: OutcomeLedger, work: StopWork, reason: string, errorCode: string): void {
  ledger.settle(work.index, {
    outcome: Outcome.Failed,
    reason,
    stoppedMode: work.stoppedMode ?? null,
    errorCode,
    attempts: work.attempts,
    requestId: work.requestId,
  });
}
