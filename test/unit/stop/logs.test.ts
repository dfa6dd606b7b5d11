import { describe, expect, it } from 'vitest';
import { createRunStats } from '../../../lib/stop/stats.js';
import { logSummary } from '../../../lib/stop/summary.js';
import { makePlan, outcomeLines, skipItem, stopItem, world } from './helpers.js';

const OUTCOME_KEYS = [
  'event',
  'schedule',
  'fireTime',
  'action',
  'region',
  'instanceId',
  'instanceName',
  'outcome',
  'reason',
  'stoppedMode',
  'forceStop',
  'errorCode',
  'attempts',
  'requestId',
].sort();

function mixedWorld() {
  const w = world();
  w.ecs
    .add('cn-beijing', ['i-run', 'i-prepaid', 'i-locked'])
    .add('cn-beijing', ['i-stopped'], { Status: 'STOPPED' })
    .add('cn-beijing', ['i-other'], { Emulator: { createdByService: true } })
    .add('cn-shanghai', ['i-sh']);
  w.ecs.instanceCodes('i-locked', ...Array(20).fill('OperationDenied.ResourceLocked'));
  w.ecs.instanceCodes('i-prepaid', 'InvalidStoppedMode.ChargeTypeMismatch');
  const plan = makePlan([
    stopItem('i-run'),
    stopItem('i-prepaid'),
    stopItem('i-locked'),
    stopItem('i-stopped'),
    stopItem('i-other'),
    stopItem('i-gone'),
    stopItem('i-sh', { region: 'cn-shanghai', forceStop: true }),
    skipItem('i-snoozed', 'snoozed'),
    skipItem('i-typo', 'unknown-schedule', { schedule: 'typo', fireTime: null }),
  ]);
  return { w, plan };
}

describe('executePlan: logs', () => {
  it('logs exactly one complete instance.outcome line per plan item, the same as the outcomes returned', async () => {
    const { w, plan } = mixedWorld();
    const { outcomes } = await w.run(plan, { retry: { baseMs: 10, capMs: 100, maxAttempts: 3 } });
    const lines = outcomeLines(w.lines);
    expect(lines.map((l) => l.instanceId).sort()).toEqual(plan.items.map((i) => i.instanceId).sort());
    for (const line of lines) {
      const { level: _level, time: _time, msg: _msg, ...fields } = line;
      expect(Object.keys(fields).sort()).toEqual(OUTCOME_KEYS);
      const returned = outcomes.find((o) => o.instanceId === line.instanceId);
      expect(fields).toEqual(returned);
      expect(line.level).toBe(line.outcome === 'failed' ? 'warn' : 'info');
    }
    expect(Object.fromEntries(outcomes.map((o) => [o.instanceId, o.outcome]))).toEqual({
      'i-run': 'stopped',
      'i-prepaid': 'stopped',
      'i-locked': 'failed',
      'i-stopped': 'already-stopped',
      'i-other': 'skipped',
      'i-gone': 'gone',
      'i-sh': 'stopped',
      'i-snoozed': 'skipped',
      'i-typo': 'skipped',
    });
    expect(outcomes.find((o) => o.instanceId === 'i-sh')).toMatchObject({
      region: 'cn-shanghai',
      forceStop: true,
    });
  });

  it('returns the summary for the caller to log once, counting the calls the caller made before', async () => {
    const { w, plan } = mixedWorld();
    const stats = createRunStats();
    stats.apiCalls.DescribeInstances = 3; // the listing's pages
    const { summary } = await w.run(plan, { stats, retry: { baseMs: 10, capMs: 100, maxAttempts: 3 } });
    expect(w.lines.filter((l) => l.event === 'run.summary')).toHaveLength(0);
    logSummary(w.logger, summary);
    const logged = w.lines.filter((l) => l.event === 'run.summary');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: 'warn',
      outcomes: { stopped: 3, 'already-stopped': 1, skipped: 3, gone: 1, failed: 1, 'dry-run': 0 },
      unknownSchedule: 1,
      fallbacks: 1,
      guardRefused: false,
      dryRun: false,
      regions: ['cn-beijing', 'cn-shanghai'],
    });
    // Round 0: one call per region. Round 1: i-locked (StopCharging) and i-prepaid (KeepCharging) are two
    // groups, so two calls. Round 2: i-locked alone, its third and last attempt. Re-batches: 3.
    expect(summary.apiCalls.StopInstances).toBe(5);
    // 3 listing pages + 1 look-up of i-stopped
    expect(summary.apiCalls.DescribeInstances).toBe(4);
    expect(summary.retries).toBe(3);
    expect(stats.apiCalls.StopInstances).toBe(5);
  });

  it('never logs the client or its credentials: lines hold only outcome data', async () => {
    const { w, plan } = mixedWorld();
    await w.run(plan, { retry: { baseMs: 10, capMs: 100, maxAttempts: 2 } });
    const text = JSON.stringify(w.lines);
    expect(text).not.toMatch(/authorization|secret|accessKey/i);
  });
});
