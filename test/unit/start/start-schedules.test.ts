/**
 * Issue 12, the start side in the pure core: `start:` in the configuration, start fires with their action,
 * the tick-window refusal, and the plan's decisions at a start fire.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';
import { buildPlan } from '../../../lib/plan/build.js';
import { firesFor } from '../../../lib/run/fires.js';
import { dueFires, nextFires, scheduleFireDetails, startStopOverlap } from '../../../lib/schedule/index.js';
import type { Instance } from '../../../lib/volc/types.js';
import { config, fire, instance, schedule } from '../plan/fixtures.js';

const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const HEAD = ['version: 1', 'regions: [cn-beijing]', 'timezone: Asia/Shanghai'];

function issuesOf(text: string): string[] {
  try {
    parseConfig(text, 'c.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('start: in the configuration', () => {
  it('reads start as one cron or a list, and a start-only schedule', () => {
    const c = parseConfig(
      yaml(
        ...HEAD,
        'schedules:',
        '  office-hours: { start: "30 8 * * 1-5", stop: "0 20 * * 1-5" }',
        '  batch:',
        '    start: ["0 1 * * *", "0 13 * * *"]',
      ),
      'c.yaml',
    );
    expect(c.schedules[0]).toMatchObject({ start: ['30 8 * * 1-5'], stop: ['0 20 * * 1-5'] });
    expect(c.schedules[1]).toMatchObject({ start: ['0 1 * * *', '0 13 * * *'], stop: [] });
  });

  it.each([
    [
      'an empty start list',
      ['  a: { start: [] }'],
      ['c.yaml:5:15: start must list at least one cron expression'],
    ],
    [
      'a bad start cron',
      ['  a: { start: "61 8 * * *" }'],
      [/^c\.yaml:5:15: invalid cron expression '61 8 \* \* \*'/],
    ],
    [
      'neither stop nor start',
      ['  a: { description: x }'],
      ["c.yaml:5:3: missing required key 'stop' or 'start' (a schedule needs at least one of them)"],
    ],
  ])('refuses %s, at its node', (_name, lines, expected) => {
    const issues = issuesOf(yaml(...HEAD, 'schedules:', ...lines));
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(issues[i]).toMatch(e);
    });
  });

  it.each([
    // tick, start, stop, refused?
    ['5m', '30 8 * * *', '0 20 * * *', false],
    ['5m', '30 8 * * *', '32 8 * * *', false], // 00:30Z ends (00:25, 00:30]; 00:32Z is in the next window
    ['5m', '31 8 * * *', '34 8 * * *', true],
    ['1h', '30 8 * * *', '0 9 * * *', true],
    ['1h', '0 8 * * *', '30 8 * * *', false],
    ['24h', '30 8 * * 1-5', '0 20 * * 1-5', true],
  ])('tick %s, start %s, stop %s: refused %s', (tick, start, stop, refused) => {
    const text = yaml(
      ...HEAD,
      `tick: ${tick}`,
      'schedules:',
      '  office-hours:',
      `    start: "${start}"`,
      `    stop: "${stop}"`,
    );
    if (!refused) {
      expect(() => parseConfig(text, 'c.yaml')).not.toThrow();
      return;
    }
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(
      new RegExp(
        `^c\\.yaml:7:12: start '${start.replace(/\*/g, '\\*')}' \\(.*\\) and stop .* can fire in the same ${tick} tick`,
      ),
    );
  });
});

describe('startStopOverlap on a tick that does not divide a day', () => {
  // Every tick a configuration accepts divides a day; the drifting grid is still answered safely.
  it.each([
    ['30 8 * * *', '35 8 * * *', true],
    ['30 8 * * *', '40 8 * * *', false],
  ])('tick 7m, start %s, stop %s: overlap %s', (start, stop, overlap) => {
    const found = startStopOverlap(
      { name: 'office-hours', start: [start], stop: [stop], timezone: 'Asia/Shanghai', skipDates: [] },
      7 * 60_000,
    );
    expect(found !== undefined).toBe(overlap);
  });
});

