import { describe, expect, it } from 'vitest';
import { ids, makePlan, outcomeLines, skipItem, stopItem, world } from './helpers.js';

describe('executePlan: batching', () => {
  it('stops 1,000 instances of one group with exactly 10 StopInstances calls', async () => {
    const w = world();
    const all = ids(1000);
    w.ecs.add('cn-beijing', all);
    const { outcomes, summary } = await w.run(makePlan(all.map((id) => stopItem(id))));
    const calls = w.ecs.stopCalls();
    expect(calls).toHaveLength(10);
    expect(calls.every((c) => c.instanceIds.length === 100 && c.stoppedMode === 'StopCharging')).toBe(true);
    expect(new Set(calls.flatMap((c) => c.instanceIds)).size).toBe(1000);
    expect(new Set(calls.map((c) => c.clientToken)).size).toBe(10);
    expect(outcomes.every((o) => o.outcome === 'stopped' && o.attempts === 1 && o.requestId !== null)).toBe(
      true,
    );
    expect(summary.outcomes).toEqual({
      stopped: 1000,
      'already-stopped': 0,
      started: 0,
      'already-running': 0,
      skipped: 0,
      gone: 0,
      failed: 0,
      'dry-run': 0,
    });
    expect(summary.apiCalls).toMatchObject({ StopInstances: 10, DescribeInstances: 0 });
    expect(summary.retries).toBe(0);
    expect(outcomeLines(w.lines)).toHaveLength(1000);
  });

  it('makes one call per group and per 100 IDs across regions, modes, force and fires', async () => {
    const w = world();
    const bjAuto = ids(250, 'a');
    const bjKeepForced = ids(30, 'k');
    const bjOtherFire = ids(5, 'f');
    const sh = ids(120, 's');
    w.ecs.add('cn-beijing', [...bjAuto, ...bjKeepForced, ...bjOtherFire]).add('cn-shanghai', sh);
    const plan = makePlan([
      ...bjAuto.map((id) => stopItem(id)),
      ...bjKeepForced.map((id) => stopItem(id, { stoppedMode: 'KeepCharging', forceStop: true })),
      ...bjOtherFire.map((id) => stopItem(id, { schedule: 'nightly', fireTime: '2026-01-05T20:00:00.000Z' })),
      ...sh.map((id) => stopItem(id, { region: 'cn-shanghai' })),
    ]);
    const { summary } = await w.run(plan);
    const bj = w.ecs.stopCalls('cn-beijing');
    const shCalls = w.ecs.stopCalls('cn-shanghai');
    expect(bj.map((c) => c.instanceIds.length).sort((a, b) => a - b)).toEqual([5, 30, 50, 100, 100]);
    expect(shCalls.map((c) => c.instanceIds.length).sort((a, b) => a - b)).toEqual([20, 100]);
    const forced = bj.find((c) => c.instanceIds.includes(bjKeepForced[0]!))!;
    expect(forced).toMatchObject({ stoppedMode: 'KeepCharging', forceStop: true });
    expect(forced.instanceIds.every((id) => bjKeepForced.includes(id))).toBe(true);
    expect(summary.outcomes.stopped).toBe(405);
    expect(summary.regions).toEqual(['cn-beijing', 'cn-shanghai']);
    expect(summary.fires).toHaveLength(2);
  });

  it('settles skip items from the plan without any call', async () => {
    const w = world();
    const plan = makePlan([
      skipItem('i-1', 'not-running:STOPPED'),
      skipItem('i-2', 'unknown-schedule', { fireTime: null, schedule: 'typo' }),
      skipItem('i-3', 'snoozed'),
    ]);
    const { outcomes, summary } = await w.run(plan);
    expect(w.ecs.calls).toEqual([]);
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.reason, o.attempts])).toEqual([
      ['i-1', 'skipped', 'not-running:STOPPED', 0],
      ['i-2', 'skipped', 'unknown-schedule', 0],
      ['i-3', 'skipped', 'snoozed', 0],
    ]);
    expect(summary.unknownSchedule).toBe(1);
  });

  it('sends nothing on a dry run and reports every stop as dry-run with the plan reason', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    const plan = makePlan([
      stopItem('i-1', { reason: 'auto: PostPaid' }),
      stopItem('i-2'),
      skipItem('i-3', 'snoozed'),
    ]);
    const { outcomes, summary } = await w.run(plan, {
      dryRun: true,
      verify: { enabled: true, timeoutMs: 1, intervalMs: 1 },
    });
    expect(w.ecs.calls).toEqual([]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['dry-run', 'dry-run', 'skipped']);
    expect(outcomes[0]).toMatchObject({
      reason: 'auto: PostPaid',
      stoppedMode: 'StopCharging',
      forceStop: false,
    });
    expect(summary).toMatchObject({ dryRun: true, guardRefused: false });
    expect(summary.notVerified).toBeUndefined();
  });

  it('refuses the whole run when the guard is exceeded, and stops when forced', async () => {
    const refused = world();
    const all = ids(5);
    refused.ecs.add('cn-beijing', all);
    const plan = makePlan(
      all.map((id) => stopItem(id)),
      3,
    );
    const result = await refused.run(plan);
    expect(refused.ecs.calls).toEqual([]);
    expect(result.summary.guardRefused).toBe(true);
    for (const o of result.outcomes) {
      expect(o).toMatchObject({ outcome: 'failed', errorCode: 'GuardRefused', attempts: 0 });
      expect(o.reason).toMatch(
        /5 stops exceed guard\.maxInstancesPerRun \(3\).*nothing was stopped.*--force/,
      );
    }

    const forced = world();
    forced.ecs.add('cn-beijing', all);
    const ok = await forced.run(plan, { force: true });
    expect(forced.ecs.stopCalls()).toHaveLength(1);
    expect(ok.summary).toMatchObject({ guardRefused: false, outcomes: { stopped: 5 } });
  });

  it('runs regions concurrently, at most concurrencyPerRegion batches in flight, at the limiter rate', async () => {
    const w = world({ faults: { latencyMs: 1_000 } });
    const bj = ids(1000, 'b');
    const sh = ids(300, 's');
    w.ecs.add('cn-beijing', bj).add('cn-shanghai', sh);
    const t0 = w.clock.nowMs();
    await w.run(
      makePlan([...bj.map((id) => stopItem(id)), ...sh.map((id) => stopItem(id, { region: 'cn-shanghai' }))]),
      { concurrencyPerRegion: 3, rateLimit: { qps: 5, burst: 1 } },
    );
    expect(w.ecs.maxInFlight.get('cn-beijing')).toBe(3);
    expect(w.ecs.maxInFlight.get('cn-shanghai')).toBe(3);
    // Both regions start at once: neither waits for the other.
    expect(w.ecs.stopCalls('cn-beijing')[0]!.atMs).toBe(t0);
    expect(w.ecs.stopCalls('cn-shanghai')[0]!.atMs).toBe(t0);
    // Within a region, calls are at least 1000/qps apart.
    const times = w.ecs.stopCalls('cn-beijing').map((c) => c.atMs);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(200);
  });

  it("sends a group's re-batches at its limiter's pace after a hold, not one per round trip", async () => {
    const w = world({ faults: { latencyMs: 100, retryAfterSeconds: 1 } });
    const all = ids(300);
    w.ecs.add('cn-beijing', all);
    // The three plan batches go at once (the burst) and are refused with a Retry-After of a second: their
    // 300 instances pile up in one group while the lane is held.
    w.ecs.script({ action: 'StopInstances', error: 'FlowLimitExceeded', count: 3 });
    const { summary } = await w.run(makePlan(all.map((id) => stopItem(id))), {
      concurrencyPerRegion: 3,
      rateLimit: { qps: 50, burst: 3 },
    });
    expect(summary.outcomes.stopped).toBe(300);
    const calls = w.ecs.stopCalls();
    const t0 = calls[0]!.atMs;
    expect(calls.slice(0, 3).map((c) => c.atMs - t0)).toEqual([0, 0, 0]);
    // After the hold, 20 ms apart (50/s), three in flight: not 100 ms apart, each waiting for the last answer.
    const rebatches = calls.slice(3).map((c) => c.atMs - t0);
    expect(rebatches.slice(1).map((t, i) => t - rebatches[i]!)).toEqual([20, 20]);
  });
});
