import { describe, expect, it } from 'vitest';
import { InstanceErrors } from '../../../lib/emulator/index.js';
import { ids, makePlan, stopItem, world } from './helpers.js';

describe('executePlan: per-instance outcomes', () => {
  it('reports an instance that does not exist as gone', async () => {
    const w = world();
    const { outcomes } = await w.run(makePlan([stopItem('i-missing')]));
    expect(outcomes[0]).toMatchObject({
      outcome: 'gone',
      errorCode: 'InvalidInstance.NotFound',
      attempts: 1,
    });
  });

  it("skips another service's instance as managed elsewhere", async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1'], { Emulator: { createdByService: true } });
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]));
    expect(outcomes[0]).toMatchObject({
      outcome: 'skipped',
      reason: 'managed-by-other-service',
      errorCode: 'OperationDenied.ResourceCreatedByOtherService',
    });
  });

  it('looks up InvalidInstanceStatus: STOPPED and STOPPING are already-stopped, others fail', async () => {
    const w = world();
    w.ecs
      .add('cn-beijing', ['i-stopped'], { Status: 'STOPPED', StoppedMode: 'KeepCharging' })
      // Written mid-transition, they stay STOPPING and STARTING for an hour.
      .add('cn-beijing', ['i-stopping'], { Status: 'STOPPING', Emulator: { transitionMs: 3_600_000 } })
      .add('cn-beijing', ['i-starting'], { Status: 'STARTING', Emulator: { transitionMs: 3_600_000 } })
      .add('cn-beijing', ['i-running']);
    const plan = makePlan(['i-stopped', 'i-stopping', 'i-starting', 'i-running'].map((id) => stopItem(id)));
    const { outcomes, summary } = await w.run(plan);
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.errorCode])).toEqual([
      ['i-stopped', 'already-stopped', null],
      ['i-stopping', 'already-stopped', null],
      ['i-starting', 'failed', 'InvalidInstanceStatus'],
      ['i-running', 'stopped', null],
    ]);
    expect(outcomes[0]).toMatchObject({ reason: 'status STOPPED', stoppedMode: 'KeepCharging', attempts: 1 });
    expect(outcomes[2]!.reason).toMatch(/status STARTING/);
    const describes = w.ecs.calls.filter((c) => c.action === 'DescribeInstances');
    expect(describes).toHaveLength(1);
    expect(describes[0]!.instanceIds).toEqual(['i-starting', 'i-stopped', 'i-stopping']);
    expect(summary.apiCalls).toMatchObject({ StopInstances: 1, DescribeInstances: 1 });
  });

  it('ends a look-up once every asked ID was found, whatever NextToken the server hands out', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-stopped'], { Status: 'STOPPED' });
    // A broken server: every page, the last included, hands out the same NextToken.
    w.ecs.script({ action: 'DescribeInstances', nextToken: 'again', count: 10 });
    const { outcomes } = await w.run(makePlan([stopItem('i-stopped')]));
    expect(outcomes[0]).toMatchObject({ outcome: 'already-stopped' });
    expect(w.ecs.calls.filter((c) => c.action === 'DescribeInstances')).toHaveLength(1);
  });

  it('looks up at most 100 IDs per DescribeInstances call', async () => {
    const w = world();
    const all = ids(250);
    w.ecs.add('cn-beijing', all, { Status: 'STOPPED' });
    const { summary } = await w.run(makePlan(all.map((id) => stopItem(id))));
    const describes = w.ecs.calls.filter((c) => c.action === 'DescribeInstances');
    expect(describes.map((c) => c.instanceIds.length)).toEqual([100, 100, 50]);
    expect(summary.outcomes['already-stopped']).toBe(250);
  });

  it.each([
    ['InvalidStoppedMode.ChargeTypeMismatch', { InstanceChargeType: 'PrePaid' }],
    ['InvalidStoppedMode.InstanceTypeMismatch', { InstanceTypeId: 'ecs.i2.xlarge' }],
  ])('falls back to KeepCharging on %s when the plan allows it', async (code, fields) => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1'], fields).add('cn-beijing', ['i-2']);
    const { outcomes, summary } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    const calls = w.ecs.stopCalls();
    expect(calls.map((c) => [c.instanceIds, c.stoppedMode])).toEqual([
      [['i-1', 'i-2'], 'StopCharging'],
      [['i-1'], 'KeepCharging'],
    ]);
    expect(outcomes[0]).toMatchObject({
      outcome: 'stopped',
      stoppedMode: 'KeepCharging',
      reason: `fallback:KeepCharging (${code})`,
      errorCode: null,
      attempts: 2,
    });
    expect(outcomes[1]).toMatchObject({ outcome: 'stopped', stoppedMode: 'StopCharging' });
    expect(w.ecs.instance('i-1')!.StoppedMode).toBe('KeepCharging');
    expect(summary.fallbacks).toBe(1);
    expect(w.lines.find((l) => l.event === 'stop.fallback')).toMatchObject({
      instanceId: 'i-1',
      errorCode: code,
    });
  });

  it('fails a refused StopCharging when the plan allows no fallback', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1'], { InstanceChargeType: 'PrePaid' });
    const { outcomes, summary } = await w.run(makePlan([stopItem('i-1', { fallbackToKeepCharging: false })]));
    expect(w.ecs.stopCalls()).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'InvalidStoppedMode.ChargeTypeMismatch',
      stoppedMode: 'StopCharging',
    });
    expect(summary.fallbacks).toBe(0);
  });

  it.each(['InvalidStoppedMode.Conflict', 'Insufficient.InstanceCapacity', 'SomethingNew'])(
    'fails any other code (%s) with the API message',
    async (code) => {
      const w = world();
      w.ecs.add('cn-beijing', ['i-1']);
      w.ecs.instanceCodes('i-1', code);
      const { outcomes } = await w.run(makePlan([stopItem('i-1')]));
      expect(w.ecs.stopCalls()).toHaveLength(1);
      // The reason is the emulator's message for the code: the documented one, or its own for an unknown code.
      const [detail] = w.ecs.stopCalls()[0]!.record.results!;
      expect(detail).toEqual({ instanceId: 'i-1', errorCode: code });
      const message =
        (InstanceErrors as Record<string, string>)[code] ?? `${code} (injected by the emulator)`;
      expect(outcomes[0]).toMatchObject({ outcome: 'failed', errorCode: code, reason: message });
    },
  );
});

