import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { buildPlan } from '../../../lib/plan/build.js';
import type { Fire } from '../../../lib/schedule/types.js';
import type { Instance } from '../../../lib/volc/types.js';
import { config, fire, instance, schedule, TAG_KEY } from './fixtures.js';

const NOW = new Date('2026-03-09T12:00:30Z');
const twoSchedules = config({
  schedules: [schedule({ name: 'office-hours' }), schedule({ name: 'nightly' })],
});

function tagged(id: string, value: string, overrides: Partial<Instance> = {}): Instance {
  return instance({ InstanceId: id, Tags: [{ Key: TAG_KEY, Value: value }], ...overrides });
}

function plan(instances: Array<[string, Instance]>, fires: Fire[], conf = twoSchedules) {
  return buildPlan({
    config: conf,
    fires,
    instances: instances.map(([region, subject]) => ({ region, instance: subject })),
    now: NOW,
  });
}

describe('buildPlan: tag values that name no configured schedule', () => {
  it.each([
    ['a typo', 'office-hour'],
    ['another case', 'Office-Hours'],
    ['surrounding space', ' office-hours'],
    ['an empty value', ''],
    ['a 300-character value', 'x'.repeat(300)],
    ['unicode', '办公时间-🌙'],
    ['an injection attempt', "'; DROP TABLE instances; --"],
    ['an object key', '__proto__'],
    ['a prototype method', 'constructor'],
    ['control characters', 'office-hours\n\u001b[31m'],
  ])('%s is listed as unknown-schedule and never stopped', (_, value) => {
    const result = plan(
      [['cn-beijing', tagged('i-1', value)]],
      [fire('office-hours', '2026-03-09T12:00:00Z')],
    );
    expect(result.items).toEqual([
      expect.objectContaining({
        instanceId: 'i-1',
        schedule: value,
        fireTime: null,
        decision: 'skip',
        reason: 'unknown-schedule',
      }),
    ]);
    expect(result.guard.stops).toBe(0);
  });

  it.each([
    ['Office-Hours', "did you mean 'office-hours'?"],
    ['office-hour', "did you mean 'office-hours'?"],
    ['办公时间-🌙', undefined],
  ])('%s keeps the reason unknown-schedule exactly, with the suggestion in hint: %s', (value, hint) => {
    const [item] = plan([['cn-beijing', tagged('i-1', value)]], []).items;
    expect(item?.reason).toBe('unknown-schedule');
    expect(item?.hint).toBe(hint);
  });

  it('lists unknown schedules even when nothing fires', () => {
    const result = plan([['cn-beijing', tagged('i-1', 'removed')]], []);
    expect(result.items.map((item) => item.reason)).toEqual(['unknown-schedule']);
    expect(result.fires).toEqual([]);
  });
});

describe('buildPlan: which instances get an item', () => {
  const fires = [fire('office-hours', '2026-03-09T12:00:00Z')];

  it('gives none to an instance of a configured schedule that is not firing', () => {
    expect(plan([['cn-beijing', tagged('i-1', 'nightly')]], fires).items).toEqual([]);
  });

  it('gives none to an instance without the schedule tag', () => {
    const untagged = instance({ Tags: [{ Key: 'lights-outX', Value: 'office-hours' }] });
    expect(plan([['cn-beijing', untagged]], fires).items).toEqual([]);
  });

  it('gives one item per schedule tag value, whatever else the instance carries', () => {
    const result = plan(
      [
        ['cn-beijing', tagged('i-1', 'office-hours')],
        ['cn-beijing', tagged('i-2', 'nightly')],
        ['cn-beijing', tagged('i-3', 'nope')],
      ],
      fires,
    );
    expect(result.items.map((item) => [item.instanceId, item.reason])).toEqual([
      ['i-3', 'unknown-schedule'],
      ['i-1', 'auto: PostPaid ecs.g3i.large'],
    ]);
  });

  it('plans a duplicated instance once, from its first listing', () => {
    const result = plan(
      [
        ['cn-beijing', tagged('i-1', 'office-hours')],
        ['cn-beijing', tagged('i-1', 'office-hours', { Status: 'STOPPED' })],
        ['cn-shanghai', tagged('i-1', 'office-hours')],
      ],
      fires,
    );
    expect(result.items).toHaveLength(1);
    expect(result.items[0]).toMatchObject({ region: 'cn-beijing', decision: 'stop' });
    expect(result.guard.stops).toBe(1);
  });
});

