import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../lib/plan/build.js';
import { formatPlanTable, MAX_CELL_LENGTH, MAX_REASON_LENGTH } from '../../../lib/plan/format.js';
import { summarizePlan } from '../../../lib/plan/summary.js';
import type { Instance } from '../../../lib/volc/types.js';
import { config, fire, instance, schedule, TAG_KEY } from './fixtures.js';

const NOW = new Date('2026-03-09T12:00:30Z');

function planOf(instances: Instance[], maxInstancesPerRun = 1000) {
  return buildPlan({
    config: config({ schedules: [schedule({ forceStop: true })], guard: { maxInstancesPerRun } }),
    fires: [fire('office-hours', '2026-03-09T12:00:00Z')],
    instances: instances.map((subject) => ({ region: 'cn-beijing', instance: subject })),
    now: NOW,
  });
}

const fleet = [
  instance({ InstanceId: 'i-1', InstanceName: 'web-1' }),
  instance({ InstanceId: 'i-2', InstanceName: 'db-1', InstanceChargeType: 'PrePaid' }),
  instance({ InstanceId: 'i-3', InstanceName: 'old', Status: 'STOPPED' }),
  instance({ InstanceId: 'i-4', InstanceName: 'gone', Status: 'STOPPED' }),
  instance({ InstanceId: 'i-5', InstanceName: 'typo', Tags: [{ Key: TAG_KEY, Value: 'office-hour' }] }),
];

describe('summarizePlan', () => {
  it('counts items per decision, skip reason and mode', () => {
    expect(summarizePlan(planOf(fleet))).toEqual({
      items: 5,
      stops: 2,
      starts: 0,
      skips: 3,
      skipReasons: { 'not-running:STOPPED': 2, 'unknown-schedule': 1 },
      unknownSchedule: 1,
      stoppedModes: { StopCharging: 1, KeepCharging: 1 },
      guardExceeded: false,
    });
  });

  it('has every count at zero for an empty plan', () => {
    expect(summarizePlan(planOf([]))).toEqual({
      items: 0,
      stops: 0,
      starts: 0,
      skips: 0,
      skipReasons: {},
      unknownSchedule: 0,
      stoppedModes: { StopCharging: 0, KeepCharging: 0 },
      guardExceeded: false,
    });
  });

  it('reports the guard', () => {
    expect(summarizePlan(planOf(fleet, 1)).guardExceeded).toBe(true);
  });
});

