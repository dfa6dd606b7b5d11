import { describe, expect, it } from 'vitest';
import { SetupError } from '../../../lib/errors.js';
import { executePlan } from '../../../lib/stop/execute.js';
import {
  defaultOptions,
  ids,
  makePlan,
  outcomeLines,
  skipItem,
  startItem,
  stopItem,
  world,
} from './helpers.js';

function expectOneOutcomeEach(lines: Record<string, unknown>[], instanceIds: string[]) {
  const logged = outcomeLines(lines).map((l) => l.instanceId);
  expect([...logged].sort()).toEqual([...instanceIds].sort());
}

describe('executePlan: deadline', () => {
  it('sends nothing at or after the deadline and fails every unfinished instance with DeadlineExceeded', async () => {
    const w = world({ faults: { latencyMs: 1_000 } });
    const all = ids(1000);
    w.ecs.add('cn-beijing', all);
    const deadlineAtMs = w.clock.nowMs() + 1_500;
    const { outcomes, summary } = await w.run(makePlan(all.map((id) => stopItem(id))), { deadlineAtMs });
    const calls = w.ecs.stopCalls();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThan(10);
    expect(calls.every((c) => c.atMs < deadlineAtMs)).toBe(true);
    const late = outcomes.filter((o) => o.outcome === 'failed');
    expect(summary.outcomes.stopped).toBe(calls.length * 100);
    expect(late).toHaveLength(1000 - calls.length * 100);
    expect(late.every((o) => o.errorCode === 'DeadlineExceeded' && o.attempts === 0)).toBe(true);
    expect(outcomes).toHaveLength(1000);
    expectOneOutcomeEach(w.lines, all);
  });

  it('stops re-batching when the next backoff would pass the deadline, naming the last error', async () => {
    const w = world({ random: () => 0.5 });
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.instanceCodes('i-2', ...Array(500).fill('FlowLimitExceeded'));
    const deadlineAtMs = w.clock.nowMs() + 10_000;
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]), {
      deadlineAtMs,
      retry: { baseMs: 1_000, capMs: 60_000, maxAttempts: 50 },
    });
    expect(outcomes[0]).toMatchObject({ outcome: 'stopped' });
    expect(outcomes[1]).toMatchObject({ outcome: 'failed', errorCode: 'DeadlineExceeded' });
    expect(outcomes[1]!.attempts).toBeGreaterThan(1);
    expect(outcomes[1]!.reason).toContain('FlowLimitExceeded');
    expect(w.ecs.stopCalls().every((c) => c.atMs < deadlineAtMs)).toBe(true);
    expect(w.clock.nowMs()).toBeLessThan(deadlineAtMs);
  });

  it('gives a start refused for capacity a last try one request interval before the deadline, not a wait early', async () => {
    const w = world({ random: () => 0.99 });
    w.ecs.add('cn-beijing', ['i-1'], { Status: 'STOPPED', StoppedMode: 'StopCharging' });
    w.ecs.instanceCodes('i-1', ...Array(500).fill('Insufficient.InstanceCapacity'));
    const deadlineAtMs = w.clock.nowMs() + 60_000;
    const { outcomes } = await w.run(makePlan([startItem('i-1')]), { deadlineAtMs, rateLimit: { qps: 10 } });
    expect(outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: 'Insufficient.InstanceCapacity' });
    const starts = w.ecs.calls.filter((c) => c.action === 'StartInstances').map((c) => c.atMs);
    // The capacity waits double towards 20 s (nearly all of it at this jitter), so the one before the last
    // would pass the deadline: instead of failing then, the instance is sent once more, 100 ms before it.
    expect(starts.at(-1)).toBe(deadlineAtMs - 100);
    expect(starts.at(-2)! + 20_000).toBeGreaterThan(deadlineAtMs);
  });

  it('cuts request-level retries at the deadline', async () => {
    const w = world({ random: () => 0.9 });
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.script({ action: 'StopInstances', error: 'InternalError', count: 20 });
    const t0 = w.clock.nowMs();
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]), {
      deadlineAtMs: t0 + 2_000,
      retry: { baseMs: 200, capMs: 20_000, maxAttempts: 20 },
    });
    expect(outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: 'DeadlineExceeded' });
    expect(outcomes[0]!.reason).toContain('InternalError');
    expect(outcomes[0]!.attempts).toBe(w.ecs.stopCalls().length);
    expect(w.clock.nowMs()).toBeLessThan(t0 + 2_000);
  });

  it('fails every stop at once when the deadline has already passed, and still settles skips', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    const plan = makePlan([
      stopItem('i-1'),
      skipItem('i-3', 'snoozed'),
      stopItem('i-2', { region: 'cn-shanghai' }),
    ]);
    const { outcomes } = await w.run(plan, { deadlineAtMs: w.clock.nowMs() });
    expect(w.ecs.calls).toEqual([]);
    expect(outcomes.map((o) => [o.outcome, o.errorCode])).toEqual([
      ['failed', 'DeadlineExceeded'],
      ['skipped', null],
      ['failed', 'DeadlineExceeded'],
    ]);
    expectOneOutcomeEach(w.lines, ['i-1', 'i-2', 'i-3']);
  });

  it('looks an already-stopped instance up after its round, not behind throttled ones that meet the deadline', async () => {
    // Slow answers: a later round's request is still in flight when the deadline passes.
    const w = world({ random: () => 0.5, faults: { latencyMs: 3_000 } });
    w.ecs.add('cn-beijing', ['i-stopped'], { Status: 'STOPPED', StoppedMode: 'KeepCharging' });
    w.ecs.add('cn-beijing', ['i-throttled']);
    w.ecs.instanceCodes('i-throttled', ...Array(50).fill('FlowLimitExceeded'));
    const { outcomes } = await w.run(makePlan([stopItem('i-stopped'), stopItem('i-throttled')]), {
      deadlineAtMs: w.clock.nowMs() + 10_000,
      retry: { baseMs: 1_000, capMs: 60_000, maxAttempts: 50 },
    });
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.errorCode])).toEqual([
      ['i-stopped', 'already-stopped', null],
      ['i-throttled', 'failed', 'DeadlineExceeded'],
    ]);
  });

  it('fails InvalidInstanceStatus look-ups cut by the deadline with DeadlineExceeded', async () => {
    const w = world({ faults: { latencyMs: 1_000 } });
    w.ecs.add('cn-beijing', ['i-1'], { Status: 'STOPPED' });
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]), { deadlineAtMs: w.clock.nowMs() + 500 });
    expect(w.ecs.calls.map((c) => c.action)).toEqual(['StopInstances']);
    expect(outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: 'DeadlineExceeded', attempts: 1 });
  });
});