describe('executePlan: malformed answers', () => {
  it('ignores details about IDs it did not send, warning once', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    w.ecs.script({ action: 'StopInstances', details: { extra: ['i-stranger', 'i-other'] } });
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    expect(outcomes.map((o) => o.instanceId)).toEqual(['i-1', 'i-2']);
    expect(outcomes.every((o) => o.outcome === 'stopped')).toBe(true);
    expect(w.lines.filter((l) => l.event === 'stop.unexpected-detail')).toHaveLength(1);
  });

  it('matches details by ID, not by position', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-3']);
    w.ecs.script({ action: 'StopInstances', details: { reverse: true } });
    const { outcomes } = await w.run(makePlan(['i-1', 'i-2', 'i-3'].map((id) => stopItem(id))));
    expect(outcomes.map((o) => [o.instanceId, o.outcome])).toEqual([
      ['i-1', 'stopped'],
      ['i-2', 'gone'],
      ['i-3', 'stopped'],
    ]);
  });

  it('looks an instance the answer left out up at once: found STOPPED, this run stopped it', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    // The server stopped both but left i-2 out of its answer.
    w.ecs.script({ action: 'StopInstances', details: { omit: ['i-2'] } });
    const { outcomes } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]));
    expect(w.ecs.stopCalls().map((c) => c.instanceIds)).toEqual([['i-1', 'i-2']]);
    expect(w.ecs.calls.filter((c) => c.action === 'DescribeInstances').map((c) => c.instanceIds)).toEqual([
      ['i-2'],
    ]);
    expect(w.ecs.stopEffects.get('i-2')).toBe(1);
    expect(outcomes[1]).toMatchObject({ outcome: 'stopped', attempts: 1, errorCode: null });
    expect(w.lines.filter((l) => l.event === 'stop.missing-detail')).toHaveLength(1);
  });

  it('sends an instance left out while still RUNNING again, under a new token', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    // The first request refused i-1 and left it out of the answer: the look-up finds it RUNNING.
    w.ecs.instanceCodes('i-1', 'InternalError');
    w.ecs.script({ action: 'StopInstances', details: { omit: 'all' } });
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]));
    const calls = w.ecs.stopCalls();
    expect(calls).toHaveLength(2);
    expect(calls[1]!.clientToken).not.toBe(calls[0]!.clientToken);
    expect(w.ecs.stopEffects.get('i-1')).toBe(1);
    expect(outcomes[0]).toMatchObject({ outcome: 'stopped', attempts: 2, errorCode: null });
  });

  it('fails with MissingOperationDetail when a RUNNING instance is left out of maxAttempts answers', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.instanceCodes('i-1', 'InternalError', 'InternalError', 'InternalError');
    w.ecs.script({ action: 'StopInstances', details: { omit: 'all' }, count: 3 });
    const { outcomes } = await w.run(makePlan([stopItem('i-1')]), {
      retry: { baseMs: 100, capMs: 1_000, maxAttempts: 3 },
    });
    expect(new Set(w.ecs.stopCalls().map((c) => c.clientToken)).size).toBe(3);
    expect(w.ecs.calls.filter((c) => c.action === 'DescribeInstances')).toHaveLength(3);
    expect(outcomes[0]).toMatchObject({
      outcome: 'failed',
      errorCode: 'MissingOperationDetail',
      attempts: 3,
    });
  });
});
