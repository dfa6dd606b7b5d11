import { describe, expect, it } from 'vitest';
import type { ScriptedFault } from '../../../lib/emulator/index.js';
import { ids, makePlan, stopItem, world } from './helpers.js';

describe('executePlan: request-level retries', () => {
  it('resends the same request with the same token after a lost answer, and stops nothing twice', async () => {
    const w = world();
    const all = ids(150);
    w.ecs.add('cn-beijing', all);
    // The first call is applied but its answer is lost (a 500 after the work was done).
    w.ecs.script({ action: 'StopInstances', error: 'InternalError', applied: true });
    const { outcomes, summary } = await w.run(makePlan(all.map((id) => stopItem(id))));
    const calls = w.ecs.stopCalls();
    expect(calls).toHaveLength(3);
    const [lost, retried] = calls.filter((c) => c.instanceIds.includes(calls[0]!.instanceIds[0]!));
    expect(retried!.clientToken).toBe(lost!.clientToken);
    expect(retried!.instanceIds).toEqual(lost!.instanceIds);
    expect(retried!.replayed).toBe(true);
    expect([...w.ecs.stopEffects.values()].every((n) => n === 1)).toBe(true);
    expect(w.ecs.stopEffects.size).toBe(150);
    expect(outcomes.filter((o) => o.attempts === 2)).toHaveLength(lost!.instanceIds.length);
    expect(outcomes.every((o) => o.outcome === 'stopped')).toBe(true);
    expect(summary.retries).toBe(1);
    expect(summary.apiCalls.StopInstances).toBe(3);
  });

  it('makes a second invocation of the same tick harmless: same batches, same tokens, replayed answers', async () => {
    const w = world();
    const all = ids(230);
    w.ecs.add('cn-beijing', all);
    const plan = makePlan(all.map((id) => stopItem(id)));
    await w.run(plan);
    const again = await w.run(makePlan([...plan.items].reverse()));
    const calls = w.ecs.stopCalls();
    expect(calls).toHaveLength(6);
    expect(
      calls
        .slice(3)
        .map((c) => c.clientToken)
        .sort(),
    ).toEqual(
      calls
        .slice(0, 3)
        .map((c) => c.clientToken)
        .sort(),
    );
    expect(calls.slice(3).every((c) => c.replayed)).toBe(true);
    expect([...w.ecs.stopEffects.values()].every((n) => n === 1)).toBe(true);
    expect(again.summary.outcomes.stopped).toBe(230);
  });

  it.each<[string, ScriptedFault, number, string]>([
    ['IdempotentProcessing', { error: 'IdempotentProcessing' }, 412, 'IdempotentProcessing'],
    ['InternalError', { error: 'InternalError' }, 500, 'InternalError'],
    ["a proxy's HTML 502", { answer: 'nonJson' }, 502, 'HTTP 502'],
    ['ServiceUnavailableTemp', { error: 'ServiceUnavailableTemp' }, 503, 'ServiceUnavailableTemp'],
    ['InternalServiceTimeout', { error: 'InternalServiceTimeout' }, 504, 'InternalServiceTimeout'],
    ['a dropped connection (ConnectionError)', { answer: 'drop' }, 0, 'no-answer'],
    ['no answer at all (Timeout)', { answer: 'hang' }, 0, 'no-answer'],
  ])('retries %s with the same token', async (_name, fault, status, result) => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.script({ action: 'StopInstances', ...fault });
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    const calls = w.ecs.stopCalls();
    expect(calls.map((c) => [c.record.httpStatus, c.result])).toEqual([
      [status, result],
      [200, 'ok'],
    ]);
    // Nothing was done by the first request: the second does it, under the same token.
    expect(calls[1]!.replayed).toBe(false);
    expect(calls[1]!.clientToken).toBe(calls[0]!.clientToken);
    expect(outcomes.map((o) => [o.outcome, o.attempts])).toEqual([
      ['stopped', 2],
      ['stopped', 2],
    ]);
  });

  it('fails the batch loudly on IdempotentParameterMismatch and does not retry it', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.script({ action: 'StopInstances', error: 'IdempotentParameterMismatch' });
    const { outcomes, summary } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    const calls = w.ecs.stopCalls();
    expect(calls).toHaveLength(1);
    // The outcome carries the RequestId of the answer, for a support ticket.
    const requestId = calls[0]!.record.requestId;
    expect(outcomes.map((o) => [o.outcome, o.errorCode, o.attempts, o.requestId])).toEqual([
      ['failed', 'IdempotentParameterMismatch', 1, requestId],
      ['failed', 'IdempotentParameterMismatch', 1, requestId],
    ]);
    expect(summary.retries).toBe(0);
    const loud = w.lines.find((l) => l.event === 'stop.batch-failed');
    expect(loud).toMatchObject({ level: 'error', errorCode: 'IdempotentParameterMismatch', instances: 2 });
  });

  it('fails the batch at once on a non-retryable request error', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.script({ action: 'StopInstances', error: 'AccessDenied' });
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]));
    expect(w.ecs.stopCalls()).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: 'AccessDenied', attempts: 1 });
    expect(outcomes[0]!.reason).toContain('AccessDenied');
  });

  it('fails the batch with the last code when attempts run out', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.script({ action: 'StopInstances', error: 'ServiceUnavailableTemp', count: 5 });
    const { outcomes, summary } = await w.run(makePlan([stopItem('i-1')]), {
      retry: { baseMs: 100, capMs: 1_000, maxAttempts: 3 },
    });
    expect(w.ecs.stopCalls()).toHaveLength(3);
    expect(outcomes[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'ServiceUnavailableTemp',
      attempts: 3,
    });
    expect(summary.retries).toBe(2);
  });

  it('sends a request throttled at its first attempt again as a new batch (nothing was done), under a new token', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.script({ action: 'StopInstances', error: 'FlowLimitExceeded' });
    const { outcomes, summary } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    const calls = w.ecs.stopCalls();
    expect(calls.map((c) => c.result)).toEqual(['FlowLimitExceeded', 'ok']);
    expect(calls[1]!.instanceIds).toEqual(calls[0]!.instanceIds);
    expect(calls[1]!.clientToken).not.toBe(calls[0]!.clientToken);
    expect(outcomes.map((o) => [o.outcome, o.attempts])).toEqual([
      ['stopped', 2],
      ['stopped', 2],
    ]);
    expect(summary.regionStats['cn-beijing']).toMatchObject({ throttled: 1, requests: 2 });
  });

  it('keeps the same token when the 429 follows an answer that may have done the work', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.script(
      { action: 'StopInstances', error: 'InternalError', applied: true },
      { action: 'StopInstances', error: 'FlowLimitExceeded' },
    );
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]));
    const tokens = w.ecs.stopCalls().map((c) => c.clientToken);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens).size).toBe(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'stopped', attempts: 3 });
    expect([...w.ecs.stopEffects.values()]).toEqual([1]);
  });

  it('does not slow the region for one 429 among many answers', async () => {
    const w = world({ random: () => 0 });
    const all = ids(1000);
    w.ecs.add('cn-beijing', all);
    w.ecs.script({ action: 'StopInstances', error: 'FlowLimitExceeded' });
    const { summary } = await w.run(makePlan(all.map((id) => stopItem(id))), {
      concurrencyPerRegion: 1,
      rateLimit: { qps: 10, burst: 1 },
    });
    const times = w.ecs.stopCalls().map((c) => c.atMs);
    // 10 qps = 100 ms apart, the throttled call's re-send included: one 429 is not the quota speaking.
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(Array(10).fill(100));
    expect(summary.regionStats['cn-beijing']!.lanes.stop).toMatchObject({ throttled: 1, requests: 11 });
  });

  it('slows the region when a real share of its answers is throttled, and says so in regionStats', async () => {
    const w = world({ random: () => 0 });
    const all = ids(2000);
    w.ecs.add('cn-beijing', all);
    // Every other request throttled for a while: half the answers say the rate is too high.
    for (let i = 0; i < 12; i++) {
      w.ecs.script(
        { action: 'StopInstances', error: 'FlowLimitExceeded' },
        { action: 'StopInstances', answer: 'ok' },
      );
    }
    const { summary } = await w.run(makePlan(all.map((id) => stopItem(id))), {
      concurrencyPerRegion: 1,
      rateLimit: { qps: 10 },
    });
    const times = w.ecs.stopCalls().map((c) => c.atMs);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(200);
    expect(gaps.at(-1)).toBe(100);
    const stats = summary.regionStats['cn-beijing']!;
    expect(stats.throttled).toBe(12);
    expect(stats.limiterWaitMs).toBeGreaterThan(0);
  });

  it('keeps its rate when only a few instances of an answer are refused (they join one re-batch at once)', async () => {
    const w = world();
    const all = ids(300);
    w.ecs.add('cn-beijing', all);
    for (const id of all.slice(0, 30)) w.ecs.instanceCodes(id, 'FlowLimitExceeded');
    await w.run(makePlan(all.map((id) => stopItem(id))), {
      concurrencyPerRegion: 1,
      rateLimit: { qps: 10, burst: 1 },
    });
    const times = w.ecs.stopCalls().map((c) => c.atMs);
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([100, 100, 100]);
    expect(w.ecs.stopCalls()).toHaveLength(4);
  });

  it('uses the burst at the start of a run: the first calls go at once, the rest at the rate', async () => {
    const w = world();
    const all = ids(1000);
    w.ecs.add('cn-beijing', all);
    await w.run(makePlan(all.map((id) => stopItem(id))), {
      concurrencyPerRegion: 10,
      rateLimit: { qps: 10, burst: 4 },
    });
    const t0 = w.ecs.stopCalls()[0]!.atMs;
    expect(w.ecs.stopCalls().map((c) => c.atMs - t0)).toEqual([0, 0, 0, 0, 100, 200, 300, 400, 500, 600]);
  });
});

