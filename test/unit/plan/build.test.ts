import { describe, expect, it } from 'vitest';
import type { Config } from '../../../lib/config/types.js';
import { buildPlan } from '../../../lib/plan/build.js';
import type { Instance } from '../../../lib/volc/types.js';
import { config, fire, instance, schedule } from './fixtures.js';

const FIRE = '2026-03-09T12:00:00.000Z';
const NOW = new Date('2026-03-09T12:00:30Z');
const SKIP_UNTIL = 'lights-out:skip-until';
const MODE_TAG = 'lights-out:stopped-mode';

/** The single item planned for one instance of the firing `office-hours` schedule. */
function planOne(subject: Instance, conf: Config = config(), now = NOW) {
  const plan = buildPlan({
    config: conf,
    fires: [fire('office-hours', FIRE)],
    instances: [{ region: 'cn-beijing', instance: subject }],
    now,
  });
  expect(plan.items).toHaveLength(1);
  return plan.items[0]!;
}

const selective = config({
  schedules: [schedule({ select: { tags: { env: 'dev' }, projects: ['shop'], zones: ['cn-beijing-a'] } })],
});
const matching = { tags: { env: 'dev' }, ProjectName: 'shop', ZoneId: 'cn-beijing-a' };

describe('buildPlan: every decision and skip reason', () => {
  it.each([
    ['stop', instance(matching), 'stop', 'auto: PostPaid ecs.g3i.large'],
    ['filter-mismatch (tag)', instance({ ...matching, tags: { env: 'prod' } }), 'skip', 'filter-mismatch'],
    ['filter-mismatch (project)', instance({ ...matching, ProjectName: 'other' }), 'skip', 'filter-mismatch'],
    ['filter-mismatch (zone)', instance({ ...matching, ZoneId: 'cn-beijing-b' }), 'skip', 'filter-mismatch'],
    ['not-running:STOPPED', instance({ ...matching, Status: 'STOPPED' }), 'skip', 'not-running:STOPPED'],
    ['not-running:STOPPING', instance({ ...matching, Status: 'STOPPING' }), 'skip', 'not-running:STOPPING'],
    ['not-running:STARTING', instance({ ...matching, Status: 'STARTING' }), 'skip', 'not-running:STARTING'],
    ['not-running:ERROR', instance({ ...matching, Status: 'ERROR' }), 'skip', 'not-running:ERROR'],
    ['not-running:CREATING', instance({ ...matching, Status: 'CREATING' }), 'skip', 'not-running:CREATING'],
    [
      'not-running:<unknown>',
      instance({ ...matching, Status: 'HIBERNATED' }),
      'skip',
      'not-running:HIBERNATED',
    ],
    [
      'invalid-override-tag (stopped-mode)',
      instance({ ...matching, tags: { env: 'dev', [MODE_TAG]: 'stopcharging' } }),
      'skip',
      'invalid-override-tag',
    ],
    [
      'invalid-override-tag (skip-until)',
      instance({ ...matching, tags: { env: 'dev', [SKIP_UNTIL]: 'tomorrow' } }),
      'skip',
      'invalid-override-tag',
    ],
    [
      'snoozed',
      instance({ ...matching, tags: { env: 'dev', [SKIP_UNTIL]: '2026-03-09' } }),
      'skip',
      'snoozed',
    ],
  ])('%s', (_, subject, decision, reason) => {
    expect(planOne(subject, selective)).toMatchObject({ decision, reason });
  });

  it('fills in what the instance was, for reports', () => {
    const subject = instance({ InstanceId: 'i-abc', InstanceName: 'db', InstanceChargeType: 'PrePaid' });
    expect(planOne(subject)).toEqual({
      instanceId: 'i-abc',
      instanceName: 'db',
      region: 'cn-beijing',
      schedule: 'office-hours',
      fireTime: FIRE,
      action: 'stop',
      decision: 'stop',
      reason: 'auto: PrePaid keeps charging',
      stoppedMode: 'KeepCharging',
      modeSource: 'defaults',
      forceStop: false,
      fallbackToKeepCharging: false,
      status: 'RUNNING',
      instanceChargeType: 'PrePaid',
      instanceTypeId: 'ecs.g3i.large',
    });
  });

  it.each([
    [instance({ tags: { env: 'prod' } }), 'tag env is not "dev"'],
    [instance({ tags: { env: 'dev', [MODE_TAG]: '' } }), `${MODE_TAG} has the malformed value ""`],
    [
      instance({ tags: { env: 'dev', [SKIP_UNTIL]: '2026-13-01' } }),
      `${SKIP_UNTIL} has the malformed value "2026-13-01"`,
    ],
    [
      instance({ tags: { env: 'dev', [SKIP_UNTIL]: '2026-03-10T00:00:00+08:00' } }),
      'until 2026-03-09T16:00:00.000Z',
    ],
  ])('explains a skip in detail: %#', (subject, detail) => {
    const conf = config({ schedules: [schedule({ select: { tags: { env: 'dev' } } })] });
    expect(planOne(subject, conf).detail).toBe(detail);
  });

  it('leaves the stop-only fields out of skip items', () => {
    const item = planOne(instance({ Status: 'STOPPED' }));
    expect(item).not.toHaveProperty('stoppedMode');
    expect(item).not.toHaveProperty('forceStop');
    expect(item).not.toHaveProperty('fallbackToKeepCharging');
    expect(item).not.toHaveProperty('detail');
  });
});

