/**
 * Stops one region's instances as a pipeline, not in rounds: the first batches are the plan's (grouped,
 * sorted, 100 IDs to a call, the tokens every invocation of the tick shares); every refused instance goes back
 * into the region's queue at once with its own not-before time, and batches are formed from whatever is ready
 * and sent as soon as the region's limiter grants a slot, up to `concurrency` at a time. No batch waits for
 * another. Stops and starts go through the same pipeline; each batch carries one action (`batch.action`),
 * which picks the API call. The same request retried keeps its token; each new batch gets a new one (see token.ts).
 */
import { SETTING_DEFAULTS } from '../defaults.js';
import { ErrorCode, errorCodeOf, VolcApiError } from '../errors.js';
import { STOPPED_MODE_TAG_SUFFIX } from '../plan/index.js';
import { Action } from '../schedule/index.js';
import type { OperationDetail, OperationResult, StopInstancesParams } from '../volc/index.js';
import {
  apiAction,
  groupKey,
  MAX_IDS_PER_CALL,
  makeBatches,
  rebatch,
  type StopBatch,
  type StopWork,
} from './batches.js';
import { ApiCode, CAPACITY_CODES } from './codes.js';
import { limited, type RegionContext, sendInSlot } from './context.js';
import type { OutcomeLedger } from './ledger.js';
import { resolveStatusLookups } from './lookup.js';
import { backoffDelayMs, isThrottleError, requeueDelayMs, requeuePatience, retrying } from './retry.js';
import { routeDetail } from './route.js';
import { Outcome } from './types.js';

/**
 * The fill time: how long a re-batch with fewer than 100 ready IDs waits for more of its group. It goes once
 * nothing more can join it (none of its group waiting or in flight, and the region's listing over); else once
 * its oldest ID has been ready one fill time, or four fill times while company is expected: a batch of its
 * group in flight (whose refused IDs would join it), or the region's listing still open (the next pages' plan
 * batches will bring refused IDs of their own). In ms; the pipeline uses the smaller of this and one request
 * interval of the region's limiter.
 * @default 50
 */
export const DEFAULT_BATCH_FILL_MS = 50;

/** The longest wait of a start refused for lack of capacity (retry.capMs when that is longer). */
export const CAPACITY_CAP_MS = 20_000;

/** While company is expected (see DEFAULT_BATCH_FILL_MS), a small batch waits up to this many fill times for it. */
const FILL_WAIT_LIMIT = 4;

/** A refused instance waiting in the queue. */
interface Queued {
  work: StopWork;
  readyAtMs: number;
}

/** Stops `works` (all in `ctx.region`); every one of them is settled when this resolves. */
export async function stopRegion(ctx: RegionContext, works: readonly StopWork[]): Promise<void> {
  await new RegionPipeline(ctx, works).run();
}

/** A region's pipeline whose plan batches arrive while it runs (see {@link openRegion}). */
export interface RegionFeed {
  /** More plan batches, sent in the order given, after any given before. */
  push(batches: readonly StopBatch[]): void;
  /** No more plan batches will come: `done` resolves once the region's work is settled. */
  close(): void;
  /** Settles when the pipeline has ended; rejects only on a bug. */
  readonly done: Promise<void>;
}

/**
 * Opens `ctx.region`'s pipeline with no plan batches yet: the listing feeds it page by page while later pages
 * are read (lib/stop/execute.ts). Until {@link RegionFeed.close} the pipeline waits for more rather than ending.
 */
export function openRegion(ctx: RegionContext): RegionFeed {
  const pipeline = new RegionPipeline(ctx, [], true);
  return { push: (batches) => pipeline.push(batches), close: () => pipeline.close(), done: pipeline.run() };
}

