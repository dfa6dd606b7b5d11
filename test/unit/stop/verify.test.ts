import { describe, expect, it } from 'vitest';
import { makePlan, stopItem, world } from './helpers.js';

const verify = { enabled: true, timeoutMs: 120_000, intervalMs: 5_000 };

describe('executePlan: verification', () => {
  it('follows stopped instances with DescribeInstances until they are STOPPED', async () => {
    const w = world({ faults: { transitionMs: 12_000 } });
    w.ecs.add('cn-beijing', ['i-1', 'i-2']);
    const { summary } = await w.run(makePlan([stopItem('i-1'), stopItem('i-2')]), { verify });
    const describes = w.ecs.calls.filter((c) => c.action === 'DescribeInstances');
    // polls at about 0 s, 5 s, 10 s (still STOPPING) and 15 s (STOPPED)
    expect(describes).toHaveLength(4);
    expect(describes.every((c) => c.instanceIds.join() === 'i-1,i-2')).toBe(true);
    expect(summary.notVerified).toEqual([]);
    expect(summary.apiCalls.DescribeInstances).toBe(4);
  });

  it('reports the instances still not STOPPED when the timeout passes', async () => {
    const w = world();
    w.ecs
      .add('cn-beijing', ['i-ok'])
      .add('cn-beijing', ['i-stuck'], { Emulator: { transitionMs: 10_000_000 } });
    w.ecs.add('cn-shanghai', ['i-sh'], { Emulator: { transitionMs: 10_000_000 } });
    const t0 = w.clock.nowMs();
    const plan = makePlan([
      stopItem('i-ok'),
      stopItem('i-stuck'),
      stopItem('i-sh', { region: 'cn-shanghai' }),
    ]);
    const { summary, outcomes } = await w.run(plan, { verify: { ...verify, timeoutMs: 20_000 } });
    expect(summary.notVerified).toEqual(['i-sh', 'i-stuck']);
    expect(outcomes.every((o) => o.outcome === 'stopped')).toBe(true);
    expect(w.clock.nowMs() - t0).toBeLessThanOrEqual(20_000);
    expect(w.lines.filter((l) => l.event === 'verify.done')).toHaveLength(2);
  });

  it('follows only instances this run stopped', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']).add('cn-beijing', ['i-already'], { Status: 'STOPPED' });
    const { summary } = await w.run(makePlan([stopItem('i-1'), stopItem('i-already'), stopItem('i-gone')]), {
      verify,
    });
    const polls = w.ecs.calls.filter((c) => c.action === 'DescribeInstances');
    // one look-up for the InvalidInstanceStatus, then one verification poll of i-1 only
    expect(polls.map((c) => c.instanceIds)).toEqual([['i-already'], ['i-1']]);
    expect(summary.notVerified).toEqual([]);
  });

  it('gives up at the run deadline', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1'], { Emulator: { transitionMs: 10_000_000 } });
    const t0 = w.clock.nowMs();
    const { summary } = await w.run(makePlan([stopItem('i-1')]), { verify, deadlineAtMs: t0 + 12_000 });
    expect(summary.notVerified).toEqual(['i-1']);
    expect(w.clock.nowMs()).toBeLessThan(t0 + 12_000);
  });

  it('reports everything unverified when DescribeInstances fails for good', async () => {
    const w = world();
    w.ecs.add('cn-beijing', ['i-1']);
    w.ecs.script({ action: 'DescribeInstances', error: 'AccessDenied' });
    const { summary } = await w.run(makePlan([stopItem('i-1')]), { verify });
    expect(summary.notVerified).toEqual(['i-1']);
    expect(w.lines.find((l) => l.event === 'verify.failed')).toMatchObject({
      level: 'warn',
      errorCode: 'AccessDenied',
    });
  });

  it('makes no DescribeInstances call and reports no notVerified when off', async () => {
    const w = world({ faults: { transitionMs: 12_000 } });
    w.ecs.add('cn-beijing', ['i-1']);
    const { summary } = await w.run(makePlan([stopItem('i-1')]));
    expect(w.ecs.calls.map((c) => c.action)).toEqual(['StopInstances']);
    expect(summary).not.toHaveProperty('notVerified');
  });
});