describe('executePlan: per-instance re-batches', () => {
  it.each([
    ['FlowLimitExceeded', 'at once'],
    ['InternalError', 'after a backoff'],
    ['OperationDenied.ResourceLocked', 'after a backoff'],
    ['OperationDenied.InstanceIsCreatingImage', 'after a backoff'],
  ])('re-batches %s with a new token %s', async (code, when) => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2', 'i-3']);
    w.ecs.instanceCodes('i-2', code);
    const { outcomes, summary } = await w.run(makePlan(['i-1', 'i-2', 'i-3'].map((id) => stopItem(id))));
    const [first, second] = w.ecs.stopCalls();
    expect(first!.instanceIds).toEqual(['i-1', 'i-2', 'i-3']);
    expect(second!.instanceIds).toEqual(['i-2']);
    expect(second!.clientToken).not.toBe(first!.clientToken);
    // Throttling: the limiter (with a slot free) is the only pacing. A lock or an error: the backoff (random 0.5
    // of baseMs 200).
    expect(second!.atMs - first!.atMs).toBe(when === 'at once' ? 0 : 100);
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.attempts])).toEqual([
      ['i-1', 'stopped', 1],
      ['i-2', 'stopped', 2],
      ['i-3', 'stopped', 1],
    ]);
    expect(summary.retries).toBe(1);
  });

  it('sends a whole batch again under a new token when every instance was refused (no replayed answer)', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.instanceCodes('i-1', 'FlowLimitExceeded').instanceCodes('i-2', 'FlowLimitExceeded');
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    const [first, second] = w.ecs.stopCalls();
    expect(second!.instanceIds).toEqual(first!.instanceIds);
    expect(second!.clientToken).not.toBe(first!.clientToken);
    expect(second!.replayed).toBe(false);
    expect(outcomes.every((o) => o.outcome === 'stopped')).toBe(true);
  });

  it('fails an instance with its last code once it used maxAttempts', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.instanceCodes('i-1', ...Array(10).fill('OperationDenied.ResourceLocked'));
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]), {
      retry: { baseMs: 100, capMs: 1_000, maxAttempts: 4 },
    });
    expect(w.ecs.stopCalls()).toHaveLength(4);
    expect(new Set(w.ecs.stopCalls().map((c) => c.clientToken)).size).toBe(4);
    expect(outcomes[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'OperationDenied.ResourceLocked',
      attempts: 4,
    });
  });

  it('sends a throttled instance again at once, and backs it off only after a streak chance would not give', async () => {
    const w = world({ random: () => 0.5 });
    const all = ids(100);
    w.ecs.add('cn-beijing', all);
    // The others go through at once: one instance refused 13 times in a row is not what chance gives the
    // region (at most 1 refused in 100, then 1 in 1: patience 10). Per-instance refusals do not slow the limiter.
    w.ecs.instanceCodes(all[0]!, ...Array(13).fill('FlowLimitExceeded'));
    await w.run(makePlan(all.map((id) => stopItem(id))), {
      retry: { baseMs: 100, capMs: 10_000, maxAttempts: 30 },
      rateLimit: { qps: 10, burst: 1 },
    });
    const times = w.ecs.stopCalls().map((c) => c.atMs);
    // Ten refusals go again at the next slot (100 ms at 10 qps); then the waits double: 0.5 × 200, 0.5 × 400,
    // 0.5 × 800.
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([...Array(10).fill(100), 100, 200, 400]);
  });

  it('backs a locked instance off from its first refusal, doubling from baseMs up to capMs', async () => {
    const w = world({ random: () => 0.5 });
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.instanceCodes('i-1', ...Array(7).fill('OperationDenied.ResourceLocked'));
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]), {
      retry: { baseMs: 100, capMs: 1_000, maxAttempts: 30 },
    });
    const times = w.ecs.stopCalls().map((c) => c.atMs);
    // Random 0.5 of 100, 200, 400, 800, then of the cap.
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual([50, 100, 200, 400, 500, 500, 500]);
    expect(outcomes[0]).toMatchObject({ outcome: 'stopped', attempts: 8 });
  });

  it('holds refused instances for company only until the answer in flight with them, within four fill times', async () => {
    const w = world({ faults: { latencyMs: 1_000 } });
    const all = ids(200);
    w.ecs.add('cn-beijing', all);
    // The first batch's 10 refused instances are back at 1,000 ms; the second batch (sent at 100 ms) is still
    // in flight, and its refused instances would join them in one call. It answers at 1,100 ms, within four
    // fill times (4 × 50 ms), refusing none: the 10 go then, not at 1,200.
    for (const id of all.slice(0, 10)) w.ecs.instanceCodes(id, 'FlowLimitExceeded');
    await w.run(makePlan(all.map((id) => stopItem(id))), { rateLimit: { qps: 10, burst: 1 } });
    const [first, second, third] = w.ecs.stopCalls();
    expect(second!.atMs - first!.atMs).toBe(100);
    expect(third!.instanceIds).toEqual(all.slice(0, 10));
    expect(third!.atMs - first!.atMs).toBe(1_100);
  });
});