/** One region's queue, its batches in flight and the loop that forms and sends them. */
class RegionPipeline {
  readonly #ctx: RegionContext;
  /** The plan's batches not sent yet, in order. */
  readonly #fresh: StopBatch[];
  /** Refused instances by batch group, in the order they came back. */
  readonly #queue = new Map<string, Queued[]>();
  /** Instances in flight (in a batch or a status look-up) per batch group. */
  readonly #outstanding = new Map<string, number>();
  readonly #tasks = new Set<Promise<void>>();
  /** Groups whose next batch waits for its slot. */
  readonly #claimed = new Set<string>();
  #inFlight = 0;
  /** Re-batches sent so far in this region: the sequence number in their tokens. */
  #sequence = 0;
  readonly #fillMs: number;
  /**
   * Instances the region has to stop (start), plan batches pushed later included: how long the refusal streaks
   * chance gives may be (see requeuePatience).
   */
  #instances: number;
  /** Starts refused for lack of capacity so far, per instance: the step of its capacity backoff. */
  readonly #capacityRefusals = new Map<StopWork, number>();
  /** Instances the region's answers named (or refused as a whole) so far, and how many were refused. */
  readonly #answered = { instances: 0, refused: 0 };
  #signal: (() => void) | undefined;
  #alarmAtMs = Number.POSITIVE_INFINITY;
  /** True while more plan batches may be pushed (see openRegion): the loop does not end before. */
  #open: boolean;

  constructor(ctx: RegionContext, works: readonly StopWork[], open = false) {
    this.#ctx = ctx;
    this.#open = open;
    this.#fresh = makeBatches(works, 0, ctx.run.runId);
    this.#fillMs = Math.min(ctx.batchFillMs ?? DEFAULT_BATCH_FILL_MS, ctx.limiter.intervalMs);
    this.#instances = works.length;
  }

