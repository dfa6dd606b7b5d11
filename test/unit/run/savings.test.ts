import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import type { PlanItem } from '../../../lib/plan/types.js';
import { computeSavings, hourlyPrice, nextStartFor } from '../../../lib/run/index.js';
import type { InstanceOutcome } from '../../../lib/stop/types.js';

const FIRE = '2026-03-09T14:00:00.000Z';

function stopped(id: string, type: string, mode: string, outcome = 'stopped', schedule = 'nightly') {
  const item = { instanceId: id, region: 'cn-beijing', instanceTypeId: type } as PlanItem;
  const o = {
    event: 'instance.outcome',
    schedule,
    fireTime: FIRE,
    region: 'cn-beijing',
    instanceId: id,
    instanceName: id,
    outcome,
    reason: '',
    stoppedMode: mode,
    forceStop: false,
    errorCode: null,
    attempts: 1,
    requestId: null,
  } as InstanceOutcome;
  return { item, o };
}

function input(rows: ReturnType<typeof stopped>[]) {
  return { items: rows.map((r) => r.item), outcomes: rows.map((r) => r.o) };
}

const PRICES = { currency: 'CNY', hourly: { 'ecs.g3i.large': 0.56, 'ecs.c3i': 0.4 } };

describe('savings', () => {
  it('counts 24 hours per stopped instance when the schedule has no start, and says so', () => {
    const s = computeSavings({
      ...input([stopped('a', 'ecs.g3i.large', 'StopCharging')]),
      nextStartAfter: () => null,
    });
    expect(s).toEqual({
      instanceHours: 24,
      bySchedule: {
        nightly: {
          instances: 1,
          instanceHours: 24,
          until: '2026-03-10T14:00:00.000Z',
          basis: 'same-time-next-day',
        },
      },
    });
  });

  it('counts until the next start when the injected function gives one', () => {
    const s = computeSavings({
      ...input([
        stopped('a', 'ecs.g3i.large', 'StopCharging'),
        stopped('b', 'ecs.g3i.large', 'StopCharging'),
      ]),
      nextStartAfter: (name, at) => (name === 'nightly' ? new Date(at.getTime() + 10.5 * 3_600_000) : null),
    });
    expect(s.instanceHours).toBe(21);
    expect(s.bySchedule.nightly).toMatchObject({ basis: 'next-start', until: '2026-03-10T00:30:00.000Z' });
  });

  it('prices StopCharging at the type, then the family; KeepCharging at zero; unpriced counted apart', () => {
    const s = computeSavings({
      ...input([
        stopped('a', 'ecs.g3i.large', 'StopCharging'), // 24 × 0.56
        stopped('b', 'ecs.c3i.xlarge', 'StopCharging'), // family: 24 × 0.4
        stopped('c', 'ecs.g3i.large', 'KeepCharging'), // keeps billing: 0
        stopped('d', 'ecs.r1.large', 'StopCharging'), // no price
        stopped('e', 'ecs.g3i.large', 'StopCharging', 'dry-run'), // saves nothing
        stopped('f', 'ecs.g3i.large', 'StopCharging', 'failed'),
      ]),
      prices: PRICES,
      nextStartAfter: () => null,
    });
    expect(s).toMatchObject({ instanceHours: 96, amount: 23.04, currency: 'CNY', unpriced: 1 });
    expect(s.bySchedule.nightly).toMatchObject({ instances: 4, instanceHours: 96, amount: 23.04 });
  });

  it.each([
    ['ecs.g3i.large', 0.56],
    ['ecs.g3i.xlarge', undefined],
    ['ecs.c3i.large', 0.4],
    ['ecs.c3i', 0.4],
    ['', undefined],
  ])('hourlyPrice(%s) = %s', (type, price) => {
    expect(hourlyPrice(PRICES, type)).toBe(price);
  });
});

/** A schedule that starts at 08:30 and stops at 20:00 in Shanghai, with `extra` lines under it. */
function officeConfig(extra: string[] = [], top: string[] = []) {
  return parseConfig(
    [
      'version: 1',
      'regions: [cn-beijing]',
      'timezone: Asia/Shanghai',
      ...top,
      'schedules:',
      '  office:',
      '    start: "30 8 * * *"',
      '    stop: "0 20 * * *"',
      ...extra.map((line) => `    ${line}`),
      '  nightly: { stop: "0 22 * * *" }',
      '',
    ].join('\n'),
    'savings.yaml',
  );
}

/** The savings of `n` instances of `schedule` stopped by the fire at `fireTime`, with the schedule's real next start. */
function savedAt(config: ReturnType<typeof officeConfig>, schedule: string, fireTime: string, n = 2) {
  const rows = Array.from({ length: n }, (_, k) => {
    const row = stopped(`i-${k}`, 'ecs.g3i.large', 'StopCharging', 'stopped', schedule);
    return { ...row, o: { ...row.o, fireTime } };
  });
  return computeSavings({ ...input(rows), prices: PRICES, nextStartAfter: nextStartFor(config) });
}

describe("savings until the schedule's next start (nextStartFor)", () => {
  it('a stop at 20:00 with start "30 8 * * *" saves 12.5 instance-hours per instance, basis next-start', () => {
    // Monday 2026-03-09 20:00 in Shanghai.
    const s = savedAt(officeConfig(), 'office', '2026-03-09T12:00:00.000Z');
    expect(s).toEqual({
      instanceHours: 25,
      amount: 14, // 25 × 0.56
      currency: 'CNY',
      bySchedule: {
        office: {
          instances: 2,
          instanceHours: 25,
          amount: 14,
          until: '2026-03-10T00:30:00.000Z',
          basis: 'next-start',
        },
      },
    });
  });

  it.each([
    ["the schedule's calendar", ['calendar: wk']],
    ['a calendar on the start only', ['calendar: { start: wk }']],
  ])("a Friday stop with %s counts until Monday's start (60.5 h)", (_name, extra) => {
    const config = officeConfig(extra, ['calendars:', '  wk: { base: weekdays }']);
    // Friday 2026-03-13 20:00 in Shanghai; Monday 2026-03-16 08:30 is 00:30Z.
    const s = savedAt(config, 'office', '2026-03-13T12:00:00.000Z', 1);
    expect(s.bySchedule.office).toMatchObject({
      instanceHours: 60.5,
      until: '2026-03-16T00:30:00.000Z',
      basis: 'next-start',
    });
  });

  it('a skip date on Monday moves the start, and the hours, to Tuesday', () => {
    const config = officeConfig(
      ['calendar: wk', 'skipDates: ["2026-03-16"]'],
      ['calendars:', '  wk: { base: weekdays }'],
    );
    const s = savedAt(config, 'office', '2026-03-13T12:00:00.000Z', 1);
    expect(s.bySchedule.office).toMatchObject({ instanceHours: 84.5, until: '2026-03-17T00:30:00.000Z' });
  });

  it('a schedule without start counts until the same time the next day, beside one with a start', () => {
    const config = officeConfig();
    const next = nextStartFor(config);
    expect(next('nightly', new Date('2026-03-09T14:00:00.000Z'))).toBeNull();
    expect(next('unknown', new Date('2026-03-09T14:00:00.000Z'))).toBeNull();
    expect(savedAt(config, 'nightly', '2026-03-09T14:00:00.000Z', 1).bySchedule.nightly).toMatchObject({
      instanceHours: 24,
      basis: 'same-time-next-day',
    });
  });
});
