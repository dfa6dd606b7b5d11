import { describe, expect, it } from 'vitest';
import type { InlineConfig } from '../../../lib/config/types.js';
import { buildPlan } from '../../../lib/plan/build.js';
import { inlineSelectionFilters } from '../../../lib/plan/index.js';
import type { Instance } from '../../../lib/volc/types.js';
import { config, fire, instance, TAG_KEY } from './fixtures.js';

const INLINE_KEY = 'maid_offhours';

function inline(overrides: Partial<InlineConfig> = {}): InlineConfig {
  return {
    tagKey: INLINE_KEY,
    timezone: 'Asia/Shanghai',
    off: 19,
    on: 7,
    days: 'm-f',
    skipDates: [],
    optOut: false,
    select: { tags: {} },
    ...overrides,
  };
}

/** An instance carrying only the inline tag (no schedule tag). */
function tagged(id: string, value: string, overrides: Partial<Instance> = {}): Instance {
  return instance({ InstanceId: id, Tags: [{ Key: INLINE_KEY, Value: value }], ...overrides });
}

/** The window (at - 5 min, at]. */
function windowEnding(iso: string) {
  const end = new Date(iso);
  return { start: new Date(end.getTime() - 300_000), end };
}

function plan(
  instances: Instance[],
  at: string,
  settings = inline(),
  fires = [] as ReturnType<typeof fire>[],
) {
  return buildPlan({
    config: config({ inline: settings }),
    fires,
    instances: instances.map((i) => ({ region: 'cn-beijing', instance: i })),
    now: new Date(at),
    window: windowEnding(at),
  });
}

// Monday 2026-03-09 19:00 in Shanghai is 11:00Z; in New York (UTC-4) 23:00Z.
const MONDAY_19_SHANGHAI = '2026-03-09T11:00:00Z';