  async run(): Promise<void> {
    const { retry } = this.#ctx;
    for (;;) {
      const nowMs = retry.nowMs();
      // No slot before the deadline: nothing queued will be sent (waiting for the slot would only pass it).
      const lastChance = Math.max(nowMs, this.#ctx.limiter.nextSlotAtMs) >= retry.deadlineAtMs;
      if (lastChance) this.#failQueuedAtDeadline();
      if (!this.#open && this.#fresh.length === 0 && this.#queue.size === 0 && this.#tasks.size === 0) return;
      let untilMs = Number.POSITIVE_INFINITY;
      if (this.#inFlight < this.#ctx.concurrency && !lastChance) {
        const next = this.#pick(nowMs);
        if ('untilMs' in next) untilMs = next.untilMs;
        else {
          this.#start(next);
          continue;
        }
      }
      await this.#wait(nowMs, untilMs);
    }
  }

  push(batches: readonly StopBatch[]): void {
    this.#fresh.push(...batches);
    for (const batch of batches) this.#instances += batch.works.length;
    this.#notify();
  }

  close(): void {
    this.#open = false;
    this.#notify();
  }

  /**
   * What to send next, or when to look again. In order: a group with 100 ready IDs; the plan's next batch; a
   * group whose ready IDs cannot expect company (nothing of the group in flight or waiting, the listing over)
   * or whose oldest ready ID has waited the fill time. A group's batch is formed only when its slot comes (see
   * #start), so it takes every ID ready by then; a group already waiting for a slot is not picked again.
   */
  #pick(nowMs: number): { batch: StopBatch } | { key: string } | { untilMs: number } {
    let untilMs = Number.POSITIVE_INFINITY;
    const candidates: { key: string; waiting: number; oldestMs: number }[] = [];
    for (const [key, queued] of this.#queue) {
      if (this.#claimed.has(key)) continue;
      const ready: Queued[] = [];
      let oldestMs = Number.POSITIVE_INFINITY;
      for (const entry of queued) {
        if (entry.readyAtMs <= nowMs) {
          ready.push(entry);
          oldestMs = Math.min(oldestMs, entry.readyAtMs);
        } else untilMs = Math.min(untilMs, entry.readyAtMs);
      }
      if (ready.length >= MAX_IDS_PER_CALL) return { key };
      if (ready.length > 0) candidates.push({ key, waiting: queued.length - ready.length, oldestMs });
    }
    const fresh = this.#fresh.shift();
    if (fresh !== undefined) return { batch: fresh };
    for (const { key, waiting, oldestMs } of candidates) {
      // In flight, more of the group will likely come back soon (refused ones are ready again within one
      // interval), and while the listing is open the next pages' plan batches will bring refused ones of their
      // own (pages come at the listing's pace, and an answer often comes back before the next page): a small
      // batch waits for them, up to FILL_WAIT_LIMIT fill times, rather than splitting the refused instances
      // over one small call per page.
      const expecting = (this.#outstanding.get(key) ?? 0) > 0 || this.#open;
      const fillUntilMs = expecting ? oldestMs + FILL_WAIT_LIMIT * this.#fillMs : oldestMs + this.#fillMs;
      // Company is not worth missing the last slot before the deadline for.
      const sendAtMs = Math.min(fillUntilMs, Math.max(oldestMs, this.#lastTryAtMs));
      if ((waiting === 0 && !expecting) || sendAtMs <= nowMs) return { key };
      untilMs = Math.min(untilMs, sendAtMs);
    }
    return { untilMs };
  }

  /** Takes the ready IDs of group `key` (at most 100) out of its queue into a new re-batch, if any are. */
  #take(key: string): StopBatch | undefined {
    const nowMs = this.#ctx.retry.nowMs();
    const ready = (this.#queue.get(key) ?? []).filter((entry) => entry.readyAtMs <= nowMs);
    if (ready.length === 0) return undefined;
    const taken = new Set(ready.slice(0, MAX_IDS_PER_CALL));
    const left = this.#queue.get(key)!.filter((entry) => !taken.has(entry));
    if (left.length === 0) this.#queue.delete(key);
    else this.#queue.set(key, left);
    this.#sequence += 1;
    // A re-batch is a retry too, with a new token because it is a new request (see token.ts).
    this.#ctx.run.stats.retries += 1;
    return rebatch(
      [...taken].map((entry) => entry.work),
      this.#sequence,
      this.#ctx.run.runId,
    );
  }

  /**
   * Waits for a slot of the region's limiter, then forms the batch (a group's: from the IDs ready by then)
   * and sends it; up to `concurrency` of these at once.
   */
  #start(next: { batch: StopBatch } | { key: string }): void {
    this.#inFlight += 1;
    if ('key' in next) this.#claimed.add(next.key);
    let sent: { key: string; size: number } | undefined;
    const task = (async () => {
      await this.#ctx.limiter.acquire();
      if ('key' in next) this.#claimed.delete(next.key);
      if (this.#ctx.retry.nowMs() >= this.#ctx.retry.deadlineAtMs) {
        // Too late to send: a plan batch fails here, queued IDs where the loop fails the queue.
        if ('batch' in next) for (const work of next.batch.works) this.#failLate(work);
        return;
      }
      const batch = 'batch' in next ? next.batch : this.#take(next.key);
      // The group may claim the next slot now, while this batch is in flight: otherwise only an answer would
      // wake the loop, and a group whose instances piled up while the lane was held would go one batch per
      // round trip however fast its limiter allows.
      if ('key' in next) this.#notify();
      if (batch === undefined) return;
      const key = groupKey(batch.works[0]!);
      sent = { key, size: batch.works.length };
      this.#outstanding.set(key, (this.#outstanding.get(key) ?? 0) + batch.works.length);
      await this.#send(batch);
    })().finally(() => {
      this.#inFlight -= 1;
      if (sent !== undefined) {
        this.#outstanding.set(sent.key, (this.#outstanding.get(sent.key) ?? 0) - sent.size);
      }
      this.#tasks.delete(task);
      this.#notify();
    });
    this.#tasks.add(task);
  }

  #failLate(work: StopWork): void {
    failAtDeadline(this.#ctx.ledger, work, this.#ctx.run.tagKey);
  }

  async #send(batch: StopBatch): Promise<void> {
    const ctx = this.#ctx;
    const answer = await sendBatch(ctx, batch, true);
    if ('throttled' in answer) {
      // The whole request was refused before anything was done: its instances are simply not sent yet.
      const { code, message } = answer.throttled;
      this.#answered.instances += batch.works.length;
      this.#answered.refused += batch.works.length;
      for (const work of batch.works) {
        work.lastError = { code, message };
        this.#requeue(work, true);
      }
      return;
    }
    if ('error' in answer) {
      failBatch(ctx, batch, answer.error);
      return;
    }
    const again: StopWork[] = [];
    const lookUps: StopWork[] = [];
    routeAnswer(ctx, batch, answer.result, { rebatch: again, lookUp: lookUps });
    this.#answered.instances += batch.works.length;
    this.#answered.refused += again.length;
    // One jitter per answer: the instances it refused alike wait alike, and come back as one batch.
    const jitter = this.#ctx.retry.random();
    // Throttling and (for a start) lack of capacity say "later", not "no": stock comes back as machines stop.
    for (const work of again) {
      const throttled = work.lastError?.code === ApiCode.FlowLimitExceeded || isCapacityRefusal(work);
      this.#requeue(work, throttled, () => jitter);
    }
    if (lookUps.length > 0) this.#lookUp(lookUps);
  }

  /**
   * Looks InvalidInstanceStatus answers and left-out instances up at once, beside the batches: an instance
   * already stopped must not wait behind throttled ones, and one left out but still RUNNING is re-queued.
   */
  #lookUp(works: StopWork[]): void {
    const key = groupKey(works[0]!);
    this.#outstanding.set(key, (this.#outstanding.get(key) ?? 0) + works.length);
    const task = resolveStatusLookups(this.#ctx, works)
      .then((again) => {
        for (const work of again) this.#requeue(work, false);
      })
      .finally(() => {
        this.#outstanding.set(key, (this.#outstanding.get(key) ?? 0) - works.length);
        this.#tasks.delete(task);
        this.#notify();
      });
    this.#tasks.add(task);
  }

  /**
   * Puts a refused instance back in the queue, ready at once or after its own wait (see #delayMs), or settles
   * it: failed once it was refused in `maxAttempts` requests (throttling and capacity refusals excepted: they
   * say "later", not "no", and only the deadline ends them), failed at the deadline when its wait would pass it
   * (a start refused for capacity first gets one last try, one request interval before the deadline).
   */
  #requeue(work: StopWork, throttled: boolean, random: () => number = this.#ctx.retry.random): void {
    const { retry, ledger } = this.#ctx;
    if (!throttled && work.requests >= retry.policy.maxAttempts) {
      failExhausted(ledger, work);
      return;
    }
    const delayMs = this.#delayMs(work, throttled, random);
    const nowMs = retry.nowMs();
    let readyAtMs = nowMs + delayMs;
    if (readyAtMs >= retry.deadlineAtMs && isCapacityRefusal(work) && nowMs < this.#lastTryAtMs) {
      // Stock can come back at any moment: a start whose capacity wait would pass the deadline gets one last
      // try just before it, rather than failing up to CAPACITY_CAP_MS early.
      readyAtMs = this.#lastTryAtMs;
    }
    if (readyAtMs >= retry.deadlineAtMs) {
      failAtDeadline(ledger, work, this.#ctx.run.tagKey);
      return;
    }
    const key = groupKey(work);
    const queued = this.#queue.get(key);
    if (queued) queued.push({ work, readyAtMs });
    else this.#queue.set(key, [{ work, readyAtMs }]);
  }

  /**
   * How long a refused instance waits before it may join a batch again:
   * - throttled (the request, or the instance in its answer) or sent again with KeepCharging: not at all, at
   *   first (see requeueDelayMs); the limiter paces the region, and the instances refused together are ready
   *   together, to fill the next batch;
   * - refused for lack of capacity (a start): stock comes back as other machines stop, on the scale of seconds
   *   to minutes, not of request slots, so it backs off from its first such refusal, doubling from
   *   `retry.baseMs` with each one up to CAPACITY_CAP_MS;
   * - anything else (a lock, an image being made, an internal error): the ordinary backoff, doubling from
   *   `retry.baseMs` up to `retry.capMs`: re-sending at once would spend its `maxAttempts` within a second.
   */
  #delayMs(work: StopWork, throttled: boolean, random: () => number): number {
    const { policy } = this.#ctx.retry;
    if (isCapacityRefusal(work)) {
      // Counted apart from its other refusals: a start throttled a few times first still waits short.
      const refusals = (this.#capacityRefusals.get(work) ?? 0) + 1;
      this.#capacityRefusals.set(work, refusals);
      const capMs = Math.max(policy.capMs, CAPACITY_CAP_MS);
      return backoffDelayMs({ ...policy, capMs }, refusals - 1, random);
    }
    if (throttled || work.lastError?.code === work.fallbackFrom) {
      const { instances, refused } = this.#answered;
      const patience = requeuePatience(instances === 0 ? 0 : refused / instances, this.#instances);
      return requeueDelayMs(policy, work.requests, random, patience);
    }
    return backoffDelayMs(policy, work.requests - 1, random);
  }

  /** The last moment worth forming a batch at: one request interval before the deadline. */
  get #lastTryAtMs(): number {
    return this.#ctx.retry.deadlineAtMs - this.#ctx.limiter.intervalMs;
  }

  /** The deadline came: nothing queued or not yet sent will be. */
  #failQueuedAtDeadline(): void {
    for (const batch of this.#fresh.splice(0)) {
      for (const work of batch.works) failAtDeadline(this.#ctx.ledger, work, this.#ctx.run.tagKey);
    }
    for (const queued of this.#queue.values()) {
      for (const { work } of queued) failAtDeadline(this.#ctx.ledger, work, this.#ctx.run.tagKey);
    }
    this.#queue.clear();
  }

  /** Waits for an answer, a look-up's end, or `untilMs`, whichever comes first. */
  async #wait(nowMs: number, untilMs: number): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      this.#signal = resolve;
    });
    const { retry } = this.#ctx;
    // Only a wait for a time is a timer: answers wake the loop themselves (a timer at the deadline would let a
    // virtual clock jump there while requests are in flight). Past the deadline nothing new is sent.
    const atMs =
      nowMs < retry.deadlineAtMs && Number.isFinite(untilMs)
        ? Math.min(untilMs, retry.deadlineAtMs)
        : Number.POSITIVE_INFINITY;
    if (atMs < this.#alarmAtMs && Number.isFinite(atMs)) {
      this.#alarmAtMs = atMs;
      void retry.sleep(Math.max(0, atMs - nowMs)).then(() => {
        if (this.#alarmAtMs === atMs) this.#alarmAtMs = Number.POSITIVE_INFINITY;
        this.#notify();
      });
    }
    await woken;
  }

  #notify(): void {
    const signal = this.#signal;
    this.#signal = undefined;
    signal?.();
  }
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

/** Sends `batch`; `slotHeld` when its first attempt already has a slot of the region's limiter. */
async function sendBatch(
  ctx: RegionContext,
  batch: StopBatch,
  slotHeld = false,
): Promise<
  { result: OperationResult } | { error: unknown } | { throttled: { code: string; message: string } }
> {
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
  // carry one instance (see RegionPipeline.requeue): a re-batch starts with a full budget, so one 429 on a
  // re-batch cannot fail instances that were only ever refused one by one.
  for (const work of batch.works) work.requests += 1;
  let first: { error: unknown } | undefined;
  try {
    return { result: await (slotHeld ? sendInSlot(ctx, send) : limited(ctx, send)) };
  } catch (error) {
    // Throttled at its first attempt, the request was refused before anything was done: its instances go
    // back to the queue and join the next batch ready. After an answer that may have done the work (a 500,
    // a lost answer), only the same request under the same token is safe, so the retries below keep it.
    if (isThrottleError(error)) {
      const code = error instanceof VolcApiError ? error.code : ApiCode.FlowLimitExceeded;
      return { throttled: { code, message: error instanceof Error ? error.message : String(error) } };
    }
    first = { error };
  }
  try {
    // Every attempt sends the same `params`, ClientToken included: that is what makes the retry safe.
    const result = await retrying(
      async () => {
        if (first !== undefined) {
          const { error } = first;
          first = undefined;
          throw error;
        }
        return limited(ctx, send);
      },
      {
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
      },
    );
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
 * Settles an instance refused in `maxAttempts` requests with its last error. Requests are counted per
 * instance (ClientTokens), not HTTP attempts: the attempts of one request have their own budget in
 * `retrying`. Throttling never exhausts an instance (see RegionPipeline.requeue).
 */
function failExhausted(ledger: OutcomeLedger, work: StopWork): void {
  ledger.settle(work.index, {
    outcome: Outcome.Failed,
    reason: `gave up after ${work.requests} requests (${work.attempts} attempts): ${work.lastError?.message ?? 'no answer'}`,
    stoppedMode: work.stoppedMode ?? null,
    errorCode: work.lastError?.code ?? ErrorCode.Unexpected,
    attempts: work.attempts,
    requestId: work.requestId,
  });
}

/** True for a start last refused for lack of capacity. */
function isCapacityRefusal(work: StopWork): boolean {
  return work.item.action === Action.Start && CAPACITY_CODES.has(work.lastError?.code ?? '');
}

/**
 * Settles `work` as failed with `DeadlineExceeded`, naming its last error when it had one. A start still
 * refused for lack of capacity fails with that code instead, and says what to do about it.
 */
export function failAtDeadline(
  ledger: OutcomeLedger,
  work: StopWork,
  tagKey: string = SETTING_DEFAULTS.tagKey,
): void {
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