describe('formatPlanTable', () => {
  const lines = (text: string) => text.trimEnd().split('\n');

  it('has the documented columns, one line per item, and a summary', () => {
    const text = formatPlanTable(planOf(fleet));
    const [header, ...rest] = lines(text);
    expect(header!.split(/\s{2,}/)).toEqual([
      'INSTANCE',
      'NAME',
      'REGION',
      'SCHEDULE',
      'FIRE TIME',
      'DECISION',
      'REASON',
      'MODE',
      'FORCE',
    ]);
    // `office-hour` sorts before `office-hours`.
    expect(rest.slice(0, 5).map((line) => line.split(/\s{2,}/))).toEqual([
      [
        'i-5',
        'typo',
        'cn-beijing',
        'office-hour',
        '-',
        'skip',
        "unknown-schedule (did you mean 'office-hours'?)",
        '-',
        '-',
      ],
      [
        'i-1',
        'web-1',
        'cn-beijing',
        'office-hours',
        '2026-03-09T12:00:00.000Z',
        'stop',
        'auto: PostPaid ecs.g3i.large',
        'StopCharging (defaults)',
        'yes',
      ],
      [
        'i-2',
        'db-1',
        'cn-beijing',
        'office-hours',
        '2026-03-09T12:00:00.000Z',
        'stop',
        'auto: PrePaid keeps charging',
        'KeepCharging (defaults)',
        'yes',
      ],
      [
        'i-3',
        'old',
        'cn-beijing',
        'office-hours',
        '2026-03-09T12:00:00.000Z',
        'skip',
        'not-running:STOPPED',
        '-',
        '-',
      ],
      [
        'i-4',
        'gone',
        'cn-beijing',
        'office-hours',
        '2026-03-09T12:00:00.000Z',
        'skip',
        'not-running:STOPPED',
        '-',
        '-',
      ],
    ]);
    expect(rest.slice(5)).toEqual([
      '',
      '2 to stop, 3 skipped (not-running:STOPPED 2, unknown-schedule 1)',
      'guard: 2 of at most 1000 stops per run',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('aligns columns', () => {
    const [header, , web] = lines(formatPlanTable(planOf(fleet)));
    expect(web!.indexOf('web-1')).toBe(header!.indexOf('NAME'));
    expect(web!.indexOf('stop')).toBe(header!.indexOf('DECISION'));
  });

  it('shows the detail of a skip with its reason', () => {
    const subject = instance({ tags: { [`${TAG_KEY}:stopped-mode`]: 'stopcharging' } });
    expect(formatPlanTable(planOf([subject]))).toContain(
      'invalid-override-tag (lights-out:stopped-mode has the malformed value "stopcharging")',
    );
  });

  it('says when the guard would refuse the run', () => {
    expect(lines(formatPlanTable(planOf(fleet, 1))).at(-1)).toBe(
      'guard: 2 stops exceed maxInstancesPerRun 1; the run will be refused unless forced',
    );
  });

  it('prints an empty plan as a header and zero counts', () => {
    expect(lines(formatPlanTable(planOf([])))).toEqual([
      'INSTANCE  NAME  REGION  SCHEDULE  FIRE TIME  DECISION  REASON  MODE  FORCE',
      '',
      '0 to stop, 0 skipped',
      'guard: 0 of at most 1000 stops per run',
    ]);
  });

  it.each([
    ['a newline', 'a\nb', 'a\\u{a}b'],
    ['an ANSI escape', '\u001b[31mred', '\\u{1b}[31mred'],
    ['a carriage return', 'x\ry', 'x\\u{d}y'],
    ['a bidi override', 'abc\u202Edef', 'abc\\u{202e}def'],
  ])('escapes %s in cloud-provided values', (_, value, shown) => {
    const subject = instance({ InstanceName: value, Tags: [{ Key: TAG_KEY, Value: value }] });
    const text = formatPlanTable(planOf([subject]));
    expect(lines(text)).toHaveLength(5);
    for (const raw of ['\u001b', '\r', '\u202e']) expect(text).not.toContain(raw);
    expect(text.split(shown)).toHaveLength(3);
  });

  it('cuts an overlong value to a bounded cell', () => {
    const long = 'x'.repeat(300);
    const text = formatPlanTable(planOf([instance({ Tags: [{ Key: TAG_KEY, Value: long }] })]));
    expect(text).toContain(`${'x'.repeat(MAX_CELL_LENGTH - 1)}…`);
    expect(text).not.toContain('x'.repeat(MAX_CELL_LENGTH));
  });

  it('cuts an overlong malformed tag value in the reason, keeping what the problem is', () => {
    const subject = instance({ tags: { [`${TAG_KEY}:skip-until`]: 'y'.repeat(300) } });
    const row = lines(formatPlanTable(planOf([subject])))[1]!;
    const reason = row.slice(row.indexOf('invalid-override-tag'), row.indexOf('…') + 1);
    expect(
      reason.startsWith('invalid-override-tag (lights-out:skip-until has the malformed value "yyy'),
    ).toBe(true);
    expect([...reason]).toHaveLength(MAX_REASON_LENGTH);
  });

  it('keeps unicode values whole', () => {
    const text = formatPlanTable(planOf([instance({ Tags: [{ Key: TAG_KEY, Value: '办公时间-🌙' }] })]));
    expect(text).toContain('办公时间-🌙');
  });
});