describe('buildPlan: inline schedules', () => {
  it('stops an instance whose value fires in the window, named inline:<normalised value>', () => {
    const result = plan([tagged('i-1', 'OFF=(M-F,19)')], MONDAY_19_SHANGHAI);
    expect(result.items).toMatchObject([
      {
        instanceId: 'i-1',
        schedule: 'inline:off=(m-f,19)',
        fireTime: '2026-03-09T11:00:00.000Z',
        decision: 'stop',
        modeSource: 'defaults',
      },
    ]);
    expect(result.fires).toEqual([
      { schedule: 'inline:off=(m-f,19)', fireTime: '2026-03-09T11:00:00.000Z', action: 'stop' },
    ]);
  });

  it('plans nothing for a value that does not fire, or that opts out', () => {
    expect(plan([tagged('i-1', 'off=(m-f,20)'), tagged('i-2', 'off')], MONDAY_19_SHANGHAI).items).toEqual([]);
  });

  it('skips an invalid value with the reason, and stops nothing', () => {
    const result = plan(
      [tagged('i-1', 'off=(m-f,25)'), tagged('i-2', 'off=(m-f,19);tz=cst')],
      MONDAY_19_SHANGHAI,
    );
    // Items sort by schedule: `inline:off=(m-f,19);tz=cst` before `inline:off=(m-f,25)`.
    expect(result.items.map((i) => [i.instanceId, i.decision, i.reason, i.fireTime])).toEqual([
      ['i-2', 'skip', 'invalid-inline-schedule', null],
      ['i-1', 'skip', 'invalid-inline-schedule', null],
    ]);
    expect(result.items[1]?.detail).toMatch(/hour 25/);
    expect(result.items[0]?.detail).toMatch(/America\/Chicago.*Asia\/Shanghai/);
  });

  it('skips an instance with both tags when either schedule would act, naming the inline value', () => {
    const both = instance({
      InstanceId: 'i-both',
      Tags: [
        { Key: TAG_KEY, Value: 'office-hours' },
        { Key: INLINE_KEY, Value: 'off=(m-f,19)' },
      ],
    });
    const byInline = plan([both], MONDAY_19_SHANGHAI);
    expect(byInline.items).toMatchObject([
      { decision: 'skip', reason: 'inline-and-schedule-tag', schedule: 'office-hours' },
    ]);
    expect(byInline.items[0]?.detail).toContain('maid_offhours="off=(m-f,19)"');
    const byNamed = plan([both], '2026-03-09T20:00:00Z', inline(), [
      fire('office-hours', '2026-03-09T20:00:00Z'),
    ]);
    expect(byNamed.items).toMatchObject([{ decision: 'skip', reason: 'inline-and-schedule-tag' }]);
    expect(plan([both], '2026-03-09T15:00:00Z').items).toEqual([]);
  });

  it('starts a STOPPED instance at its on= hour, and says why it leaves any other one alone', () => {
    // Monday 2026-03-09 07:00 in Los Angeles (summer time since the 8th, UTC-7) is 14:00Z.
    const value = 'off=(m-f,19);on=(m-f,7);tz=pt';
    const result = plan(
      [
        tagged('i-1', value, { Status: 'STOPPED' }),
        tagged('i-2', value, { Status: 'RUNNING' }),
        tagged('i-3', value, { Status: 'STOPPED', StoppedMode: 'StopCharging' }),
      ],
      '2026-03-09T14:00:00Z',
    );
    const schedule = 'inline:off=(m-f,19);on=(m-f,7);tz=pt';
    const fireTime = '2026-03-09T14:00:00.000Z';
    expect(result.items).toMatchObject([
      { instanceId: 'i-1', schedule, fireTime, action: 'start', decision: 'start', reason: 'stopped' },
      {
        instanceId: 'i-2',
        schedule,
        fireTime,
        action: 'start',
        decision: 'skip',
        reason: 'not-stopped:RUNNING',
      },
      {
        instanceId: 'i-3',
        action: 'start',
        decision: 'start',
        reason: 'stopped with StopCharging',
        stoppedMode: 'StopCharging',
      },
    ]);
    expect(result.fires).toEqual([{ schedule, fireTime, action: 'start' }]);
    expect(result.guard).toMatchObject({ stops: 0, starts: 2 });
    // An hour later, and on Saturday at 07:00, nothing starts.
    expect(plan([tagged('i-1', value, { Status: 'STOPPED' })], '2026-03-09T15:00:00Z').items).toEqual([]);
    expect(plan([tagged('i-1', value, { Status: 'STOPPED' })], '2026-03-14T14:00:00Z').items).toEqual([]);
  });

  it('keeps a snoozed instance stopped at its on= hour', () => {
    const snoozed = tagged('i-1', 'on=(m-f,7)', {
      Status: 'STOPPED',
      Tags: [
        { Key: INLINE_KEY, Value: 'on=(m-f,7)' },
        { Key: `${TAG_KEY}:skip-until`, Value: '2026-03-20' },
      ],
    });
    // 07:00 Shanghai on Tuesday 2026-03-10 is 23:00Z on Monday.
    expect(plan([snoozed], '2026-03-09T23:00:00Z').items).toMatchObject([
      { action: 'start', decision: 'skip', reason: 'snoozed' },
    ]);
  });

  it('applies the usual checks to an inline stop: not running, select, snooze, override tag', () => {
    const settings = inline({
      select: { tags: {}, zones: ['cn-beijing-a'] },
      stoppedMode: 'KeepCharging',
      forceStop: true,
    });
    const result = plan(
      [
        tagged('i-1', 'off=(m-f,19)'),
        tagged('i-2', 'off=(m-f,19)', { Status: 'STOPPED' }),
        tagged('i-3', 'off=(m-f,19)', { ZoneId: 'cn-beijing-b' }),
        instance({
          InstanceId: 'i-4',
          Tags: [
            { Key: INLINE_KEY, Value: 'off=(m-f,19)' },
            { Key: `${TAG_KEY}:skip-until`, Value: '2026-03-10' },
          ],
        }),
      ],
      MONDAY_19_SHANGHAI,
      settings,
    );
    expect(result.items.map((i) => [i.instanceId, i.decision, i.reason])).toEqual([
      ['i-1', 'stop', 'KeepCharging requested'],
      ['i-2', 'skip', 'not-running:STOPPED'],
      ['i-3', 'skip', 'filter-mismatch'],
      ['i-4', 'skip', 'snoozed'],
    ]);
    expect(result.items[0]).toMatchObject({ forceStop: true, modeSource: 'schedule' });
  });

  it('in an optOut scope, stops untagged instances on the defaults and leaves those outside the scope alone', () => {
    const settings = inline({ optOut: true, select: { tags: {}, projects: ['dev'] } });
    const result = plan(
      [
        instance({ InstanceId: 'i-in', ProjectName: 'dev', Tags: [] }),
        instance({ InstanceId: 'i-out', ProjectName: 'prod', Tags: [] }),
        tagged('i-off', 'off', { ProjectName: 'dev' }),
      ],
      MONDAY_19_SHANGHAI,
      settings,
    );
    expect(result.items.map((i) => [i.instanceId, i.schedule, i.decision])).toEqual([
      ['i-in', 'inline:(default)', 'stop'],
    ]);
  });

  it('does not plan inline schedules without a window (a run of one named schedule)', () => {
    const result = buildPlan({
      config: config({ inline: inline() }),
      fires: [],
      instances: [{ region: 'cn-beijing', instance: tagged('i-1', 'off=(m-f,19)') }],
      now: new Date(MONDAY_19_SHANGHAI),
    });
    expect(result.items).toEqual([]);
  });

  it('gives a re-run of the same tick the same schedule and fire time (so the same ClientTokens)', () => {
    const first = plan([tagged('i-1', 'off=(m-f,19);tz=et')], '2026-03-09T23:00:00Z');
    const again = buildPlan({
      config: config({ inline: inline() }),
      fires: [],
      instances: [{ region: 'cn-beijing', instance: tagged('i-1', 'off=(m-f,19);tz=et') }],
      now: new Date('2026-03-09T23:03:10Z'),
      window: windowEnding('2026-03-09T23:00:00Z'),
    });
    expect(again.items).toEqual(first.items);
  });
});

describe('inlineSelectionFilters', () => {
  it.each<[Partial<InlineConfig>, unknown]>([
    [{}, [{ tagFilters: [{ key: INLINE_KEY }] }]],
    [
      { optOut: true, select: { tags: {}, projects: ['a', 'b'] } },
      [{ projectName: 'a' }, { projectName: 'b' }],
    ],
    [{ optOut: true, select: { tags: {}, zones: ['z1'] } }, [{ zoneId: 'z1' }]],
    [
      { optOut: true, select: { tags: {}, projects: ['a'], zones: ['z1', 'z2'] } },
      [
        { projectName: 'a', zoneId: 'z1' },
        { projectName: 'a', zoneId: 'z2' },
      ],
    ],
  ])('%j → %j', (overrides, expected) => {
    expect(inlineSelectionFilters(inline(overrides))).toEqual(expected);
  });
});