describe('start fires', () => {
  const office = schedule({
    name: 'office-hours',
    timezone: 'Asia/Shanghai',
    start: ['30 8 * * 1-5'],
    stop: ['0 20 * * 1-5'],
    skipDates: ['2026-03-10'],
  });

  it('carry their action, side by side with the stops, skip dates applied to both', () => {
    const from = new Date('2026-03-08T16:00:00Z'); // Mon 2026-03-09 00:00 +08:00
    const fires = scheduleFireDetails(office, from, new Date(from.getTime() + 2 * 86_400_000));
    expect(fires.map((f) => [f.fireTime.toISOString(), f.action, f.skipped])).toEqual([
      ['2026-03-09T00:30:00.000Z', 'start', false],
      ['2026-03-09T12:00:00.000Z', 'stop', false],
      ['2026-03-10T00:30:00.000Z', 'start', true],
      ['2026-03-10T12:00:00.000Z', 'stop', true],
    ]);
    expect(nextFires(office, from, 3).map((f) => f.action)).toEqual(['start', 'stop', 'start']);
  });

  it('fall in the tick windows of their instants, one tick holding fires of both actions', () => {
    const c = config({ schedules: [office, schedule({ name: 'nightly', stop: ['30 0 * * *'] })] });
    const fires = dueFires(c, new Date('2026-03-09T00:25:00Z'), new Date('2026-03-09T00:30:00Z'));
    expect(fires.map((f) => [f.schedule, f.action])).toEqual([
      ['nightly', 'stop'],
      ['office-hours', 'start'],
    ]);
  });

  it('run --schedule picks the fire in the window, --action forces one, and both are checked', () => {
    const c = config({ schedules: [office, schedule({ name: 'nightly', stop: ['30 0 * * *'] })] });
    const at = new Date('2026-03-09T00:31:10Z');
    expect(firesFor(c, { at, schedule: 'office-hours' })).toEqual([
      { schedule: 'office-hours', fireTime: new Date('2026-03-09T00:30:00Z'), action: 'start' },
    ]);
    expect(firesFor(c, { at: new Date('2026-03-09T03:00:00Z'), schedule: 'office-hours' })).toEqual([]);
    expect(firesFor(c, { at, schedule: 'office-hours', action: 'stop' })).toEqual([
      { schedule: 'office-hours', fireTime: at, action: 'stop' },
    ]);
    // A schedule with one action runs it as if it fired at `at`, as before.
    expect(firesFor(c, { at, schedule: 'nightly' })).toEqual([
      { schedule: 'nightly', fireTime: at, action: 'stop' },
    ]);
    expect(() => firesFor(c, { at, schedule: 'nightly', action: 'start' })).toThrow(/has no start: cron/);
    expect(() => firesFor(c, { at, action: 'start' })).toThrow(/needs a schedule/);
  });
});

describe('buildPlan at a start fire', () => {
  const FIRE = '2026-03-09T00:30:00.000Z';
  const NOW = new Date('2026-03-09T00:30:20Z');
  const c = config({ schedules: [schedule({ start: ['30 8 * * *'], stop: ['0 20 * * *'] })] });

  function planOne(subject: Instance, now = NOW) {
    const plan = buildPlan({
      config: c,
      fires: [fire('office-hours', FIRE, 'start')],
      instances: [{ region: 'cn-beijing', instance: subject }],
      now,
    });
    expect(plan.items).toHaveLength(1);
    return plan;
  }

  it.each([
    [
      'STOPPED with StopCharging',
      { Status: 'STOPPED', StoppedMode: 'StopCharging' },
      'start',
      'stopped with StopCharging',
    ],
    [
      'STOPPED with KeepCharging',
      { Status: 'STOPPED', StoppedMode: 'KeepCharging' },
      'start',
      'stopped with KeepCharging',
    ],
    ['RUNNING', { Status: 'RUNNING' }, 'skip', 'not-stopped:RUNNING'],
    ['STOPPING', { Status: 'STOPPING' }, 'skip', 'not-stopped:STOPPING'],
    [
      'parked with skip-until',
      { Status: 'STOPPED', tags: { 'lights-out:skip-until': '2026-03-20' } },
      'skip',
      'snoozed',
    ],
    [
      'with a malformed skip-until',
      { Status: 'STOPPED', tags: { 'lights-out:skip-until': 'tomorrow' } },
      'skip',
      'invalid-override-tag',
    ],
    [
      'with a malformed stopped-mode tag (which says how to stop, not whether to start)',
      { Status: 'STOPPED', StoppedMode: 'StopCharging', tags: { 'lights-out:stopped-mode': 'Off' } },
      'start',
      'stopped with StopCharging',
    ],
  ])('%s → %s (%s)', (_name, fields, decision, reason) => {
    const plan = planOne(instance({ InstanceId: 'i-1', ...(fields as Parameters<typeof instance>[0]) }));
    expect(plan.items[0]).toMatchObject({ action: 'start', decision, reason });
    expect(plan.fires).toEqual([{ schedule: 'office-hours', fireTime: FIRE, action: 'start' }]);
  });

  it('gives a start its stopped mode, no force and no fallback, and counts it in the guard', () => {
    const plan = planOne(instance({ InstanceId: 'i-1', Status: 'STOPPED', StoppedMode: 'StopCharging' }));
    const item = plan.items[0]!;
    expect(item.stoppedMode).toBe('StopCharging');
    expect(item.forceStop).toBeUndefined();
    expect(item.fallbackToKeepCharging).toBeUndefined();
    expect(plan.guard).toEqual({
      maxInstancesPerRun: c.guard.maxInstancesPerRun,
      stops: 0,
      starts: 1,
      exceeded: false,
    });
  });

  it('counts stops and starts together against the guard', () => {
    const two = config({
      guard: { maxInstancesPerRun: 1 },
      schedules: [
        schedule({ start: ['30 8 * * *'], stop: ['0 20 * * *'] }),
        schedule({ name: 'nightly', stop: ['30 0 * * *'] }),
      ],
    });
    const plan = buildPlan({
      config: two,
      fires: [fire('office-hours', FIRE, 'start'), fire('nightly', FIRE)],
      instances: [
        { region: 'cn-beijing', instance: instance({ InstanceId: 'i-1', Status: 'STOPPED' }) },
        {
          region: 'cn-beijing',
          instance: instance({ InstanceId: 'i-2', Tags: [{ Key: 'lights-out', Value: 'nightly' }] }),
        },
      ],
      now: NOW,
    });
    expect(plan.items.map((i) => [i.instanceId, i.action, i.decision])).toEqual([
      ['i-2', 'stop', 'stop'],
      ['i-1', 'start', 'start'],
    ]);
    expect(plan.guard).toMatchObject({ stops: 1, starts: 1, exceeded: true });
  });
});