describe('buildPlan: fires', () => {
  it('uses the latest fire time of a schedule that fired more than once', () => {
    const result = plan(
      [['cn-beijing', tagged('i-1', 'office-hours')]],
      [
        fire('office-hours', '2026-03-09T11:50:00Z'),
        fire('nightly', '2026-03-09T11:00:00Z'),
        fire('office-hours', '2026-03-09T12:00:00Z'),
        fire('office-hours', '2026-03-09T11:55:00Z'),
      ],
    );
    expect(result.items).toHaveLength(1);
    expect(result.items[0]!.fireTime).toBe('2026-03-09T12:00:00.000Z');
    expect(result.fires).toEqual([
      { schedule: 'office-hours', fireTime: '2026-03-09T12:00:00.000Z', action: 'stop' },
      { schedule: 'nightly', fireTime: '2026-03-09T11:00:00.000Z', action: 'stop' },
    ]);
  });

  it('gives each instance the fire of its own schedule', () => {
    const result = plan(
      [
        ['cn-beijing', tagged('i-1', 'office-hours')],
        ['cn-beijing', tagged('i-2', 'nightly')],
      ],
      [fire('office-hours', '2026-03-09T12:00:00Z'), fire('nightly', '2026-03-09T11:00:00Z')],
    );
    expect(result.items.map((item) => [item.instanceId, item.schedule, item.fireTime])).toEqual([
      ['i-2', 'nightly', '2026-03-09T11:00:00.000Z'],
      ['i-1', 'office-hours', '2026-03-09T12:00:00.000Z'],
    ]);
  });

  it('refuses a fire of a schedule the config does not have', () => {
    expect(() => plan([], [fire('ghost', '2026-03-09T12:00:00Z')])).toThrow(UsageError);
    expect(() => plan([], [fire('ghost', '2026-03-09T12:00:00Z')])).toThrow(/"ghost"/);
  });

  it('refuses an invalid fire time or clock', () => {
    expect(() => plan([], [{ schedule: 'nightly', fireTime: new Date('nope'), action: 'stop' }])).toThrow(
      /fire time of schedule nightly/,
    );
    expect(() =>
      buildPlan({ config: config(), fires: [], instances: [], now: new Date(Number.NaN) }),
    ).toThrow(/now is not a valid date/);
  });
});

describe('buildPlan: the guard', () => {
  function fleet(running: number, stopped: number): Array<[string, Instance]> {
    const ids = Array.from({ length: running + stopped }, (_, i) => `i-${String(i).padStart(3, '0')}`);
    return ids.map((id, i) => [
      'cn-beijing',
      tagged(id, 'office-hours', { Status: i < running ? 'RUNNING' : 'STOPPED' }),
    ]);
  }

  it.each([
    // limit, running (stops), stopped (skips), exceeded
    [3, 2, 0, false],
    [3, 3, 0, false],
    [3, 4, 0, true],
    [3, 3, 5, false],
    [0, 0, 2, false],
    [0, 1, 0, true],
  ])('limit %i with %i stops and %i skips → exceeded %s', (limit, running, stopped, exceeded) => {
    const conf = config({ schedules: twoSchedules.schedules, guard: { maxInstancesPerRun: limit } });
    const result = plan(fleet(running, stopped), [fire('office-hours', '2026-03-09T12:00:00Z')], conf);
    expect(result.guard).toEqual({ maxInstancesPerRun: limit, stops: running, starts: 0, exceeded });
    // The planner only reports; the caller refuses (or forces) the run.
    expect(result.items).toHaveLength(running + stopped);
  });
});

describe('buildPlan: ordering', () => {
  it('sorts by region, then schedule, then instance ID, whatever the listing order', () => {
    const listing: Array<[string, Instance]> = [
      ['cn-shanghai', tagged('i-b', 'office-hours')],
      ['cn-beijing', tagged('i-z', 'office-hours')],
      ['cn-shanghai', tagged('i-d', 'nightly')],
      ['cn-beijing', tagged('i-y', 'zz-typo')],
      ['cn-beijing', tagged('i-a', 'office-hours')],
      ['cn-shanghai', tagged('i-c', 'office-hours')],
      ['cn-beijing', tagged('i-B', 'nightly')],
    ];
    const fires = [fire('office-hours', '2026-03-09T12:00:00Z'), fire('nightly', '2026-03-09T12:00:00Z')];
    const expected = [
      'cn-beijing nightly i-B',
      'cn-beijing office-hours i-a',
      'cn-beijing office-hours i-z',
      'cn-beijing zz-typo i-y',
      'cn-shanghai nightly i-d',
      'cn-shanghai office-hours i-b',
      'cn-shanghai office-hours i-c',
    ];
    const render = (items: ReturnType<typeof plan>['items']) =>
      items.map((item) => `${item.region} ${item.schedule} ${item.instanceId}`);
    expect(render(plan(listing, fires).items)).toEqual(expected);
    expect(render(plan([...listing].reverse(), fires).items)).toEqual(expected);
  });
});
