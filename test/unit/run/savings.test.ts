import { describe, expect, it } from 'vitest';
import type { PlanItem } from '../../../lib/plan/types.js';
import { computeSavings, hourlyPrice } from '../../../lib/run/index.js';
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
