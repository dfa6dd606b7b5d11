import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import type { Fleet } from '../../../lib/emulator/index.js';
import { mergeFleets, runningFleet } from '../../support/fleet.js';
import { closeHandlerHarnesses, startHandlerHarness } from '../../support/handler-harness.js';

const config = parseConfig(
  [
    'version: 1',
    'regions: [cn-beijing]',
    'timezone: UTC',
    'tick: 5m',
    'schedules:',
    '  office-hours: { start: "30 8 * * *", stop: "0 20 * * *" }',
    '  nightly: { stop: "30 8 * * *" }',
    '',
  ].join('\n'),
  'start.yaml',
);

function scheduledEvent(time: string): ScheduledEvent {
  return {
    version: '0',
    id: 'e1',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'ap-southeast-1',
    resources: [],
    detail: {},
  };
}

afterEach(closeHandlerHarnesses);

/** The handler against `fleet` with 30% of starts refused for capacity, on a clock at 2026-03-09 08:31 UTC. */
function harness(fleet: Fleet) {
  return startHandlerHarness({
    fleet,
    config: async () => config,
    clock: { ms: Date.parse('2026-03-09T08:31:00Z') },
    emulator: { faults: { transitionMs: 0, insufficientCapacity: 0.3, seed: 3 } },
  });
}

function fleet(): Fleet {
  const office = runningFleet(150, { schedule: 'office-hours', prefix: 'off' });
  for (const instance of office.instances) {
    instance.Status = 'STOPPED';
    instance.StoppedMode = 'StopCharging';
  }
  return mergeFleets(office, runningFleet(60, { schedule: 'nightly', prefix: 'nig' }));
}

describe('the handler at a tick with a start and a stop', () => {
  it('starts one schedule and stops the other in one invocation, and a repeated delivery does nothing twice', async () => {
    const h = await harness(fleet());
    const summary = await h.handler(scheduledEvent('2026-03-09T08:30:00Z'));
    expect(summary.fires).toEqual([
      { schedule: 'nightly', fireTime: '2026-03-09T08:30:00.000Z', action: 'stop' },
      { schedule: 'office-hours', fireTime: '2026-03-09T08:30:00.000Z', action: 'start' },
    ]);
    expect(summary.outcomes).toMatchObject({ started: 150, stopped: 60, failed: 0 });
    expect(summary.capacityRefusals).toBeGreaterThan(0);
    const outcomes = h.lines.filter((l) => l.event === 'instance.outcome');
    expect(outcomes).toHaveLength(210);
    for (const line of outcomes) {
      expect(line.action).toBe(String(line.instanceId).startsWith('i-off') ? 'start' : 'stop');
    }

    const again = await h.handler(scheduledEvent('2026-03-09T08:30:00Z'));
    expect(again.outcomes).toMatchObject({ started: 0, stopped: 0, failed: 0, skipped: 210 });
    for (const i of h.emulator.instances()) {
      expect(i.startAccepted + i.stopAccepted, i.InstanceId).toBe(1);
    }
    expect(h.emulator.calls().some((c) => c.errorCode === 'IdempotentParameterMismatch')).toBe(false);
  });

  it('runs a manual {schedule, action} at once, and refuses an action without a schedule', async () => {
    const h = await harness(fleet());
    const summary = await h.handler({
      schedule: 'office-hours',
      action: 'start',
      at: '2026-03-09T11:00:00Z',
    });
    expect(summary.fires).toEqual([
      { schedule: 'office-hours', fireTime: '2026-03-09T11:00:00.000Z', action: 'start' },
    ]);
    expect(summary.outcomes.started).toBe(150);
    const start = h.lines.find((l) => l.event === 'invocation.start');
    expect(start).toMatchObject({
      schedule: 'office-hours',
      action: 'start',
      tick: '2026-03-09T11:00:00.000Z',
    });
    await expect(h.handler({ action: 'start' })).rejects.toThrow(/event\.action needs event\.schedule/);
    await expect(h.handler({ schedule: 'office-hours', action: 'reboot' } as never)).rejects.toThrow(
      /event\.action must be start or stop/,
    );
  });
});
