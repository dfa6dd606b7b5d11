import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fleet, type FleetInstance, generateFleet } from '../../../lib/emulator/index.js';
import { cli, cliFixture, emulatorEnv, jsonLines } from './helpers.js';
import { expectedPlan, type OracleSchedule } from './oracle.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];
/** Monday 2026-03-09 22:02 in Asia/Shanghai: the tick window (13:55Z, 14:00Z] holds 22:00 local. */
const AT = new Date('2026-03-09T14:02:00Z');
/** 18:00 local: nothing is due. */
const QUIET = new Date('2026-03-09T10:00:00Z');

const CONFIG = `
version: 1
regions: [${REGIONS.join(', ')}]
timezone: Asia/Shanghai
guard: { maxInstancesPerRun: 10000 }
schedules:
  office-hours:
    stop: "0 22 * * 1-5"
    stoppedMode: StopCharging
    select:
      tags: { env: dev }
      projects: [default]
  nightly:
    stop: "0 22 * * *"
    forceStop: true
    select:
      zones: [cn-beijing-a, cn-shanghai-b]
  weekend:
    stop: "0 20 * * 5"
    stoppedMode: KeepCharging
`;

/** The same schedules, written again by hand for the oracle. */
const ORACLE_SCHEDULES: OracleSchedule[] = [
  { name: 'office-hours', stoppedMode: 'StopCharging', tags: { env: 'dev' }, projects: ['default'] },
  { name: 'nightly', forceStop: true, zones: ['cn-beijing-a', 'cn-shanghai-b'] },
  { name: 'weekend', stoppedMode: 'KeepCharging' },
];

const CONTRACT_FIELDS = [
  'instanceId',
  'region',
  'schedule',
  'fireTime',
  'decision',
  'reason',
  'stoppedMode',
  'forceStop',
];

function setTag(instance: FleetInstance, key: string, value: string): void {
  instance.Tags = [...instance.Tags.filter((t) => t.Key !== key), { Key: key, Value: value }];
}

/** A generated fleet, plus the cases the generator leaves out: current, malformed and expired snoozes, ERROR. */
function fleet(count = 240): Fleet {
  const generated = generateFleet({ count, seed: 11, regions: REGIONS });
  generated.instances.forEach((instance, index) => {
    if (!instance.Tags.some((t) => t.Key === 'lights-out')) return;
    if (index % 37 === 5) setTag(instance, 'lights-out:skip-until', 'tomorrow');
    if (index % 19 === 4) setTag(instance, 'lights-out:skip-until', '2026-03-10');
    if (index % 41 === 9) setTag(instance, 'lights-out:skip-until', '2026-01-01T00:00:00Z');
    if (index % 43 === 2) {
      instance.Status = 'ERROR';
      delete instance.StoppedMode;
    }
  });
  return generated;
}

const fixture = cliFixture();
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