describe('buildPlan: the order of the checks', () => {
  const bad = { env: 'prod', [MODE_TAG]: 'auto', [SKIP_UNTIL]: '2099-01-01' };
  it.each([
    ['a mismatch beats everything', { Status: 'STOPPED', tags: bad }, 'filter-mismatch'],
    [
      'not running beats a bad tag',
      { Status: 'STOPPED', tags: { ...bad, env: 'dev' } },
      'not-running:STOPPED',
    ],
    ['a bad mode tag beats a snooze', { tags: { ...bad, env: 'dev' } }, 'invalid-override-tag'],
    [
      'a bad snooze tag beats a good mode tag',
      { tags: { env: 'dev', [MODE_TAG]: 'KeepCharging', [SKIP_UNTIL]: '2099-13-01' } },
      'invalid-override-tag',
    ],
    [
      'a snooze beats a stop',
      { tags: { env: 'dev', [MODE_TAG]: 'KeepCharging', [SKIP_UNTIL]: '2099-01-01' } },
      'snoozed',
    ],
  ] as const)('%s', (_, overrides, reason) => {
    const conf = config({ schedules: [schedule({ select: { tags: { env: 'dev' } } })] });
    expect(planOne(instance(overrides), conf)).toMatchObject({ decision: 'skip', reason });
  });
});

describe('buildPlan: snoozing in the schedule time zone', () => {
  it.each([
    // skip-until, schedule zone, now, decision
    ['2026-03-09', 'Asia/Shanghai', '2026-03-09T15:59:59Z', 'skip'],
    ['2026-03-09', 'Asia/Shanghai', '2026-03-09T16:00:00Z', 'stop'],
    ['2026-03-09', 'UTC', '2026-03-09T16:00:00Z', 'skip'],
    ['2026-03-09', 'UTC', '2026-03-10T00:00:00Z', 'stop'],
    ['2026-03-08', 'UTC', '2026-03-09T12:00:00Z', 'stop'],
    ['2026-03-09T18:00:00Z', 'Asia/Shanghai', '2026-03-09T17:59:59Z', 'skip'],
    ['2026-03-09T18:00:00Z', 'Asia/Shanghai', '2026-03-09T18:00:00Z', 'stop'],
    ['2026-03-10T02:00:00+08:00', 'UTC', '2026-03-09T17:59:59Z', 'skip'],
    ['2026-03-10T02:00:00+08:00', 'UTC', '2026-03-09T18:00:00Z', 'stop'],
  ])('skip-until %s in %s at %s → %s', (value, zone, now, decision) => {
    const conf = config({ schedules: [schedule({ timezone: zone })] });
    expect(planOne(instance({ tags: { [SKIP_UNTIL]: value } }), conf, new Date(now)).decision).toBe(decision);
  });
});

describe('buildPlan: mode, force and fallback of stop items', () => {
  it.each([
    // schedule.forceStop, defaults.forceStop, expected
    [undefined, false, false],
    [undefined, true, true],
    [true, false, true],
    [false, true, false],
  ])('forceStop: schedule %s, defaults %s → %s', (own, fallbackForce, expected) => {
    const conf = config({
      defaults: { forceStop: fallbackForce },
      schedules: [schedule(own === undefined ? {} : { forceStop: own })],
    });
    expect(planOne(instance(), conf).forceStop).toBe(expected);
  });

  it.each([
    [{ tags: { [MODE_TAG]: 'KeepCharging' } }, 'StopCharging', 'KeepCharging', 'tag', false],
    [{}, 'StopCharging', 'StopCharging', 'schedule', true],
    [{ InstanceChargeType: 'PrePaid' }, 'StopCharging', 'KeepCharging', 'schedule', false],
    [{ InstanceTypeId: 'ecs.ebmg2.32xlarge' }, 'auto', 'KeepCharging', 'schedule', false],
    [{ InstanceTypeId: 'ecs.ebmg2.32xlarge' }, 'StopCharging', 'StopCharging', 'schedule', true],
  ] as const)('carries the resolved mode: %j with %s', (overrides, setting, mode, source, fallback) => {
    const conf = config({ schedules: [schedule({ stoppedMode: setting })] });
    expect(planOne(instance(overrides), conf)).toMatchObject({
      decision: 'stop',
      stoppedMode: mode,
      modeSource: source,
      fallbackToKeepCharging: fallback,
    });
  });
});