describe('executePlan: failures outside the API', () => {
  it('fails only the region whose client cannot be built; the others still stop', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    const deps = {
      ...w.deps,
      clientFor: (region: string) => {
        if (region === 'cn-shanghai') throw new SetupError('InvalidEndpoint', `no endpoint for ${region}`);
        return w.ecs.clientFor(region);
      },
    };
    const plan = makePlan([
      stopItem('i-1'),
      stopItem('i-2', { region: 'cn-shanghai' }),
      skipItem('i-3', 'snoozed'),
    ]);
    const { outcomes } = await executePlan(plan, deps, defaultOptions(w.clock));
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.errorCode])).toEqual([
      ['i-1', 'stopped', null],
      ['i-2', 'failed', 'InvalidEndpoint'],
      ['i-3', 'skipped', null],
    ]);
    expectOneOutcomeEach(w.lines, ['i-1', 'i-2', 'i-3']);
  });

  it('fails every stop with the error code when the run cannot start (a bad rate setting)', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), skipItem('i-2', 'snoozed')]), {
      rateLimit: { qps: 0 },
    });
    expect(w.ecs.calls).toEqual([]);
    expect(outcomes.map((o) => [o.outcome, o.errorCode])).toEqual([
      ['failed', 'UsageError'],
      ['skipped', null],
    ]);
    expect(outcomes[0]!.reason).toMatch(/rateLimit\.qps/);
    expect(w.lines.filter((l) => l.event === 'stop.unsettled')).toHaveLength(1);
  });
});