describe('lights-out plan', () => {
  it('lists the right decision for every tagged instance of a generated fleet (issue 4)', async () => {
    const data = fleet();
    const emulator = await fixture.start(data);
    const file = await fixture.config(CONFIG);
    const { code, stdout, stderr } = await cli(['plan', '-c', file, '--at', AT.toISOString(), '--json'], {
      env: emulatorEnv(emulator),
      now: QUIET,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = jsonLines(stdout);
    const expected = expectedPlan(data, {
      tagKey: 'lights-out',
      schedules: ORACLE_SCHEDULES,
      firing: new Set(['office-hours', 'nightly']),
      at: AT,
    });
    expect(items.map((i) => i.instanceId).sort()).toEqual([...expected.keys()].sort());
    for (const item of items) {
      const want = expected.get(item.instanceId as string)!;
      const got = {
        decision: item.decision,
        ...(item.decision === 'skip' ? { reason: item.reason } : {}),
        stoppedMode: item.stoppedMode,
        forceStop: item.forceStop,
      };
      expect({ id: item.instanceId, ...got }).toEqual({ id: item.instanceId, ...want });
    }
    // Every kind of decision occurs, so the comparison above covers each rule.
    const reasons = new Set(items.map((i) => (i.decision === 'stop' ? 'stop' : String(i.reason))));
    for (const reason of [
      'stop',
      'unknown-schedule',
      'filter-mismatch',
      'not-running:STOPPED',
      'not-running:ERROR',
      'snoozed',
      'invalid-override-tag',
    ]) {
      expect(reasons).toContain(reason);
    }
    expect(new Set(emulator.calls().map((c) => c.action))).toEqual(
      new Set(['DescribeRegions', 'DescribeInstances']),
    );
  });

  it('prints one JSON object per instance with the contract fields, null mode and force for skips', async () => {
    const emulator = await fixture.start(fleet(60));
    const file = await fixture.config(CONFIG);
    const { code, stdout } = await cli(['plan', '-c', file, '--json'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(code).toBe(0);
    const items = jsonLines(stdout);
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      for (const field of CONTRACT_FIELDS) expect(item).toHaveProperty(field);
      if (item.decision === 'skip') {
        expect(item.stoppedMode).toBeNull();
        expect(item.forceStop).toBeNull();
      } else {
        expect(['StopCharging', 'KeepCharging']).toContain(item.stoppedMode);
        expect(typeof item.forceStop).toBe('boolean');
      }
      expect(item.fireTime).toBe(item.reason === 'unknown-schedule' ? null : '2026-03-09T14:00:00.000Z');
    }
  });

  it('prints JSON lines, like run and next, when stdout is not a terminal; refuses --json with --table', async () => {
    const emulator = await fixture.start(fleet(20));
    const file = await fixture.config(CONFIG);
    const piped = await cli(['plan', '-c', file], { env: emulatorEnv(emulator), now: AT });
    const json = await cli(['plan', '-c', file, '--json'], {
      env: emulatorEnv(emulator),
      now: AT,
      isTTY: true,
    });
    expect(piped.code).toBe(0);
    expect(jsonLines(piped.stdout).length).toBeGreaterThan(0);
    expect(piped.stdout).toBe(json.stdout);
    const both = await cli(['plan', '-c', file, '--json', '--table'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--json and --table cannot be used together');
  });

  it('prints a table with the fires, one line per instance and the guard for people', async () => {
    const emulator = await fixture.start(fleet(60));
    const file = await fixture.config(CONFIG);
    const json = await cli(['plan', '-c', file, '--json'], { env: emulatorEnv(emulator), now: AT });
    // --table forces the table where stdout is not a terminal (cli() is not one).
    const { code, stdout } = await cli(['plan', '-c', file, '--table'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines.slice(0, 2).sort()).toEqual([
      'nightly fires at 2026-03-09T14:00:00Z',
      'office-hours fires at 2026-03-09T14:00:00Z',
    ]);
    expect(lines[3]).toMatch(/^INSTANCE +NAME +REGION +SCHEDULE +FIRE TIME +DECISION +REASON +MODE +FORCE$/);
    const items = jsonLines(json.stdout);
    for (const item of items) {
      const line = lines.find((l) => l.startsWith(`${item.instanceId as string} `));
      expect(line).toContain(` ${item.decision as string} `);
    }
    expect(stdout).toMatch(/\n\d+ to stop, \d+ skipped/);
    expect(stdout).toMatch(/\nguard: \d+ of at most 10000 stops per run\n$/);
  });

  it('with --schedule, plans that schedule as if it fired at --at', async () => {
    const data = fleet(120);
    const emulator = await fixture.start(data);
    const file = await fixture.config(CONFIG);
    const at = '2026-03-10T03:17:00Z';
    const env = emulatorEnv(emulator);
    const { code, stdout } = await cli(['plan', '-c', file, '--schedule', 'weekend', '--at', at, '--json'], {
      env,
      now: AT,
    });
    expect(code).toBe(0);
    const items = jsonLines(stdout);
    const expected = expectedPlan(data, {
      tagKey: 'lights-out',
      schedules: ORACLE_SCHEDULES,
      firing: new Set(['weekend']),
      at: new Date(at),
    });
    expect(items.map((i) => i.instanceId).sort()).toEqual([...expected.keys()].sort());
    for (const item of items) {
      if (item.reason === 'unknown-schedule') continue;
      expect(item.schedule).toBe('weekend');
      expect(item.fireTime).toBe('2026-03-10T03:17:00.000Z');
      if (item.decision === 'stop') expect(item.stoppedMode).toBe('KeepCharging');
    }
    const text = await cli(['plan', '-c', file, '--schedule', 'weekend', '--at', at], {
      env,
      now: AT,
      isTTY: true,
    });
    expect(text.stdout.split('\n')[0]).toBe('weekend as if it fired at 2026-03-10T03:17:00Z');
  });

  it('says in one line when nothing is due, with the window and each next fire, and lists nothing', async () => {
    const emulator = await fixture.start(fleet(20));
    const file = await fixture.config(CONFIG);
    const env = emulatorEnv(emulator);
    const note =
      'no schedule fires in the tick window (2026-03-09T09:55:00Z, 2026-03-09T10:00:00Z] UTC; next fires: ' +
      'office-hours 2026-03-09T14:00:00Z, nightly 2026-03-09T14:00:00Z, weekend 2026-03-13T12:00:00Z\n';
    const text = await cli(['plan', '-c', file], { env, now: QUIET, isTTY: true });
    expect(text).toEqual({ code: 0, stdout: note, stderr: '' });
    const json = await cli(['plan', '-c', file, '--json', '--at', '2026-03-09T18:00:00+08:00'], {
      env,
      now: AT,
    });
    expect(json).toEqual({ code: 0, stdout: '', stderr: note });
    expect(emulator.calls()).toEqual([]);
  });

  it('warns that a run would be refused when the stops exceed the guard, and still stops nothing', async () => {
    const emulator = await fixture.start(fleet(60));
    const file = await fixture.config(CONFIG.replace('maxInstancesPerRun: 10000', 'maxInstancesPerRun: 1'));
    const { code, stdout } = await cli(['plan', '-c', file, '--table'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(code).toBe(0);
    const stops = Number(/\n(\d+) to stop,/.exec(stdout)![1]);
    expect(stops).toBeGreaterThan(1);
    expect(
      stdout.endsWith(`a run would be refused: ${stops} stops exceed maxInstancesPerRun 1 (use --force)\n`),
    ).toBe(true);
    const reads = new Set(['DescribeRegions', 'DescribeInstances']);
    expect(emulator.calls().filter((c) => !reads.has(c.action))).toEqual([]);
  });
});
